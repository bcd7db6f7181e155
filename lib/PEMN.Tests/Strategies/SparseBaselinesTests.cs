using PEMN.Data;
using PEMN.Masking;
using PEMN.Models;
using PEMN.Strategies;
using PEMN.Training;
using static TorchSharp.torch;

namespace PEMN.Tests.Strategies;

public class SparseBaselinesTests : IDisposable
{
    // Tiny tensors: one thread is fastest and keeps timings steady on a shared machine; restored after.
    private readonly int threads = get_num_threads();

    public SparseBaselinesTests() => set_num_threads(1);

    public void Dispose() => set_num_threads(threads);

    private static readonly ModelConfig Tiny = new(ModelName.ConvMixer, Dim: 16, Depth: 2, Kernel: 3, Patch: 2, InChannels: 1, ImageSize: 8, Classes: 4);

    private static NetworkSpec Spec(StrategyName name, double q = 0.3, long seed = 1, ModelConfig? model = null) =>
        new(model ?? Tiny, new MaskingOptions(KeepFraction: q), new StrategyConfig(name), seed);

    private static float[] Data(Tensor t) => t.detach().cpu().flatten().data<float>().ToArray();

    /// <summary>Flat indices of the <paramref name="keep"/> largest |values|, ties to the lower index: the rule computed without torch.</summary>
    private static HashSet<int> LargestMagnitudes(float[] values, long keep) =>
        values.Select((v, i) => (Magnitude: Math.Abs(v), Index: i)).OrderByDescending(p => p.Magnitude).ThenBy(p => p.Index)
            .Take((int)keep).Select(p => p.Index).ToHashSet();

    [Fact]
    public void MagnitudeAtInitRemovesExactlyTheSmallestMagnitudesOfEachLayerOfTheDenseInit()
    {
        using var dense = PemnNetwork.Build(Spec(StrategyName.Dense));
        using var sparse = PemnNetwork.Build(Spec(StrategyName.SparseMagnitude));
        var initial = WeightLayers.Of(dense.Model);
        var layers = WeightLayers.Of(sparse.Model);
        Assert.Equal(initial.Count, layers.Count);
        foreach (var (layer, init) in layers.Zip(initial))
        {
            var w0 = Data(init.Weight);
            var kept = LargestMagnitudes(w0, TopKMask.KeptCount(w0.Length, 0.3));
            var mask = Data(layer.Sparse!.KeepMask);
            var w = Data(layer.Weight);
            for (var i = 0; i < w0.Length; i++)
            {
                Assert.Equal(kept.Contains(i) ? 1f : 0f, mask[i]);
                Assert.Equal(kept.Contains(i) ? w0[i] : 0f, w[i]); // the dense run's very init, pruned
            }
            // Every removed weight is at most as large as every kept one.
            Assert.True(Enumerable.Range(0, w0.Length).Where(i => !kept.Contains(i)).Max(i => Math.Abs(w0[i]))
                <= kept.Min(i => Math.Abs(w0[i])), layer.Path);
        }
    }

    [Fact]
    public void RandomMasksKeepExactlyQPerLayerAreSeededAndAreNotTheMagnitudeMask()
    {
        using var a = PemnNetwork.Build(Spec(StrategyName.SparseRandom, seed: 4));
        using var again = PemnNetwork.Build(Spec(StrategyName.SparseRandom, seed: 4));
        using var other = PemnNetwork.Build(Spec(StrategyName.SparseRandom, seed: 5));
        using var magnitude = PemnNetwork.Build(Spec(StrategyName.SparseMagnitude, seed: 4));
        var (la, lagain, lother, lmag) = (WeightLayers.Of(a.Model), WeightLayers.Of(again.Model), WeightLayers.Of(other.Model), WeightLayers.Of(magnitude.Model));
        for (var i = 0; i < la.Count; i++)
        {
            var mask = Data(la[i].Sparse!.KeepMask);
            Assert.Equal(TopKMask.KeptCount(mask.Length, 0.3), mask.Count(v => v == 1));
            Assert.Equal(mask, Data(lagain[i].Sparse!.KeepMask));
        }
        // Over the whole network a different seed or the magnitude rule chooses other weights (per layer a tiny layer could coincide).
        var all = la.SelectMany(l => Data(l.Sparse!.KeepMask)).ToArray();
        Assert.NotEqual(all, lother.SelectMany(l => Data(l.Sparse!.KeepMask)).ToArray());
        Assert.NotEqual(all, lmag.SelectMany(l => Data(l.Sparse!.KeepMask)).ToArray());
    }

