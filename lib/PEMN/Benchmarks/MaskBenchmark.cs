using System.Diagnostics;
using PEMN.Configuration;
using PEMN.Masking;
using PEMN.Strategies;
using static TorchSharp.torch;

namespace PEMN.Benchmarks;

/// <summary>Settings of the mask benchmark (what is measured comes from an experiment config: model, k, batch, seed).</summary>
/// <param name="Warmup">Untimed steps first (allocator and thread pools warm up).</param>
/// <param name="Steps">Timed training steps per model.</param>
/// <param name="MaskRepeats">Timed repetitions of the mask computation over all layers.</param>
/// <param name="InferenceBatches">Timed batches of inference (eval mode, no gradients) per model.</param>
public sealed record MaskBenchmarkOptions(
    int Warmup = 2,
    int Steps = 5,
    int MaskRepeats = 20,
    int InferenceBatches = 5)
{
    /// <summary>The default experiment measured: the paper's ConvMixer-256/8 (kernel 5, patch 2, CIFAR-10 geometry) at batch 64 on the CPU.</summary>
    public static ExperimentConfig DefaultExperiment { get; } = ExperimentPresets.Paper with
    {
        Name = "bench",
        Training = ExperimentPresets.Paper.Training with { BatchSize = 64 },
        Device = "cpu",
    };

    /// <summary>Throws when a count is not positive.</summary>
    public MaskBenchmarkOptions Validate()
    {
        if (Warmup < 0) throw new ArgumentOutOfRangeException(nameof(Warmup), Warmup, "Warmup must be >= 0.");
        if (Steps < 1) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "Steps must be >= 1.");
        if (MaskRepeats < 1) throw new ArgumentOutOfRangeException(nameof(MaskRepeats), MaskRepeats, "Mask repeats must be >= 1.");
        if (InferenceBatches < 1) throw new ArgumentOutOfRangeException(nameof(InferenceBatches), InferenceBatches, "Inference batches must be >= 1.");
        return this;
    }
}

/// <summary>What the mask benchmark measured (times per training step, all layers together).</summary>
/// <param name="MaskMsSort">Mask computation of every layer by a full sort (the authors' method), ms.</param>
/// <param name="MaskMs">Mask computation of every layer by selection (this library), ms.</param>
/// <param name="StepSDense">One training step of the dense model, s (median).</param>
/// <param name="StepSMasked">One training step of the masked model, s (median).</param>
/// <param name="MaskSpeedup">MaskMsSort / MaskMs.</param>
/// <param name="StepRatio">StepSMasked / StepSDense (target &lt;= 1.10).</param>
/// <param name="Threads">Torch intra-op threads.</param>
/// <param name="Layers">Masked layers.</param>
/// <param name="MaskedWeights">Weights under masks.</param>
/// <param name="Batch">Images per step.</param>
/// <param name="InferenceDense">Images per second of the dense model in eval mode without gradients (median batch).</param>
/// <param name="InferenceMasked">The same for the masked model, its masks frozen as evaluation runs them (<see cref="FrozenMasks"/>).</param>
/// <param name="InferenceMaskedLive">The masked model with its masks selected again at every batch (as before <see cref="FrozenMasks"/>).</param>
/// <param name="TrainingMultiplyAddsPerImage">Multiply-adds of one training step per image (<see cref="Models.MultiplyAdds.Training"/>).</param>
public sealed record MaskBenchmarkResult(
    double MaskMsSort, double MaskMs, double StepSDense, double StepSMasked,
    double MaskSpeedup, double StepRatio, int Threads, int Layers, long MaskedWeights,
    int Batch, double InferenceDense, double InferenceMasked, double InferenceMaskedLive, long? TrainingMultiplyAddsPerImage)
{
    /// <summary>GFLOP/s of a training step of the model at <paramref name="stepSeconds"/> per step (2 FLOPs per multiply-add).</summary>
    public double? GflopsAt(double stepSeconds) =>
        TrainingMultiplyAddsPerImage * Models.MultiplyAdds.FlopsPerMultiplyAdd * (double)Batch / stepSeconds / 1e9;
}

