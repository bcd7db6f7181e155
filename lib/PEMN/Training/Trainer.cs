using System.Diagnostics;
using PEMN.Data;
using PEMN.Masking;
using PEMN.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PEMN.Training;

/// <summary>
/// Trains a classifier with cross-entropy, the configured optimiser and a per-step learning-rate schedule;
/// evaluates after every epoch; checkpoints after every epoch and resumes from the last checkpoint.
/// The optimiser sees only tensors with requires_grad (masked models: scores and norm affine; dense: all).
/// </summary>
public sealed class Trainer
{
    private readonly nn.Module<Tensor, Tensor> model;
    private readonly TrainingConfig config;
    private readonly double lrMax;

    /// <summary>Creates a trainer for <paramref name="model"/> (already on its device).</summary>
    /// <param name="model">The classifier: images [B, C, H, W] -> logits [B, classes].</param>
    /// <param name="config">Training settings; validated here.</param>
    /// <param name="lrMax">Peak learning rate; default <see cref="TrainingConfig.LrMax"/>.</param>
    public Trainer(nn.Module<Tensor, Tensor> model, TrainingConfig config, double? lrMax = null)
    {
        this.model = model;
        this.config = config.Validate();
        this.lrMax = lrMax ?? config.LrMax;
        ConfigError.Range("lrMax", this.lrMax, 0, TrainingConfig.MaxLearningRate, lowOpen: true);
    }

    /// <summary>
    /// Trains for the remaining epochs. With <paramref name="checkpointDirectory"/>, restores its last checkpoint
    /// first and saves one after every epoch. Cancelling <paramref name="cancellation"/> stops before the next step or
    /// evaluation batch (OperationCanceledException), never inside a checkpoint write; the last finished epoch stays checkpointed.
    /// </summary>
    /// <exception cref="CorruptFileException">The checkpoint to resume is damaged; the message names the file.</exception>
    public TrainingResult Fit(IBatchSource train, IBatchSource test, string? checkpointDirectory = null,
        ITrainingObserver? observer = null, CancellationToken cancellation = default)
    {
        var parameters = model.parameters().Where(p => p.requires_grad).ToList();
        if (parameters.Count == 0)
            throw new InvalidOperationException("The model has no parameter with requires_grad; nothing to train.");
        var trainable = parameters.Sum(p => p.numel());
        using var optimizer = CreateOptimizer(parameters);
        var history = new List<EpochRecord>();
        double seconds = 0;
        var startEpoch = 0;
        if (checkpointDirectory is not null && Checkpoint.TryLoad(checkpointDirectory, model, optimizer) is { } restored)
        {
            if (restored.Epoch > config.Epochs)
                throw new CorruptFileException(Path.Combine(checkpointDirectory, Checkpoint.StateFile),
                    $"it records {restored.Epoch} finished epochs; this run has training.epochs = {config.Epochs}.");
            startEpoch = restored.Epoch;
            seconds = restored.Seconds;
            history.AddRange(restored.History);
        }

        var steps = train.BatchesPerEpoch;
        var runClock = Stopwatch.StartNew();
        var stepsDone = 0L;
        var stepsLeftAtStart = (long)(config.Epochs - startEpoch) * steps;
        for (var epoch = startEpoch; epoch < config.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            model.train();
            double lossSum = 0;
            long correct = 0, seen = 0;
            var step = 0;
            var lr = 0.0;
            foreach (var (images, labels) in train.Epoch(epoch))
            {
                using var x = images;
                using var y = labels;
                cancellation.ThrowIfCancellationRequested();
                lr = LearningRateSchedule.At(config.Schedule, lrMax, config.Epochs, epoch, step, steps);
                var (loss, hits) = Step(optimizer, parameters, x, y, lr, epoch, step);
                // What the optimiser used, read back from it, is what progress and history report.
                lr = optimizer.ParamGroups.First().LearningRate;
                var n = y.shape[0];
                lossSum += loss * n;
                correct += hits;
                seen += n;
                step++;
                stepsDone++;
                if (observer is not null)
                {
                    var elapsed = runClock.Elapsed;
                    var remaining = TimeSpan.FromTicks((long)(elapsed.Ticks * (double)(stepsLeftAtStart - stepsDone) / stepsDone));
                    observer.StepCompleted(new StepProgress(epoch + 1, config.Epochs, step, steps, loss,
                        lossSum / seen, correct / (double)seen, lr, elapsed, remaining));
                }
            }
            if (seen == 0) throw new InvalidOperationException($"The training source yielded no images in epoch {epoch + 1}.");
            var trainSeconds = clock.Elapsed.TotalSeconds;
            var testAccuracy = Evaluate(model, test, epoch, cancellation, config.Precision);
            var epochSeconds = clock.Elapsed.TotalSeconds;
            seconds += epochSeconds;
            var record = new EpochRecord(epoch + 1, lossSum / seen, correct / (double)seen, testAccuracy, lr,
                epochSeconds, seen / Math.Max(trainSeconds, double.Epsilon));
            history.Add(record);
            if (checkpointDirectory is not null)
                Checkpoint.Save(checkpointDirectory, model, optimizer, epoch + 1, seconds, history);
            observer?.EpochCompleted(record);
        }
        return new TrainingResult(history, seconds, startEpoch, trainable);
    }

