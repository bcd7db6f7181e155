using PEMN.Masking;
using PEMN.Models;
using PEMN.Storage;
using PEMN.Strategies;
using static TorchSharp.torch;
using static PEMN.Tests.Strategies.PaperConvMixer;

namespace PEMN.Tests.Storage;

/// <summary>
/// Hand-computed storage of a tiny ConvMixer: dim 4, depth 1, kernel 3, patch 2, 1 channel, 2 classes.
/// Layers: stem [4,1,2,2] = 16, depthwise [4,1,3,3] = 36, pointwise [4,4,1,1] = 16, head [2,4] = 8:
/// 76 weights, largest 36. Three BatchNorms of 4 channels: 24 affine parameters, 24 running statistics.
/// Dense: 32 * (76 + 24) = 3200 bits.
/// </summary>
public class StorageAccountingTests
{
    private static readonly ModelConfig Tiny = new(ModelName.ConvMixer, Dim: 4, Depth: 1, Kernel: 3, Patch: 2, InChannels: 1, ImageSize: 8, Classes: 2);

    private static StorageReport Measure(StrategyConfig strategy, bool seedStorage = false, MaskingOptions? masking = null) =>
        StorageMeasurement.Run(new NetworkSpec(Tiny, masking ?? new MaskingOptions(), strategy, Seed: 3), seedStorage);

    [Fact]
    public void MaskStoresEveryValueAndCostsMoreThanDense()
    {
        var r = Measure(new StrategyConfig(StrategyName.Mask));
        Assert.Equal((76L, 76L, 36L, 76L), (r.Weights, r.MaskedWeights, r.LargestLayer, r.UniqueValues));
        Assert.Equal(76 * 32, r.PrototypeBits);   // 2432
        Assert.Equal(76, r.MaskBits);             // one bit per masked weight
        Assert.Equal((24L, 24 * 32L), (r.OtherParameters, r.OtherBits));
        Assert.Equal(2432 + 76 + 768, r.TotalBits);
        Assert.Equal(24 * 32, r.RunningStatsBits);
        Assert.Equal(3276 + 768, r.InferenceBits);
        Assert.Equal(3200, r.DenseBits);
        Assert.Equal(1 - 3276.0 / 3200, r.CompressionRatio, 12);
        Assert.Equal(0.5, r.KeepFraction);
        Assert.False(r.SeedStored);
    }

    [Fact]
    public void MaxLayerPaddingStoresTheLargestLayerOrOneSeed()
    {
        var r = Measure(new StrategyConfig(StrategyName.MaxLayerPadding));
        Assert.Equal(36, r.UniqueValues);
        Assert.Equal(36 * 32 + 76 + 768, r.TotalBits);          // 1996
        Assert.Equal(1 - 1996.0 / 3200, r.CompressionRatio, 12); // 0.37625

        var seeded = Measure(new StrategyConfig(StrategyName.MaxLayerPadding), seedStorage: true);
        Assert.True(seeded.SeedStored);
        Assert.Equal(64, seeded.PrototypeBits);
        Assert.Equal(64 + 76 + 768, seeded.TotalBits);           // 908
    }

    [Fact]
    public void RandomVectorPaddingStoresItsVector()
    {
        // floor(36 * 0.1) + 1 = 4 values, in either pad mode.
        foreach (var mode in new[] { PadMode.Copy, PadMode.Rand })
        {
            var r = Measure(new StrategyConfig(StrategyName.RandomVectorPadding, 0.1, mode), seedStorage: true);
            Assert.Equal(4, r.UniqueValues);
            Assert.True(r.SeedStored);
        }
        Assert.Equal(4 * 32 + 76 + 768, Measure(new StrategyConfig(StrategyName.RandomVectorPadding, 0.1)).TotalBits);
    }

    [Fact]
    public void DenseStoresAllWeightsAtThirtyTwoBitsAndNoMasks()
    {
        var r = Measure(new StrategyConfig(StrategyName.Dense), seedStorage: true);
        Assert.Equal((0L, 0L, 0L, 0L), (r.MaskedWeights, r.UniqueValues, r.PrototypeBits, r.MaskBits));
        Assert.Equal(100, r.OtherParameters);                  // 76 weights + 24 BN affine
        Assert.Equal(3200, r.TotalBits);
        Assert.Equal(3200, r.DenseBits);
        Assert.Equal(0, r.CompressionRatio);
        Assert.False(r.SeedStored);                            // trained values have no seed
    }

    [Fact]
    public void NonAffineNormLeavesOnlyRunningStatistics()
    {
        var r = Measure(new StrategyConfig(StrategyName.Mask), masking: new MaskingOptions(Norm: NormMode.NonAffine));
        Assert.Equal(0, r.OtherBits);
        Assert.Equal(24 * 32, r.RunningStatsBits);
        Assert.Equal(76 * 32, r.DenseBits);
    }

    [Fact]
    public void TotalsAreTheSumOfTheirParts()
    {
        var r = Measure(new StrategyConfig(StrategyName.OneLayer));
        Assert.Equal(r.PrototypeBits + r.MaskBits + r.OtherBits, r.TotalBits);
        Assert.Equal(r.TotalBits + r.RunningStatsBits, r.InferenceBits);
        Assert.Equal(1 - (double)r.InferenceBits / (r.DenseBits + r.RunningStatsBits), r.InferenceCompressionRatio, 12);
    }

    [Fact]
    public void ProbeCountsStoredValuesWhereDistinctFloatsCollideAndLeavesWeightsAlone()
    {
        using var model = Build();
        var result = ParameterEfficientStrategies.Apply(model, new StrategyConfig(StrategyName.MaxLayerPadding), seed: 0);
        var before = WeightLayers.Masked(model).Select(l => Bits(l.Weight)).ToList();
        var report = StorageAccounting.Measure(model, result);
        Assert.Equal(before, WeightLayers.Masked(model).Select(l => Bits(l.Weight)));
        Assert.Equal(Pointwise, report.UniqueValues);
        Assert.InRange(report.DistinctFloats, Pointwise * 99 / 100, Pointwise);
        Assert.Equal(MaskedWeights, report.MaskedWeights);
        Assert.Equal(Pointwise, report.LargestLayer);
    }

    [Fact]
    public void StrategyResultOfAnotherModelIsRejected()
    {
        using var small = Tiny.Build(new LayerFactory(LayerKind.Masked));
        using var other = (Tiny with { Depth = 2 }).Build(new LayerFactory(LayerKind.Masked));
        var result = ParameterEfficientStrategies.Apply(other, new StrategyConfig(StrategyName.Mask), 0);
        var error = Assert.Throws<ArgumentException>(() => StorageAccounting.Measure(small, result));
        Assert.Contains("do not match", error.Message);
    }
}
