using PEMN.Masking;
using PEMN.Models;
using PEMN.Strategies;
using static TorchSharp.torch;

namespace PEMN.Tests.Masking;

public class MaskInspectionTests
{
    /// <summary>A masked ConvMixer-8/3 with the given strategy: three depthwise and three pointwise convs.</summary>
    private static nn.Module<Tensor, Tensor> ConvMixer(StrategyName strategy, long seed = 4, double k = 0.5)
    {
        var model = new ModelConfig(Dim: 8, Depth: 3, Kernel: 3, Patch: 2, InChannels: 1, ImageSize: 8, Classes: 4)
            .Build(new LayerFactory(LayerKind.Masked, new MaskingOptions(KeepFraction: k), seed));
        ParameterEfficientStrategies.Apply(model, new StrategyConfig(strategy), seed);
        return model;
    }

    [Theory]
    [InlineData(100, 50, 0.5, 1.0 / 3, 0.5)]
    [InlineData(100, 25, 0.625, 0.25 / 1.75, 0.25)]
    [InlineData(10, 10, 1.0, 1.0, 1.0)]
    public void ChanceIsWhatTwoIndependentRandomMasksShareOnAverage(long n, long kept, double agreement, double jaccard, double shared)
    {
        var chance = MaskInspection.ChanceOverlap(n, kept);
        Assert.Equal(agreement, chance.Agreement, 12);
        Assert.Equal(jaccard, chance.Jaccard, 12);
        Assert.Equal(shared, chance.SharedKept, 12);
    }

    [Fact]
    public void ChanceMatchesTheMeanOverlapOfRandomMasks()
    {
        // 400 pairs of random masks keeping 30 of 100: the means of the measured overlaps sit at the formulas
        // (standard error about 0.005 for shared kept; the tolerance is 4 of them).
        var random = new Random(7);
        double shared = 0, agreement = 0;
        const int pairs = 400;
        for (var i = 0; i < pairs; i++)
        {
            using var a = RandomMask(random, 100, 30);
            using var b = RandomMask(random, 100, 30);
            var overlap = MaskInspection.Overlap(a, b);
            shared += overlap.SharedKept / pairs;
            agreement += overlap.Agreement / pairs;
        }
        var chance = MaskInspection.ChanceOverlap(100, 30);
        Assert.InRange(shared, chance.SharedKept - 0.02, chance.SharedKept + 0.02);
        Assert.InRange(agreement, chance.Agreement - 0.02, chance.Agreement + 0.02);
        Assert.Throws<ArgumentOutOfRangeException>(() => MaskInspection.ChanceOverlap(10, 11));
    }

    private static Tensor RandomMask(Random random, int n, int kept)
    {
        var values = new float[n];
        foreach (var i in Enumerable.Range(0, n).OrderBy(_ => random.Next()).Take(kept)) values[i] = 1;
        return tensor(values);
    }

    [Fact]
    public void OneLayerGroupsEveryLayerOfAShapeAndMaskSharesNothing()
    {
        using var scope = NewDisposeScope();
        var groups = MaskInspection.SharedValueGroups(ConvMixer(StrategyName.OneLayer));
        Assert.Equal(2, groups.Count);
        Assert.Equal(["blocks.0.depthwise", "blocks.1.depthwise", "blocks.2.depthwise"], groups[0]);
        Assert.Equal(["blocks.0.pointwise", "blocks.1.pointwise", "blocks.2.pointwise"], groups[1]);
        Assert.Empty(MaskInspection.SharedValueGroups(ConvMixer(StrategyName.Mask)));
    }

    [Fact]
    public void SharedValueOverlapsCompareEveryPairOfAGroupWithItsOwnMasks()
    {
        using var scope = NewDisposeScope();
        var model = ConvMixer(StrategyName.OneLayer);
        var pairs = MaskInspection.SharedValueOverlaps(model);
        Assert.Equal(6, pairs.Count);                                   // 3 choose 2, twice
        var layers = WeightLayers.Masked(model).ToDictionary(l => l.Path);
        foreach (var pair in pairs)
        {
            var expected = MaskInspection.Overlap(layers[pair.PathA].Masked!.Mask(), layers[pair.PathB].Masked!.Mask());
            Assert.Equal(expected, pair.Overlap);
            Assert.Equal(0.5, pair.Chance.SharedKept, 2);
            // Different initial scores over the same values: the masks are not one mask.
            Assert.True(pair.Overlap.Agreement < 1, $"{pair.PathA} and {pair.PathB} have the same mask");
        }
    }