    /// <summary>
    /// Accuracy (fraction) of <paramref name="model"/> on one pass of <paramref name="source"/>, in eval mode without
    /// gradients, in <paramref name="precision"/> (a bf16 run is evaluated as it trains) and in the contiguous memory format
    /// (a forward pass gains nothing from channels-last here, and runs evaluated before it existed keep their numbers).
    /// Cancelling stops before the next batch (a full test pass of a large set takes minutes on a CPU).
    /// </summary>
    public static double Evaluate(nn.Module<Tensor, Tensor> model, IBatchSource source, int epoch = 0, CancellationToken cancellation = default,
        Precision precision = Precision.Fp32)
    {
        model.eval();
        using var noGrad = no_grad();
        // The scores do not change during a test pass: each mask is selected once, not once per batch.
        using var masks = FrozenMasks.Over(model);
        long correct = 0, seen = 0;
        foreach (var (images, labels) in source.Epoch(epoch))
        {
            using var x = images;
            using var y = labels;
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            Tensor logits;
            using (ComputeScope.Begin(precision, MemoryFormat.Contiguous, x.device)) logits = model.forward(x);
            correct += logits.to(ScalarType.Float32).argmax(1).eq(y).sum().item<long>();
            seen += y.shape[0];
        }
        if (seen == 0) throw new InvalidOperationException("The evaluation source yielded no images.");
        return correct / (double)seen;
    }

    private (double Loss, long Correct) Step(OptimizerHelper optimizer, List<Parameter> parameters, Tensor x, Tensor y,
        double lr, int epoch, int step)
    {
        using var scope = NewDisposeScope();
        foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
        optimizer.zero_grad();
        Tensor logits;
        using (ComputeScope.Begin(config.Precision, config.MemoryFormat, x.device)) logits = model.forward(x);
        // The loss, and the accuracy's argmax, in float32 whatever the precision of the pass.
        logits = logits.to(ScalarType.Float32);
        var loss = nn.functional.cross_entropy(logits, y, label_smoothing: config.LabelSmoothing);
        var value = loss.item<float>();
        if (!float.IsFinite(value))
            throw new InvalidOperationException(
                $"Training loss is {value} at epoch {epoch + 1}, step {step + 1} (learning rate {lr:G4}); lower training.lr_max or set training.clip_norm.");
        loss.backward();
        if (config.ClipNorm is { } clip) nn.utils.clip_grad_norm_(parameters, clip);
        optimizer.step();
        var correct = logits.argmax(1).eq(y).sum().item<long>();
        return (value, correct);
    }

    private OptimizerHelper CreateOptimizer(List<Parameter> parameters) => config.Optimizer switch
    {
        OptimizerKind.AdamW => optim.AdamW(parameters, lrMax, weight_decay: config.WeightDecay),
        OptimizerKind.Sgd => optim.SGD(parameters, lrMax, momentum: TrainingConfig.SgdMomentum,
            weight_decay: config.WeightDecay, nesterov: config.Nesterov),
        _ => throw ConfigError.Enum("training.optimizer", config.Optimizer),
    };
}

/// <summary>The outcome of a finished training run.</summary>
/// <param name="History">Every epoch, in order (including epochs restored from a checkpoint).</param>
/// <param name="Seconds">Wall time summed over the epochs (across resumptions).</param>
/// <param name="ResumedFromEpoch">The epoch count restored from a checkpoint (0 for a fresh run).</param>
/// <param name="TrainableParameters">Number of values the optimiser updates.</param>
public sealed record TrainingResult(IReadOnlyList<EpochRecord> History, double Seconds, int ResumedFromEpoch, long TrainableParameters)
{
    /// <summary>Best test accuracy over the epochs (the paper's metric).</summary>
    public double BestTestAccuracy => History.Max(e => e.TestAccuracy);
    /// <summary>The 1-based epoch of the best test accuracy (the first one on ties).</summary>
    public int BestEpoch => History.First(e => e.TestAccuracy == BestTestAccuracy).Epoch;
    /// <summary>Test accuracy after the last epoch.</summary>
    public double FinalTestAccuracy => History[^1].TestAccuracy;
    /// <summary>Training loss of the last epoch.</summary>
    public double FinalTrainLoss => History[^1].TrainLoss;
}
