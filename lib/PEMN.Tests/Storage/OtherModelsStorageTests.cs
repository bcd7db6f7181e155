using PEMN.Masking;
using PEMN.Models;
using PEMN.Storage;
using PEMN.Strategies;

namespace PEMN.Tests.Storage;

/// <summary>Unique values of each strategy on ResNet-32 and a ViT, derived from the built layers' shapes.</summary>
public class OtherModelsStorageTests
{
    private static readonly ModelConfig ResNet32 = new(ModelName.ResNet, Depth: 32, InChannels: 3, Classes: 10);
    private static readonly ModelConfig SmallViT = new(ModelName.ViT, Dim: 64, Depth: 2, Patch: 4, Heads: 4);

    private static StorageReport Measure(ModelConfig model, StrategyConfig strategy) =>
        StorageMeasurement.Run(new NetworkSpec(model, new MaskingOptions(), strategy, Seed: 0));

    /// <summary>(is conv, shape, count) of every weight layer, read off a built model that is then disposed.</summary>
    private static IReadOnlyList<(bool IsConv, string Shape, long Count)> Layers(ModelConfig model)
    {
        using var built = model.Build(new LayerFactory(LayerKind.Masked));
        return WeightLayers.Of(built).Select(l => (l.IsConv, string.Join("x", l.Shape), l.Count)).ToList();
    }

    public static TheoryData<string> Models() => new() { "resnet32", "vit" };

    private static ModelConfig Get(string name) => name == "vit" ? SmallViT : ResNet32;

    [Theory]
    [MemberData(nameof(Models))]
    public void MaxLayerPaddingStoresTheLargestLayerAndRpItsShortVector(string name)
    {
        var model = Get(name);
        var layers = Layers(model);
        var largest = layers.Max(l => l.Count);
        Assert.Equal(largest, Measure(model, new StrategyConfig(StrategyName.MaxLayerPadding)).UniqueValues);
        foreach (var r in new[] { 1e-1, 1e-2, 1e-3 })
            Assert.Equal((long)Math.Floor(largest * r) + 1, Measure(model, new StrategyConfig(StrategyName.RandomVectorPadding, r)).UniqueValues);
        var mask = Measure(model, new StrategyConfig(StrategyName.Mask));
        Assert.Equal(layers.Sum(l => l.Count), mask.UniqueValues);
        Assert.Equal(layers.Sum(l => l.Count), mask.MaskBits);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void OneLayerSharesConvShapesOnResNetAndEveryShapeOnViT(string name)
    {
        var model = Get(name);
        var layers = Layers(model);
        var convShapes = layers.Where(l => l.IsConv).GroupBy(l => l.Shape).Sum(g => g.First().Count);
        var linear = layers.Where(l => !l.IsConv).Sum(l => l.Count);
        var linearShapes = layers.Where(l => !l.IsConv).GroupBy(l => l.Shape).Sum(g => g.First().Count);
        var oneLayer = Measure(model, new StrategyConfig(StrategyName.OneLayer)).UniqueValues;
        // ResNet: the authors' rule, convs of one shape share, the classifier keeps its own values.
        // ViT: its repeated blocks are linear layers, so every masked layer of one shape shares (else One-layer = Mask).
        Assert.Equal(name == "vit" ? convShapes + linearShapes : convShapes + linear, oneLayer);
        if (name == "vit") Assert.True(oneLayer < Measure(model, new StrategyConfig(StrategyName.Mask)).UniqueValues);
        Assert.Equal(convShapes + linearShapes, Measure(model, new StrategyConfig(StrategyName.OneLayer, IncludeLinear: true)).UniqueValues);
    }

    [Fact]
    public void ResNet32MatchesThePapersTable()
    {
        Assert.Equal(37, Measure(ResNet32, new StrategyConfig(StrategyName.RandomVectorPadding, 1e-3)).UniqueValues);
        Assert.Equal(461_872, Measure(ResNet32, new StrategyConfig(StrategyName.Mask)).MaskedWeights);
    }
}