    [Fact]
    public void SummaryGivesTheKeptFractionTheThresholdThatMakesItAndTheSharedValues()
    {
        using var scope = NewDisposeScope();
        var model = ConvMixer(StrategyName.OneLayer, k: 0.3);
        var summary = MaskInspection.Summarize(model);
        Assert.Equal(WeightLayers.Masked(model).Select(l => l.Path), summary.Select(s => s.Path));
        Assert.Equal("blocks.0.pointwise", summary.Single(s => s.Path == "blocks.2.pointwise").SameValuesAs);
        Assert.Null(summary.Single(s => s.Path == "head").SameValuesAs);
        foreach (var (row, layer) in summary.Zip(WeightLayers.Masked(model)))
        {
            Assert.Equal(TopKMask.KeptCount(layer.Count, 0.3) / (double)layer.Count, row.FractionKept, 6);
            var magnitudes = layer.Masked!.Scores.detach().abs().flatten().data<float>().ToArray();
            var mask = layer.Masked.Mask().flatten().data<float>().ToArray();
            // Every kept |score| is at least the threshold, every dropped one at most; the threshold is a kept score.
            Assert.All(magnitudes.Where((_, i) => mask[i] == 1), m => Assert.True(m >= row.Threshold));
            Assert.All(magnitudes.Where((_, i) => mask[i] == 0), m => Assert.True(m <= row.Threshold));
            Assert.Contains((float)row.Threshold, magnitudes.Where((_, i) => mask[i] == 1));
        }
    }

    [Fact]
    public void ViewCropsTheLayerRowByOutputChannelAndKeepsItsNumbers()
    {
        using var scope = NewDisposeScope();
        var model = ConvMixer(StrategyName.Mask);
        var layer = WeightLayers.Masked(model).Single(l => l.Path == "blocks.1.depthwise").Masked!;   // [8, 1, 3, 3]
        var view = MaskInspection.View(model, "blocks.1.depthwise", maxRows: 5, maxColumns: 4);
        Assert.Equal((5, 4), (view.Rows, view.Columns));
        Assert.Equal([8L, 1, 3, 3], view.Shape);
        var weights = layer.Weight.reshape(8, 9);
        var scores = layer.Scores.detach().abs().reshape(8, 9);
        var mask = layer.Mask().reshape(8, 9);
        for (var r = 0; r < 5; r++)
            for (var c = 0; c < 4; c++)
            {
                Assert.Equal(weights[r, c].item<float>(), view.Weights[r][c]);
                Assert.Equal(scores[r, c].item<float>(), view.ScoreMagnitudes[r][c]);
                Assert.Equal(mask[r, c].item<float>(), view.Mask[r][c]);
            }
        var error = Assert.Throws<ArgumentException>(() => MaskInspection.View(model, "blocks.9.depthwise"));
        Assert.Contains("blocks.0.pointwise", error.Message);
    }

    [Fact]
    public void ComparingANetworkWithItselfAgreesEverywhereAndOtherArchitecturesAreRefused()
    {
        using var scope = NewDisposeScope();
        var a = ConvMixer(StrategyName.Mask, seed: 1);
        var same = MaskInspection.CompareLayers(a, a);
        Assert.All(same, p => Assert.Equal(new MaskOverlap(1, 1, 1), p.Overlap));
        var otherSeed = MaskInspection.CompareLayers(a, ConvMixer(StrategyName.Mask, seed: 2));
        Assert.Equal(WeightLayers.Masked(a).Select(l => l.Path), otherSeed.Select(p => p.PathA));
        Assert.Contains(otherSeed, p => p.Overlap.Agreement < 1);
        var wider = new ModelConfig(Dim: 16, Depth: 3, Kernel: 3, Patch: 2, InChannels: 1, ImageSize: 8, Classes: 4)
            .Build(new LayerFactory(LayerKind.Masked, seed: 1));
        var error = Assert.Throws<ArgumentException>(() => MaskInspection.CompareLayers(a, wider));
        Assert.Contains("different masked layers", error.Message);
    }

    [Fact]
    public void DescriptionGivesThePairCountTheMeanAndTheChanceLevel()
    {
        var chance = MaskInspection.ChanceOverlap(100, 50);
        var pairs = new[]
        {
            new MaskPairOverlap("a", "b", [100], new MaskOverlap(0.5, 0.3, 0.4), chance),
            new MaskPairOverlap("a", "c", [100], new MaskOverlap(0.5, 0.4, 0.6), chance),
        };
        Assert.Equal("2 pair(s): shared kept 50.0 % on average (40.0 to 60.0 %; chance 50.0 %), Jaccard 0.350 (chance 0.333)",
            MaskInspection.DescribeOverlaps(pairs));
        Assert.Throws<ArgumentException>(() => MaskInspection.DescribeOverlaps([]));
    }
}
