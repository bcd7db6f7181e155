using PEMN.Masking;
using PEMN.Models;
using PEMN.Storage;
using PEMN.Strategies;
using static PEMN.Tests.Strategies.PaperConvMixer;

namespace PEMN.Tests.Storage;

/// <summary>
/// Hand-computed storage of a tiny ConvMixer: dim 4, depth 1, kernel 3, patch 2, 1 channel, 2 classes.
/// Layers: stem [4,1,2,2] = 16, depthwise [4,1,3,3] = 36, pointwise [4,4,1,1] = 16, head [2,4] = 8:
/// 76 weights, largest 36. Three BatchNorms of 4 channels: 24 affine parameters, 24 running statistics.
/// Dense: weights 32 * 76 = 2432 bits; with the BN affine 32 * (76 + 24) = 3200 bits; with the running statistics 3968.
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
        Assert.Equal(2508, r.WeightBits);                      // C = 2432 + 76
        Assert.Equal(-0.03125, r.CompressionRatio, 12);       // 1 - 2508 / 2432: a bit per weight more than dense
        Assert.Equal(3276, r.TotalBits);                       // + 768 BN affine
        Assert.Equal(3200, r.DenseBits);
        Assert.Equal(-0.02375, r.CompressionWithOtherRatio, 12); // 1 - 3276 / 3200
        Assert.Equal(24 * 32, r.RunningStatsBits);
        Assert.Equal(4044, r.InferenceBits);                   // + 768 running statistics
        Assert.Equal(1 - 4044.0 / 3968, r.InferenceCompressionRatio, 12);
        Assert.Equal(0.5, r.KeepFraction);
        Assert.False(r.SeedStored);
    }

    [Fact]
    public void MaxLayerPaddingStoresTheLargestLayerOrOneSeed()
    {
        var r = Measure(new StrategyConfig(StrategyName.MaxLayerPadding));
        Assert.Equal(36, r.UniqueValues);
        Assert.Equal(1228, r.WeightBits);                        // 36 * 32 + 76
        Assert.Equal(1 - 1228.0 / 2432, r.CompressionRatio, 12); // 0.49507...
        Assert.Equal(1996, r.TotalBits);
        Assert.Equal(0.37625, r.CompressionWithOtherRatio, 12);  // 1 - 1996 / 3200

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
        var copy = Measure(new StrategyConfig(StrategyName.RandomVectorPadding, 0.1));
        Assert.Equal(4 * 32 + 76 + 768, copy.TotalBits);
        // Rand mode also stores its permutation's 64-bit seed (the values regenerate from the network's seed otherwise).
        var rand = Measure(new StrategyConfig(StrategyName.RandomVectorPadding, 0.1, PadMode.Rand));
        Assert.Equal(4 * 32 + 64, rand.PrototypeBits);
        Assert.Equal(copy.TotalBits + 64, rand.TotalBits);
    }

    [Fact]
    public void DenseStoresAllWeightsAtThirtyTwoBitsAndNoMasks()
    {
        var r = Measure(new StrategyConfig(StrategyName.Dense), seedStorage: true);
        Assert.Equal((0L, 0L, 0L, 0L), (r.MaskedWeights, r.UniqueValues, r.PrototypeBits, r.MaskBits));
        Assert.Equal((76L, 2432L), (r.DenseLayerWeights, r.DenseLayerBits));
        Assert.Equal(24, r.OtherParameters);                   // BN affine
        Assert.Equal(3200, r.TotalBits);
        Assert.Equal(3200, r.DenseBits);
        Assert.Equal((0.0, 0.0, 0.0), (r.CompressionRatio, r.CompressionWithOtherRatio, r.InferenceCompressionRatio));
        Assert.False(r.SeedStored);                            // trained values have no seed
    }

    [Fact]
    public void NonAffineNormLeavesOnlyRunningStatistics()
    {
        var r = Measure(new StrategyConfig(StrategyName.Mask), masking: new MaskingOptions(Norm: NormMode.NonAffine));
        Assert.Equal(0, r.OtherBits);
        Assert.Equal(24 * 32, r.RunningStatsBits);
        Assert.Equal(76 * 32, r.DenseBits);
        Assert.Equal(r.CompressionRatio, r.CompressionWithOtherRatio); // nothing else is trained
    }

    [Fact]
    public void OneLayerOfADeeperTinyModelSharesTheBlocksConvs()
    {
        // Depth 2: stem 16, depthwise 36 x 2, pointwise 16 x 2, head 8 = 128 weights; five BatchNorms: 40 affine, 40 running.
        // One-layer keeps one depthwise and one pointwise tensor: 16 + 36 + 16 + 8 = 76 values (the head keeps its own).
        var r = StorageMeasurement.Run(new NetworkSpec(Tiny with { Depth = 2 }, new MaskingOptions(), new StrategyConfig(StrategyName.OneLayer), Seed: 3));
        Assert.Equal((128L, 76L), (r.MaskedWeights, r.UniqueValues));
        Assert.Equal(2560, r.WeightBits);                        // 76 * 32 + 128
        Assert.Equal(0.375, r.CompressionRatio, 12);            // 1 - 2560 / 4096
        Assert.Equal(3840, r.TotalBits);                         // + 40 * 32
        Assert.Equal(1 - 3840.0 / 5376, r.CompressionWithOtherRatio, 12);
        Assert.Equal(5120, r.InferenceBits);                     // + 40 * 32 running statistics
        Assert.Equal(1 - 5120.0 / 6656, r.InferenceCompressionRatio, 12);
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
