using PEMN.Data;
using PEMN.Masking;
using PEMN.Models;
using PEMN.Training;
using static TorchSharp.torch;

namespace PEMN.Tests.Training;

public class MaskDriftTests
{
    /// <summary>A one-layer network: a masked linear layer "fc" with weights 1 and the given scores, k = 0.5.</summary>
    private static (nn.Module Model, MaskedLinear Layer) Layer(float[] scores, long outFeatures, long inFeatures)
    {
        var layer = new MaskedLinear("fc", ones(outFeatures, inFeatures), tensor(scores).reshape(outFeatures, inFeatures), keepFraction: 0.5);
        return (nn.Sequential(("fc", layer)), layer);
    }

    private static StepProgress Step(int step, int steps, int epoch = 1) =>
        new(epoch, 1, step, steps, 0, 0, 0, 0, TimeSpan.Zero, TimeSpan.Zero);

    [Fact]
    public void ASwapOfOneKeptAndOneDroppedScoreChangesTwoEntriesAndKeepsTheRestFromTheStart()
    {
        // 2x4 scores; k = 0.5 keeps the four largest |scores|: 8, 7, 6, 5 (positions 0, 2, 4, 6).
        var (model, layer) = Layer([8, 1, 7, 2, 6, 3, 5, 4], 2, 4);
        using var _ = model;
        using var drift = MaskDrift.Track(model, looksPerEpoch: 1);
        Assert.Equal(["fc"], drift.Paths);
        Assert.Equal(0.5, drift.ChanceChanged, 12);

        // Score 5 (position 6) drops below 9 (position 7 rises): entries 6 and 7 change.
        using (no_grad()) layer.Scores.copy_(tensor(new float[] { 8, 1, 7, 2, 6, 3, 5, 9 }).reshape(2, 4));
        drift.StepCompleted(Step(1, 1));
        var first = drift.Snapshots[^1];
        Assert.Equal(2.0 / 8, first.ChangedSincePrevious, 12);
        Assert.Equal(2.0 / 8, first.ChangedSinceStart, 12);
        Assert.Equal(3.0 / 4, first.KeptFromStart, 12);
        Assert.Equal([2.0 / 8], first.LayerChangedSinceStart);

        // Swapped back: nothing differs from the start, but two entries changed since the previous look.
        using (no_grad()) layer.Scores.copy_(tensor(new float[] { 8, 1, 7, 2, 6, 3, 5, 4 }).reshape(2, 4));
        var back = drift.Record(2);
        Assert.Equal(2.0 / 8, back.ChangedSincePrevious, 12);
        Assert.Equal(0, back.ChangedSinceStart, 12);
        Assert.Equal(1, back.KeptFromStart, 12);
        Assert.Equal(3, drift.Snapshots.Count);                     // the start, then two looks
        Assert.Equal((0.0, 0L), (drift.Snapshots[0].Epoch, drift.Snapshots[0].Step));
    }

    [Theory]
    [InlineData(16, 4, new[] { 4, 8, 12, 16 })]
    [InlineData(10, 4, new[] { 3, 5, 8, 10 })]
    [InlineData(3, 8, new[] { 1, 2, 3 })]
    public void LooksAreEvenlySpacedOverAnEpochAndTheLastStepAlwaysLooks(int steps, int looks, int[] expected)
    {
        var (model, _) = Layer([1, 2, 3, 4], 2, 2);
        using var __ = model;
        using var drift = MaskDrift.Track(model, looks);
        for (var s = 1; s <= steps; s++) drift.StepCompleted(Step(s, steps));
        Assert.Equal(expected.Select(s => (double)s / steps), drift.Snapshots.Skip(1).Select(x => x.Epoch));
        Assert.Equal(expected.Select(s => (long)s), drift.Snapshots.Skip(1).Select(x => x.Step));
    }

    [Fact]
    public void TrainingMovesTheMasksOfATinyConvMixerAndOnlyThroughTheScores()
    {
        var threads = get_num_threads();
        set_num_threads(1);
        try
        {
            var (train, test) = SyntheticBatchSource.CreatePair(4, trainPerClass: 32, testPerClass: 8, channels: 1, imageSize: 8, batchSize: 32, seed: 3);
            using var _ = train; using var __ = test;
            using var model = new ModelConfig(ModelName.ConvMixer, Dim: 16, Depth: 2, Kernel: 3, Patch: 2, InChannels: 1, ImageSize: 8, Classes: 4)
                .Build(new LayerFactory(LayerKind.Masked, new MaskingOptions(), 1));
            using var drift = MaskDrift.Track(model, looksPerEpoch: 2);
            new Trainer(model, new TrainingConfig(LrMax: 0.05, Epochs: 2, BatchSize: 32)).Fit(train, test, observer: drift);

            Assert.Equal(1 + 2 * 2, drift.Snapshots.Count);
            Assert.Equal([0, 0.5, 1, 1.5, 2], drift.Snapshots.Select(s => s.Epoch));
            Assert.Equal(WeightLayers.Masked(model).Select(l => l.Path), drift.Paths);
            var last = drift.Snapshots[^1];
            Assert.InRange(last.ChangedSinceStart, 1e-6, drift.ChanceChanged);
            Assert.All(drift.Snapshots.Skip(1), s => Assert.InRange(s.ChangedSincePrevious, 0, 1));
            // The network's kept fraction never changes (k per layer), so changed entries come in kept/dropped pairs per layer:
            // the overall change and the kept share agree (changed = 2 k (1 - kept share) at k = 0.5 means changed = 1 - kept share).
            Assert.Equal(1 - last.KeptFromStart, last.ChangedSinceStart, 6);
        }
        finally
        {
            set_num_threads(threads);
        }
    }

    [Fact]
    public void ADenseModelHasNoMaskToTrack()
    {
        using var dense = nn.Linear(3, 2, hasBias: false);
        var e = Assert.Throws<ArgumentException>(() => MaskDrift.Track(dense));
        Assert.Contains("no masked layer", e.Message);
        var (model, _) = Layer([1, 2, 3, 4], 2, 2);
        using var __ = model;
        Assert.Throws<ArgumentOutOfRangeException>(() => MaskDrift.Track(model, looksPerEpoch: 0));
    }
}
