using PEMN.Masking;
using PEMN.Models;
using PEMN.Storage;
using PEMN.Strategies;
using static PEMN.Tests.Strategies.PaperConvMixer;
using static TorchSharp.torch;

namespace PEMN.Tests.Strategies;

public class ParameterEfficientStrategiesTests
{
    [Fact]
    public void PaperConvMixerHasTheCountsOfItsDefinition()
    {
        Assert.Equal(437_248, MaskedWeights); // the figure, here derived from the layer shapes
        using var model = Build();
        var masked = WeightLayers.Masked(model);
        Assert.Equal(MaskedWeights, masked.Sum(l => l.Count));
        Assert.Equal(Pointwise, masked.Max(l => l.Count));
        Assert.Equal(65_536, Pointwise);
    }

    [Fact]
    public void LayersAreListedShallowToDeep()
    {
        using var model = new ModelConfig(Dim: 4, Depth: 2, Kernel: 3, InChannels: 1, Classes: 2)
            .Build(new LayerFactory(LayerKind.Masked));
        Assert.Equal(
            ["stem.conv", "blocks.0.depthwise", "blocks.0.pointwise", "blocks.1.depthwise", "blocks.1.pointwise", "head"],
            WeightLayers.Masked(model).Select(l => l.Path));
    }

    [Fact]
    public void OneLayerSharesConvValuesPerShapeAndLeavesTheHeadItsOwn()
    {
        using var model = Build();
        var before = WeightLayers.Masked(model).ToDictionary(l => l.Path, l => Bits(l.Weight));
        var result = ParameterEfficientStrategies.Apply(model, new StrategyConfig(StrategyName.OneLayer), seed: 0);
        var layers = WeightLayers.Masked(model).ToDictionary(l => l.Path);

        Assert.Equal(["stem.conv", "blocks.0.depthwise", "blocks.0.pointwise", "head"], result.Prototypes.Select(p => p.SourcePath));
        for (var block = 1; block < Depth; block++)
        {
            Assert.Equal(before["blocks.0.depthwise"], Bits(layers[$"blocks.{block}.depthwise"].Weight));
            Assert.Equal(before["blocks.0.pointwise"], Bits(layers[$"blocks.{block}.pointwise"].Weight));
        }
        Assert.Equal(before["head"], Bits(layers["head"].Weight));
        Assert.Equal(before["stem.conv"], Bits(layers["stem.conv"].Weight));

        var expected = Stem + Depthwise + Pointwise + Head;
        Assert.Equal(77_568, expected);
        Assert.Equal(expected, StoredValueProbe.Count(model, result));
        Assert.Equal(expected, result.StoredValues);
    }

    [Fact]
    public void OneLayerSharesLinearLayersOnlyWhenAsked()
    {
        foreach (var include in new[] { false, true })
        {
            using var model = new TwoHeads(new LayerFactory(LayerKind.Masked, seed: 5));
            var layers = WeightLayers.Masked(model);
            var firstHead = Bits(layers[1].Weight);
            var secondHead = Bits(layers[2].Weight);
            ParameterEfficientStrategies.Apply(model, new StrategyConfig(StrategyName.OneLayer, IncludeLinear: include), seed: 0);
            Assert.Equal(firstHead, Bits(layers[1].Weight));
            Assert.Equal(include ? firstHead : secondHead, Bits(layers[2].Weight));
        }
    }

    [Fact]
    public void MaxLayerPaddingCutsEveryLayerFromTheFirstLargestLayer()
    {
        using var model = Build();
        var source = Flat(WeightLayers.Masked(model).First(l => l.Path == "blocks.0.pointwise").Weight);
        var result = ParameterEfficientStrategies.Apply(model, new StrategyConfig(StrategyName.MaxLayerPadding), seed: 0);

        Assert.Equal("blocks.0.pointwise", Assert.Single(result.Prototypes).SourcePath); // first of six equal-size layers
        foreach (var layer in WeightLayers.Masked(model))
            Assert.Equal(source.Take((int)layer.Count).Select(BitConverter.SingleToUInt32Bits), Bits(layer.Weight));
        Assert.Equal(Pointwise, StoredValueProbe.Count(model, result));
    }