/// <summary>
/// Measures the cost of sparse selection: the per-step mask computation (full sort vs selection), a whole training step
/// of the masked model against the dense model of the same definition (steps alternate between the two, so that both see
/// the same machine; in the experiment's training.precision and training.memory_format), and inference of both (float32).
/// </summary>
public static class MaskBenchmark
{
    /// <summary>Runs the benchmark on the model, masking, batch and seed of <paramref name="experiment"/>, on <paramref name="device"/>.</summary>
    public static MaskBenchmarkResult Run(ExperimentConfig experiment, MaskBenchmarkOptions options, Device device)
    {
        options.Validate();
        experiment.Validate();
        var spec = experiment.Network;
        using var denseNetwork = PemnNetwork.Build(spec with { Strategy = new StrategyConfig(StrategyName.Dense) }, device);
        using var maskedNetwork = PemnNetwork.Build(spec with { Strategy = new StrategyConfig(StrategyName.Mask) }, device);
        var (dense, masked) = (denseNetwork.Model, maskedNetwork.Model);
        var layers = WeightLayers.Masked(masked);

        var scores = layers.Select(l => (Tensor)l.Masked!.Scores).ToList();
        var k = layers[0].Masked!.KeepFraction;
        var sortMs = TimeMs(options.MaskRepeats, () => { foreach (var s in scores) TopKMask.ComputeBySort(s, k).Dispose(); });
        var selectMs = TimeMs(options.MaskRepeats, () => { foreach (var s in scores) TopKMask.Compute(s, k).Dispose(); });

        var model = experiment.Model;
        var batch = experiment.Training.BatchSize;
        using var generator = new Generator((ulong)experiment.Training.Seed);
        using var images = randn([batch, model.InChannels, model.ImageSize, model.ImageSize], generator: generator).to(device);
        using var labels = randint(model.Classes, [batch], generator: generator).to(device);
        var (denseStep, maskedStep) = StepSeconds(dense, masked, images, labels, options, experiment.Training);
        var denseInference = ImagesPerSecond(dense, images, options);
        var maskedInference = ImagesPerSecond(masked, images, options);
        var maskedLiveInference = ImagesPerSecond(masked, images, options, frozen: false);
        long? multiplyAdds = Models.MultiplyAdds.Training(model);

        return new MaskBenchmarkResult(sortMs, selectMs, denseStep, maskedStep, sortMs / selectMs,
            maskedStep / denseStep, get_num_threads(), layers.Count, layers.Sum(l => l.Count),
            batch, denseInference, maskedInference, maskedLiveInference, multiplyAdds);
    }

    private static double TimeMs(int repeats, Action action)
    {
        action(); // warm-up
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < repeats; i++) action();
        return watch.Elapsed.TotalMilliseconds / repeats;
    }

    /// <summary>Median seconds per training step of each model, the two stepping in turn.</summary>
    private static (double Dense, double Masked) StepSeconds(nn.Module<Tensor, Tensor> dense, nn.Module<Tensor, Tensor> masked,
        Tensor images, Tensor labels, MaskBenchmarkOptions options, Training.TrainingConfig training)
    {
        using var denseOptimizer = Optimizer(dense);
        using var maskedOptimizer = Optimizer(masked);
        var (denseTimes, maskedTimes) = (new List<double>(), new List<double>());
        for (var step = 0; step < options.Warmup + options.Steps; step++)
        {
            var d = Step(dense, denseOptimizer, images, labels, training);
            var m = Step(masked, maskedOptimizer, images, labels, training);
            if (step < options.Warmup) continue;
            denseTimes.Add(d);
            maskedTimes.Add(m);
        }
        return (Median(denseTimes), Median(maskedTimes));
    }

    private static TorchSharp.Modules.OptimizerHelper Optimizer(nn.Module<Tensor, Tensor> model)
    {
        model.train();
        return optim.AdamW(model.parameters().Where(p => p.requires_grad));
    }

    /// <summary>One step as the trainer takes it: forward in the experiment's precision and memory format, the loss in float32.</summary>
    private static double Step(nn.Module<Tensor, Tensor> model, TorchSharp.Modules.OptimizerHelper optimizer, Tensor images, Tensor labels,
        Training.TrainingConfig training)
    {
        var watch = Stopwatch.StartNew();
        using (var scope = NewDisposeScope())
        {
            optimizer.zero_grad();
            Tensor logits;
            using (Runtime.ComputeScope.Begin(training.Precision, training.MemoryFormat, images.device)) logits = model.forward(images);
            nn.functional.cross_entropy(logits.to(ScalarType.Float32), labels).backward();
            optimizer.step();
        }
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Median images per second of inference on <paramref name="images"/> after one untimed batch, as <see cref="Training.Trainer.Evaluate"/>
    /// runs it: eval mode, no gradients, masks frozen (or, with <paramref name="frozen"/> false, selected at every batch).
    /// </summary>
    private static double ImagesPerSecond(nn.Module<Tensor, Tensor> model, Tensor images, MaskBenchmarkOptions options, bool frozen = true)
    {
        model.eval();
        using var noGrad = no_grad();
        using var masks = frozen ? FrozenMasks.Over(model) : null;
        var times = new List<double>();
        for (var batch = 0; batch <= options.InferenceBatches; batch++)
        {
            var watch = Stopwatch.StartNew();
            using (var scope = NewDisposeScope()) model.forward(images);
            if (batch > 0) times.Add(watch.Elapsed.TotalSeconds);
        }
        model.train();
        return images.shape[0] / Median(times);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