    [Theory]
    [InlineData(OptimizerKind.AdamW, false)]
    [InlineData(OptimizerKind.Sgd, false)]
    [InlineData(OptimizerKind.Sgd, true)]
    public void PrunedWeightsStayExactlyZeroThroughTrainingWithWeightDecayAndMomentum(OptimizerKind optimizer, bool nesterov)
    {
        var (train, test) = SyntheticBatchSource.CreatePair(4, trainPerClass: 48, testPerClass: 8, channels: 1, imageSize: 8, batchSize: 32, seed: 3);
        using var _ = train; using var __ = test;
        using var network = PemnNetwork.Build(Spec(StrategyName.SparseRandom, q: 0.2));
        var layers = WeightLayers.Of(network.Model);
        var before = layers.Select(l => Data(l.Weight)).ToList();
        // 3 epochs of 6 steps; the weight decay is large so that any leak into a pruned weight would show.
        var config = new TrainingConfig(optimizer, LrMax: 0.05, WeightDecay: 0.05, Nesterov: nesterov, Epochs: 3, BatchSize: 32);
        var result = new Trainer(network.Model, config).Fit(train, test);
        Assert.Equal(18, result.History.Count * train.BatchesPerEpoch);
        foreach (var (layer, w0) in layers.Zip(before))
        {
            var mask = Data(layer.Sparse!.KeepMask);
            var w = Data(layer.Weight);
            Assert.All(Enumerable.Range(0, w.Length).Where(i => mask[i] == 0), i => Assert.Equal(0f, w[i]));
            // The kept weights did train, so the zeros are not a model that never moved.
            Assert.Contains(Enumerable.Range(0, w.Length).Where(i => mask[i] == 1), i => w[i] != w0[i]);
        }
    }

    [Fact]
    public void MagnitudeAfterTrainingTakesOverTheParentsStateAndPrunesItsTrainedWeights()
    {
        using var parent = PemnNetwork.Build(Spec(StrategyName.Dense, seed: 2));
        // Stand-in for training: move every tensor of the parent away from its init (weights, norm affine and statistics).
        using (no_grad())
            foreach (var (_, t) in parent.Model.state_dict())
                if (t.is_floating_point()) t.add_(randn(t.shape, generator: new Generator(11)).mul_(0.3));
        using var child = PemnNetwork.Build(Spec(StrategyName.SparseMagnitudeTrained, seed: 2), parent: parent.Model);
        foreach (var (layer, trained) in WeightLayers.Of(child.Model).Zip(WeightLayers.Of(parent.Model)))
        {
            var t = Data(trained.Weight);
            var kept = LargestMagnitudes(t, TopKMask.KeptCount(t.Length, 0.3));
            var w = Data(layer.Weight);
            Assert.All(Enumerable.Range(0, t.Length), i => Assert.Equal(kept.Contains(i) ? t[i] : 0f, w[i]));
        }
        // Everything else (norm affine, running statistics, batch counts) is the parent's, unpruned.
        var childState = child.Model.state_dict();
        var layerWeights = WeightLayers.Of(parent.Model).Select(l => l.Path + ".weight").ToHashSet();
        var others = parent.Model.state_dict().Where(p => !layerWeights.Contains(p.Key)).ToList();
        Assert.Contains(others, p => p.Key.EndsWith("running_var", StringComparison.Ordinal));
        foreach (var (name, value) in others)
            Assert.Equal(Data(value.to(ScalarType.Float32)), Data(childState[name].to(ScalarType.Float32)));
    }

    [Fact]
    public void AParentIsRequiredExactlyWhenTheStrategyPrunesATrainedNetworkAndMustBeTheSameModel()
    {
        var missing = Assert.Throws<ArgumentException>(() => PemnNetwork.Build(Spec(StrategyName.SparseMagnitudeTrained)));
        Assert.Contains("parent", missing.Message);
        using var parent = PemnNetwork.Build(Spec(StrategyName.Dense));
        Assert.Throws<ArgumentException>(() => PemnNetwork.Build(Spec(StrategyName.SparseMagnitude), parent: parent.Model));
        Assert.Throws<ArgumentException>(() => PemnNetwork.Build(Spec(StrategyName.Mask), parent: parent.Model));
        using var wider = PemnNetwork.Build(Spec(StrategyName.Dense, model: Tiny with { Dim = 8 }));
        var other = Assert.Throws<ArgumentException>(() => PemnNetwork.Build(Spec(StrategyName.SparseMagnitudeTrained), parent: wider.Model));
        Assert.Contains("shape", other.Message);
    }

    [Fact]
    public void PemnStrategiesRefuseSparseModelsAndSparseBaselinesRefuseMaskedOnes()
    {
        using var sparse = Tiny.Build(new LayerFactory(LayerKind.Sparse, new MaskingOptions(0.3)));
        Assert.Throws<ArgumentException>(() => ParameterEfficientStrategies.Apply(sparse, new StrategyConfig(StrategyName.SparseRandom), 0));
        Assert.Throws<ArgumentException>(() => ParameterEfficientStrategies.Apply(sparse, new StrategyConfig(StrategyName.Mask), 0));
        using var masked = Tiny.Build(new LayerFactory(LayerKind.Masked));
        var error = Assert.Throws<ArgumentException>(() => SparseBaselines.Apply(masked, new StrategyConfig(StrategyName.SparseRandom), 0));
        Assert.Contains("LayerKind.Sparse", error.Message);
    }
}