    [Fact]
    public void RandomVectorPaddingTilesTheFirstValuesOfTheLargestLayer()
    {
        using var model = Build();
        var source = Flat(WeightLayers.Masked(model).First(l => l.Path == "blocks.0.pointwise").Weight);
        var result = ParameterEfficientStrategies.Apply(model, new StrategyConfig(StrategyName.RandomVectorPadding, 1e-3), seed: 0);

        var length = (long)Math.Floor(Pointwise * 1e-3) + 1;
        Assert.Equal(66, length);
        foreach (var layer in WeightLayers.Masked(model))
        {
            var values = Flat(layer.Weight);
            for (var i = 0; i < values.Length; i++)
                Assert.Equal(BitConverter.SingleToUInt32Bits(source[i % length]), BitConverter.SingleToUInt32Bits(values[i]));
        }
        Assert.Equal(length, StoredValueProbe.Count(model, result));
        Assert.Equal(length, DistinctValues.Count(WeightLayers.Masked(model)));
    }

    [Fact]
    public void RandModeKeepsTheMultisetOfCopyModeAndPermutesBySeed()
    {
        var config = new ModelConfig(Dim: 32, Depth: 2, Kernel: 3, Classes: 4);
        float[] LargestAfter(PadMode mode, long seed)
        {
            using var model = config.Build(new LayerFactory(LayerKind.Masked, seed: 9));
            ParameterEfficientStrategies.Apply(model, new StrategyConfig(StrategyName.RandomVectorPadding, 0.01, mode), seed);
            return Flat(WeightLayers.Masked(model).MaxBy(l => l.Count)!.Weight);
        }
        var copy = LargestAfter(PadMode.Copy, 1);
        var rand = LargestAfter(PadMode.Rand, 1);
        Assert.Equal(copy.OrderBy(v => v), rand.OrderBy(v => v));
        Assert.NotEqual(copy, rand);
        Assert.Equal(rand, LargestAfter(PadMode.Rand, 1));
        Assert.NotEqual(rand, LargestAfter(PadMode.Rand, 2));
    }

    [Fact]
    public void RescaleGivesEachLayerItsOwnKaimingScale()
    {
        using var model = new ModelConfig(Dim: 32, Depth: 2, Kernel: 3, Classes: 4).Build(new LayerFactory(LayerKind.Masked, seed: 4));
        var layers = WeightLayers.Masked(model);
        var largest = layers.MaxBy(l => l.Count)!;
        var source = Flat(largest.Weight);
        var result = ParameterEfficientStrategies.Apply(model, new StrategyConfig(StrategyName.MaxLayerPadding, Rescale: true), seed: 0);

        foreach (var (layer, fill) in layers.Zip(result.Layers))
        {
            // Kaiming std is sqrt(2 / fan_in): the factor is sqrt(fan_in(source) / fan_in(layer)).
            var fanIn = layer.Shape.Skip(1).Aggregate(1L, (a, b) => a * b);
            var sourceFanIn = largest.Shape.Skip(1).Aggregate(1L, (a, b) => a * b);
            Assert.Equal(Math.Sqrt((double)sourceFanIn / fanIn), fill.Scale, 1e-6);
            var values = Flat(layer.Weight);
            for (var i = 0; i < values.Length; i++) Assert.Equal(source[i] * fill.Scale, values[i]);
        }
        Assert.True(result.Layers.Any(f => f.Scale != 1f), "some layer has another fan-in than the largest");
        Assert.Equal(largest.Count, StoredValueProbe.Count(model, result));
    }

