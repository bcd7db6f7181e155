using PEMN.Masking;
using PEMN.Models;
using PEMN.Strategies;
using static PEMN.Tests.Strategies.PaperConvMixer;

namespace PEMN.Tests.Strategies;

public class ValueInspectionTests
{
    private static readonly ModelConfig Model = new(Dim: 16, Depth: 2, Kernel: 3, InChannels: 1, ImageSize: 8, Classes: 4);

    private static NetworkSpec Spec(StrategyConfig strategy, long seed = 2) => new(Model, new MaskingOptions(), strategy, seed);

    [Fact]
    public void DrawnValuesAreRpsStoredVectorOverTheLargestLayersKaimingStd()
    {
        // Smoke-sized: the pointwise conv [16,16,1,1] is the largest (N = 256); 1e-2 keeps floor(2.56) + 1 = 3 values.
        var spec = Spec(new StrategyConfig(StrategyName.RandomVectorPadding, 1e-2, PadMode.Rand));
        using var mask = PemnNetwork.Build(spec with { Strategy = new StrategyConfig(StrategyName.Mask) });
        var source = WeightLayers.Masked(mask.Model).First(l => l.Count == 256);
        var std = Math.Sqrt(2.0 / 16);
        var expected = Flat(source.Weight).Take(3).Select(v => v / std).ToList();

        var drawn = Assert.Single(ValueInspection.Drawn(spec));
        Assert.Equal(source.Path, drawn.SourcePath);
        Assert.Equal(3, drawn.Count);
        Assert.Equal(std, drawn.SourceKaimingStd, 12);
        Assert.Equal(expected.Count, drawn.Listed.Count);
        foreach (var (want, got) in expected.Zip(drawn.Listed)) Assert.Equal(want, got, 5);
        Assert.Equal(expected.Count(v => v > 0), drawn.Positive);
        Assert.Equal(expected.Count(v => v < 0), drawn.Negative);
        Assert.Equal(expected.Average(Math.Abs), drawn.MeanAbs, 5);
        Assert.Empty(ValueInspection.Drawn(spec with { Strategy = new StrategyConfig(StrategyName.Dense) }));
    }

    [Fact]
    public void MasksResponseIsCountedBySignAgainstTheMaskItself()
    {
        using var network = PemnNetwork.Build(Spec(new StrategyConfig(StrategyName.RandomVectorPadding, 1e-2, SignSymmetric: true)));
        var layers = WeightLayers.Masked(network.Model);
        var responses = ValueInspection.Layers(network.Model, network.Values);
        Assert.Equal(layers.Select(l => l.Path), responses.Select(r => r.Path));
        foreach (var (layer, r) in layers.Zip(responses))
        {
            var w = Flat(layer.Weight);
            var m = Flat(layer.Masked!.Mask());
            var pos = Enumerable.Range(0, w.Length).Where(i => w[i] > 0).ToList();
            var neg = Enumerable.Range(0, w.Length).Where(i => w[i] < 0).ToList();
            Assert.NotEmpty(pos);
            Assert.NotEmpty(neg); // sign-symmetric: both signs in every layer
            Assert.Equal((double)pos.Count(i => m[i] != 0) / pos.Count, r.KeptOfPositive!.Value, 12);
            Assert.Equal((double)neg.Count(i => m[i] != 0) / neg.Count, r.KeptOfNegative!.Value, 12);
            Assert.Equal((double)pos.Count / w.Length, r.PositiveFraction, 12);
            Assert.Equal(6, r.DistinctValues); // 3 stored values and their negations
            var std = Initializers.KaimingStd(layer.Shape);
            var kept = Enumerable.Range(0, w.Length).Where(i => m[i] != 0).Select(i => (double)w[i]).ToList();
            Assert.Equal(kept.Average() / std, r.KeptMean, 5);
            Assert.Equal(w.Average(v => Math.Abs((double)v)) / std, r.MeanAbs, 5);
        }
    }

    [Fact]
    public void WithOneValueThereAreNoWeightsOfTheOtherSignToKeep()
    {
        using var network = PemnNetwork.Build(Spec(new StrategyConfig(StrategyName.RandomVectorPadding, 1e-3)));
        var responses = ValueInspection.Layers(network.Model, network.Values);
        var positive = Assert.Single(ValueInspection.Drawn(network.Spec)).Positive == 1;
        Assert.All(responses, r =>
        {
            Assert.Equal(1, r.DistinctValues);
            Assert.Equal(positive ? 1.0 : 0.0, r.PositiveFraction);
            Assert.Null(positive ? r.KeptOfNegative : r.KeptOfPositive);
            Assert.Equal(0.5, positive ? r.KeptOfPositive!.Value : r.KeptOfNegative!.Value, 2);
        });
    }

    [Fact]
    public void AResultOfAnotherModelIsRejected()
    {
        using var a = PemnNetwork.Build(Spec(new StrategyConfig(StrategyName.Mask)));
        using var b = PemnNetwork.Build(new NetworkSpec(Model with { Depth = 1 }, new MaskingOptions(), new StrategyConfig(StrategyName.Mask), 2));
        Assert.Throws<ArgumentException>(() => ValueInspection.Layers(a.Model, b.Values));
    }
}
