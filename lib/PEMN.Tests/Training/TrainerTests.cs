using PEMN.Data;
using PEMN.Masking;
using PEMN.Models;
using PEMN.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PEMN.Tests.Training;

public class TrainerTests : IDisposable
{
    // Tiny tensors: one thread is fastest and keeps timings steady on a shared machine; restored after.
    private readonly int threads = TorchSharp.torch.get_num_threads();

    public TrainerTests() => TorchSharp.torch.set_num_threads(1);

    private const int Classes = 4;
    private readonly string folder = Path.Combine(Path.GetTempPath(), "pemn-trainer-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        TorchSharp.torch.set_num_threads(threads);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    private static nn.Module<Tensor, Tensor> TinyModel(LayerKind kind, long seed = 1) =>
        new ModelConfig(ModelName.ConvMixer, Dim: 16, Depth: 2, Kernel: 3, Patch: 2, InChannels: 1, ImageSize: 8, Classes: Classes)
            .Build(new LayerFactory(kind, new MaskingOptions(), seed));

    private static (SyntheticBatchSource Train, SyntheticBatchSource Test) Data(long seed = 3) =>
        SyntheticBatchSource.CreatePair(Classes, trainPerClass: 48, testPerClass: 24, channels: 1, imageSize: 8, batchSize: 32, seed);

    private static TrainingConfig Config(int epochs = 3) => new(LrMax: 0.05, Epochs: epochs, BatchSize: 32);

    [Fact]
    public void MaskedTrainingLowersLossAndBeatsChance()
    {
        var (train, test) = Data();
        using var _ = train; using var __ = test;
        using var model = TinyModel(LayerKind.Masked);
        var chance = 1.0 / Classes;
        var before = Trainer.Evaluate(model, test);
        var result = new Trainer(model, Config()).Fit(train, test);
        Assert.Equal(3, result.History.Count);
        Assert.True(result.History[^1].TrainLoss < result.History[0].TrainLoss,
            $"loss {result.History[0].TrainLoss} -> {result.History[^1].TrainLoss}");
        Assert.True(result.BestTestAccuracy > chance + 0.25, $"best test accuracy {result.BestTestAccuracy} (before {before}, chance {chance})");
        Assert.All(result.History, e => Assert.InRange(e.TestAccuracy, 0, 1));
    }

    [Fact]
    public void OptimiserMovesOnlyScoresAndNormAffineWhenMaskedAndEveryWeightWhenDense()
    {
        var (train, test) = Data();
        using var _ = train; using var __ = test;
        using var masked = TinyModel(LayerKind.Masked);
        using var dense = TinyModel(LayerKind.Dense);
        Tensor[] Snapshot(IEnumerable<Tensor> tensors) => tensors.Select(t => t.detach().clone()).ToArray();
        var maskedLayers = WeightLayers.Masked(masked);
        var (weights0, scores0) = (Snapshot(maskedLayers.Select(l => l.Weight)), Snapshot(maskedLayers.Select(l => (Tensor)l.Masked!.Scores)));
        var affine0 = Snapshot(masked.named_parameters().Where(p => p.name.Contains(".bn") || p.name.StartsWith("stem.bn")).Select(p => (Tensor)p.parameter));
        var denseWeights0 = Snapshot(WeightLayers.Of(dense).Select(l => l.Weight));
        var one = new TrainingConfig(Epochs: 1, BatchSize: 32);
        var maskedCount = new Trainer(masked, one).Fit(train, test).TrainableParameters;
        var denseCount = new Trainer(dense, one).Fit(train, test).TrainableParameters;

        // Hand count of the tiny ConvMixer (dim 16, depth 2, kernel 3, patch 2, 1 channel, 4 classes): weights
        // stem 64 + depthwise 2 x 144 + pointwise 2 x 256 + head 64 = 928; five BatchNorms of 16 channels: 160 affine.
        Assert.Equal(928 + 160, maskedCount);
        Assert.Equal(928 + 160, denseCount);
        static bool Same(Tensor a, Tensor b) => a.eq(b).all().item<bool>();
        Assert.All(maskedLayers.Zip(weights0), p => Assert.True(Same(p.First.Weight, p.Second), $"{p.First.Path}: frozen weight moved"));
        Assert.All(maskedLayers.Zip(scores0), p => Assert.False(Same(p.First.Masked!.Scores, p.Second), $"{p.First.Path}: scores did not move"));
        var affine1 = masked.named_parameters().Where(p => p.name.Contains(".bn") || p.name.StartsWith("stem.bn")).Select(p => (Tensor)p.parameter).ToArray();
        Assert.Equal(10, affine1.Length);
        Assert.All(affine1.Zip(affine0), p => Assert.False(Same(p.First, p.Second), "BatchNorm affine did not move"));
        Assert.All(WeightLayers.Of(dense).Zip(denseWeights0), p => Assert.False(Same(p.First.Weight, p.Second), $"{p.First.Path}: dense weight did not move"));
    }

    [Fact]
    public void TheOptimiserGetsTheScheduledLearningRateAtEveryStep()
    {
        var (train, test) = Data();
        using var _ = train; using var __ = test;
        using var model = TinyModel(LayerKind.Masked);
        var config = new TrainingConfig(LrMax: 0.05, Epochs: 5, BatchSize: 32);
        var seen = new List<(int Epoch, int Step, double Lr)>();
        new Trainer(model, config).Fit(train, test, observer: new TrainingObserver(onStep: s => seen.Add((s.Epoch, s.Step, s.LearningRate))));
        // 192 images / 32 = 6 steps per epoch, 30 steps. Piecewise over 5 epochs: breakpoints 0, 2, 4, 5 epochs with
        // values 0, 0.05, 0.0025, 0; step i of epoch e sits at t = e + (i + 1) / 6.
        Assert.Equal(30, seen.Count);
        static double Expected(double t) => t <= 2 ? 0.05 * t / 2 : t <= 4 ? 0.05 + (0.0025 - 0.05) * (t - 2) / 2 : 0.0025 * (5 - t);
        foreach (var (epoch, step, lr) in seen)
            Assert.Equal(Expected(epoch - 1 + step / 6.0), lr, 6);
    }

    [Fact]
    public void LiveTensorCountReturnsToItsStartAfterTraining()
    {
        var (train, test) = Data();
        using var _ = train; using var __ = test;
        using var model = TinyModel(LayerKind.Masked);
        var stats = DisposeScopeManager.Statistics;
        var start = stats.ThreadTotalLiveCount;
        new Trainer(model, Config(epochs: 1)).Fit(train, test);
        var afterOne = stats.ThreadTotalLiveCount;
        new Trainer(model, Config(epochs: 2)).Fit(train, test, Path.Combine(folder, "ckpt"));
        var afterCheckpointed = stats.ThreadTotalLiveCount;
        Assert.Equal(start, afterOne);
        Assert.Equal(start, afterCheckpointed);
        // Flat across epochs too, not only after the optimiser is gone.
        var atEpochEnd = new List<long>();
        new Trainer(model, Config(epochs: 3)).Fit(train, test, observer: new TrainingObserver(onEpoch: _ => atEpochEnd.Add(stats.ThreadTotalLiveCount)));
        Assert.Equal(3, atEpochEnd.Count);
        Assert.All(atEpochEnd, count => Assert.Equal(atEpochEnd[0], count));
    }

    [Fact]
    public void NonFiniteLossNamesEpochAndStep()
    {
        var (train, test) = Data();
        using var _ = train; using var __ = test;
        using var model = TinyModel(LayerKind.Dense);
        var poisoned = new PoisonedSource(train, poisonBatch: 2);
        var e = Assert.Throws<InvalidOperationException>(() => new Trainer(model, Config(epochs: 1)).Fit(poisoned, test));
        Assert.Contains("epoch 1, step 3", e.Message);
        Assert.Contains("NaN", e.Message);
    }

    public static TheoryData<TrainingConfig> ResumeConfigs => new()
    {
        Config(),
        // SGD momentum buffers, cosine schedule, clipping and label smoothing must survive a restart too.
        new TrainingConfig(OptimizerKind.Sgd, LrMax: 0.05, Nesterov: true, Schedule: ScheduleKind.Cosine, Epochs: 3, BatchSize: 32,
            LabelSmoothing: 0.1, ClipNorm: 1.0),
    };

    [Theory]
    [MemberData(nameof(ResumeConfigs))]
    public void ResumedRunEqualsUninterruptedRun(TrainingConfig config)
    {
        var checkpoint = Path.Combine(folder, "resume");
        var liveAtStart = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        TrainingResult uninterrupted;
        {
            var (train, test) = Data();
            using var _ = train; using var __ = test;
            manual_seed(11);
            using var model = TinyModel(LayerKind.Masked);
            uninterrupted = new Trainer(model, config).Fit(train, test);
        }
        {
            var (train, test) = Data();
            using var _ = train; using var __ = test;
            manual_seed(11);
            using var model = TinyModel(LayerKind.Masked);
            using var cancel = new CancellationTokenSource();
            // Kill in the middle of the second epoch (6 steps per epoch): step 9 of 18.
            var observer = new TrainingObserver(onStep: s => { if (s.Epoch == 2 && s.Step == 3) cancel.Cancel(); });
            Assert.Throws<OperationCanceledException>(() => new Trainer(model, config).Fit(train, test, checkpoint, observer, cancel.Token));
            Assert.Equal(1, Checkpoint.TryReadState(checkpoint)!.Epoch);
        }
        {
            var (train, test) = Data();
            using var _ = train; using var __ = test;
            manual_seed(999); // the checkpoint must restore the generator, not rely on this process's state
            using var model = TinyModel(LayerKind.Masked, seed: 77); // and the weights, not rely on the rebuild
            var resumed = new Trainer(model, config).Fit(train, test, checkpoint);
            Assert.Equal(1, resumed.ResumedFromEpoch);
            Assert.Equal(uninterrupted.History.Select(e => (e.TrainLoss, e.TrainAccuracy, e.TestAccuracy)),
                resumed.History.Select(e => (e.TrainLoss, e.TrainAccuracy, e.TestAccuracy)));
        }
        // Restored optimiser state (AdamW moments, SGD momentum buffers) is freed with its optimiser.
        Assert.Equal(liveAtStart, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    /// <summary>Wraps a source and turns one batch's images into NaN.</summary>
    private sealed class PoisonedSource(IBatchSource inner, int poisonBatch) : IBatchSource
    {
        public long Count => inner.Count;
        public int BatchesPerEpoch => inner.BatchesPerEpoch;
        public IEnumerable<(Tensor Images, Tensor Labels)> Epoch(int epoch)
        {
            var index = 0;
            foreach (var (x, y) in inner.Epoch(epoch))
            {
                if (index++ == poisonBatch) x.fill_(double.NaN);
                yield return (x, y);
            }
        }
    }
}