    [Fact]
    public void DenseAndMaskLeaveTheFactoryWeightsAlone()
    {
        using var model = Build();
        var before = WeightLayers.Masked(model).Select(l => Bits(l.Weight)).ToList();
        var result = ParameterEfficientStrategies.Apply(model, new StrategyConfig(StrategyName.Mask), seed: 0);
        Assert.Equal(before, WeightLayers.Masked(model).Select(l => Bits(l.Weight)));
        Assert.Equal(MaskedWeights, StoredValueProbe.Count(model, result));

        using var dense = Config.Build(new LayerFactory(LayerKind.Dense));
        var denseBefore = WeightLayers.Of(dense).Select(l => Bits(l.Weight)).ToList();
        Assert.Empty(ParameterEfficientStrategies.Apply(dense, new StrategyConfig(StrategyName.Dense), seed: 0).Prototypes);
        Assert.Equal(denseBefore, WeightLayers.Of(dense).Select(l => Bits(l.Weight)));
    }

    [Fact]
    public void LayerKindThatDoesNotFitTheStrategyIsRejected()
    {
        var tiny = new ModelConfig(Dim: 4, Depth: 1, Kernel: 3, InChannels: 1, Classes: 2);
        using var masked = tiny.Build(new LayerFactory(LayerKind.Masked));
        var dense = Assert.Throws<ArgumentException>(() => ParameterEfficientStrategies.Apply(masked, new StrategyConfig(StrategyName.Dense), 0));
        Assert.Contains("LayerKind.Dense", dense.Message);
        using var denseModel = tiny.Build(new LayerFactory(LayerKind.Dense));
        foreach (var name in new[] { StrategyName.Mask, StrategyName.OneLayer, StrategyName.MaxLayerPadding, StrategyName.RandomVectorPadding })
        {
            var error = Assert.Throws<ArgumentException>(() => ParameterEfficientStrategies.Apply(denseModel, new StrategyConfig(name), 0));
            Assert.Contains("LayerKind.Masked", error.Message);
        }
    }

    [Fact]
    public void StrategiesAreDeterministicBySeedAndTheSeedMatters()
    {
        var config = new ModelConfig(Dim: 16, Depth: 2, Kernel: 3, Classes: 3);
        var strategy = new StrategyConfig(StrategyName.RandomVectorPadding, 0.05, PadMode.Rand, Rescale: true);
        List<uint[]> Weights(long seed, bool apply = true)
        {
            using var model = config.Build(new LayerFactory(LayerKind.Masked, seed: seed));
            if (apply) ParameterEfficientStrategies.Apply(model, strategy, seed);
            return WeightLayers.Masked(model).Select(l => Bits(l.Weight)).ToList();
        }
        Assert.Equal(Weights(11), Weights(11));
        Assert.NotEqual(Weights(11, apply: false), Weights(11));  // the strategy changed the factory's values
        Assert.NotEqual(Weights(11), Weights(12));                // another seed, another network
        // With the values fixed, the rand-mode permutation alone follows the seed.
        using var a = config.Build(new LayerFactory(LayerKind.Masked, seed: 11));
        using var b = config.Build(new LayerFactory(LayerKind.Masked, seed: 11));
        ParameterEfficientStrategies.Apply(a, strategy, seed: 1);
        ParameterEfficientStrategies.Apply(b, strategy, seed: 2);
        Assert.NotEqual(WeightLayers.Masked(a).Select(l => Bits(l.Weight)), WeightLayers.Masked(b).Select(l => Bits(l.Weight)));
    }

    /// <summary>A conv and two linear heads of one shape, all from the factory: one-layer's linear option has something to share.</summary>
    private sealed class TwoHeads : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> conv, first, second;

        public TwoHeads(LayerFactory layers) : base(nameof(TwoHeads))
        {
            conv = layers.Conv2d("conv", new ConvSpec(1, 4, 3));
            first = layers.Linear("first", 4, 4);
            second = layers.Linear("second", 4, 4);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) =>
            second.forward(first.forward(conv.forward(x).mean([2, 3])));
    }
}
