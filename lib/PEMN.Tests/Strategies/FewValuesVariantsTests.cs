using PEMN.Analysis;
using PEMN.Configuration;
using PEMN.FileFormat;
using PEMN.Masking;
using PEMN.Models;
using PEMN.Storage;
using PEMN.Strategies;
using PEMN.Sweeps;
using static PEMN.Tests.Strategies.PaperConvMixer;

namespace PEMN.Tests.Strategies;

/// <summary>
/// The variants of issue 14 at the few-values end: sign-symmetric RP (new), rescale and signed-constant values (existing), each
/// checked value by value against its definition, with its storage cost.
/// </summary>
public class FewValuesVariantsTests
{
    // Quick-like ConvMixer-32/2 with kernel 3: stem [32,1,2,2] (fan_in 4), depthwise [32,1,3,3] (fan_in 9), pointwise [32,32,1,1]
    // (fan_in 32, N = 1024, the largest), head [4,32] (fan_in 32). Layer sizes differ from N, so tiling and rescaling both show.
    private static readonly ModelConfig Model = new(Dim: 32, Depth: 2, Kernel: 3, InChannels: 1, ImageSize: 8, Classes: 4);
    private const long N = 32 * 32;

    private static PemnNetwork Build(StrategyConfig strategy, WeightInit init = WeightInit.KaimingNormal, long seed = 3) =>
        PemnNetwork.Build(new NetworkSpec(Model, new MaskingOptions(WeightInit: init), strategy, seed));

    /// <summary>The first m values of the largest layer as the factory drew them: RP's stored vector u.</summary>
    private static float[] StoredVector(long m, WeightInit init = WeightInit.KaimingNormal, long seed = 3)
    {
        using var mask = Build(new StrategyConfig(StrategyName.Mask), init, seed);
        return Flat(WeightLayers.Masked(mask.Model).First(l => l.Count == N).Weight).Take((int)m).ToArray();
    }

    private static StrategyConfig Rp(long values, bool symmetric = false, PadMode mode = PadMode.Copy, bool rescale = false) =>
        new(StrategyName.RandomVectorPadding, ParameterEfficientStrategies.RatioForValues(N, values), mode, rescale, SignSymmetric: symmetric);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public void SignSymmetricPlacesTheVectorThenItsNegationWithPeriodTwoM(long m)
    {
        var u = StoredVector(m);
        using var network = Build(Rp(m, symmetric: true));
        foreach (var layer in WeightLayers.Masked(network.Model))
        {
            var values = Flat(layer.Weight);
            for (var i = 0; i < values.Length; i++)
            {
                // The definition: position i holds u[i mod m], negated exactly when (i mod 2m) >= m.
                var expected = i % (2 * m) >= m ? -u[i % m] : u[i % m];
                Assert.Equal(BitConverter.SingleToUInt32Bits(expected), BitConverter.SingleToUInt32Bits(values[i]));
            }
        }
        // m values stored (negation is free), 2m distinct floats in the weights.
        Assert.Equal(m, StoredValueProbe.Count(network.Model, network.Values));
        Assert.Equal(m, network.Values.StoredValues);
        Assert.Equal(2 * m, DistinctValues.Count(WeightLayers.Masked(network.Model)));
    }

    [Fact]
    public void WithOneValueOnlySignSymmetricGivesEveryLayerBothSigns()
    {
        using var plain = Build(Rp(1));
        using var symmetric = Build(Rp(1, symmetric: true));
        foreach (var layer in WeightLayers.Masked(plain.Model))
        {
            var signs = Flat(layer.Weight).Select(Math.Sign).Distinct().ToList();
            Assert.Single(signs); // the paper's RP with one value: one sign everywhere
        }
        foreach (var layer in WeightLayers.Masked(symmetric.Model))
        {
            var values = Flat(layer.Weight);
            Assert.Equal(values.Length / 2, values.Count(v => v > 0)); // every layer here has an even size: exactly half each
        }
    }

    [Fact]
    public void SignSymmetricRandModePermutesTheSymmetricTilingBySeed()
    {
        using var copy = Build(Rp(3, symmetric: true));
        using var rand = Build(Rp(3, symmetric: true, mode: PadMode.Rand));
        var largestCopy = Flat(WeightLayers.Masked(copy.Model).First(l => l.Count == N).Weight);
        var largestRand = Flat(WeightLayers.Masked(rand.Model).First(l => l.Count == N).Weight);
        Assert.Equal(largestCopy.OrderBy(v => v), largestRand.OrderBy(v => v));
        Assert.NotEqual(largestCopy, largestRand);
        Assert.Equal(3, StoredValueProbe.Count(rand.Model, rand.Values));
    }

    [Fact]
    public void RescaleAtOneValueGivesEachLayerOneValueOfTheDrawsSignAtItsOwnKaimingScale()
    {
        var v = StoredVector(1)[0];
        using var network = Build(Rp(1, rescale: true));
        var sourceStd = Initializers.KaimingStd([32, 32, 1, 1]);
        foreach (var (layer, fill) in WeightLayers.Masked(network.Model).Zip(network.Values.Layers))
        {
            var values = Flat(layer.Weight).Distinct().ToList();
            var only = Assert.Single(values);
            // v * KaimingStd(layer) / KaimingStd(source), in float32: a new scale, the same sign, and the draw's size kept.
            Assert.Equal(v * fill.Scale, only);
            Assert.Equal(Math.Sign(v), Math.Sign(only));
            Assert.Equal(v / sourceStd, only / Initializers.KaimingStd(layer.Shape), 5);
        }
        // sqrt(fan_in(source) / fan_in(layer)) with the pointwise conv (fan_in 32) as source: stem 4, depthwise 9, the rest 32.
        var expected = new[] { Math.Sqrt(32.0 / 4), Math.Sqrt(32.0 / 9), 1, Math.Sqrt(32.0 / 9), 1, 1 };
        Assert.Equal(expected.Length, network.Values.Layers.Count);
        foreach (var (want, fill) in expected.Zip(network.Values.Layers)) Assert.Equal(want, fill.Scale, 6);
        Assert.Equal(1, StoredValueProbe.Count(network.Model, network.Values));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void SignedConstantRpStoresSignsOfTheLargestLayersSigmaAndCostsOneBitEach(long m)
    {
        var u = StoredVector(m, WeightInit.SignedConstant);
        var sigma = (float)Initializers.KaimingStd([32, 32, 1, 1]);
        Assert.All(u, x => Assert.Equal(sigma, Math.Abs(x), 6));
        using var network = Build(Rp(m), WeightInit.SignedConstant);
        foreach (var layer in WeightLayers.Masked(network.Model))
        {
            var values = Flat(layer.Weight);
            for (var i = 0; i < values.Length; i++) Assert.Equal(u[i % m], values[i]);
        }
        // One value: +sigma or -sigma at every position of every layer, as the draw's sign decides.
        if (m == 1) Assert.All(WeightLayers.Masked(network.Model), l => Assert.Single(Flat(l.Weight).Distinct()));

        var report = StorageMeasurement.Run(network.Spec);
        Assert.Equal(m, report.UniqueValues);
        Assert.Equal(m * StorageReport.SignBits, report.PrototypeBits);
        var kaiming = StorageMeasurement.Run(network.Spec with { Masking = new MaskingOptions() });
        Assert.Equal(m * StorageReport.FloatBits, kaiming.PrototypeBits);
    }

    [Fact]
    public void SignSymmetricCostsNothingAndRandModeItsPermutationSeed()
    {
        var spec = new NetworkSpec(Model, new MaskingOptions(), Rp(5), 3);
        var plain = StorageMeasurement.Run(spec);
        var symmetric = StorageMeasurement.Run(spec with { Strategy = Rp(5, symmetric: true) });
        var symmetricRand = StorageMeasurement.Run(spec with { Strategy = Rp(5, symmetric: true, mode: PadMode.Rand) });
        Assert.Equal(5 * StorageReport.FloatBits, plain.PrototypeBits);
        Assert.Equal(plain.PrototypeBits, symmetric.PrototypeBits);
        Assert.Equal(plain.WeightBits, symmetric.WeightBits);
        Assert.Equal(plain.PrototypeBits + StorageReport.SeedBits, symmetricRand.PrototypeBits);
        Assert.Equal(10, symmetric.DistinctFloats);
    }

    [Fact]
    public void ASignSymmetricNetworkIsRefusedByPackingWithItsReason()
    {
        using var network = Build(Rp(3, symmetric: true));
        var error = Assert.Throws<ArgumentException>(() => PemnPacking.Pack(network, "{}"));
        Assert.Equal("strategy.sign_symmetric", error.ParamName);
        using var plain = Build(Rp(3));
        Assert.NotEmpty(PemnPacking.Pack(plain, "{}").Prototypes); // the same network without the option packs
    }

    [Fact]
    public void RatioForValuesHitsEveryTargetAndPrefersThePapersRatios()
    {
        foreach (var target in FewValues.Targets)
        {
            var ratio = ParameterEfficientStrategies.RatioForValues(4096, target, StrategyLadder.PaperRatios);
            Assert.Equal(target, ParameterEfficientStrategies.RandomVectorLength(4096, ratio));
        }
        // floor(4096 r) + 1: 1e-4 -> 1, 1e-3 -> 5, 1e-2 -> 41, 1e-1 -> 410, the quick ladder's rungs.
        Assert.Equal([1e-4, 1e-3, 1e-2, 1e-1], new long[] { 1, 5, 41, 410 }.Select(v => ParameterEfficientStrategies.RatioForValues(4096, v, StrategyLadder.PaperRatios)));
        Assert.Equal(2.5 / 4096, ParameterEfficientStrategies.RatioForValues(4096, 3, StrategyLadder.PaperRatios));
        // Not a power of two, where (values - 1) / n would round below the step.
        Assert.All(Enumerable.Range(1, 999), v => Assert.Equal(v, ParameterEfficientStrategies.RandomVectorLength(1000, ParameterEfficientStrategies.RatioForValues(1000, v))));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ParameterEfficientStrategies.RatioForValues(4096, 4096));
        Assert.Contains("[1, 4095]", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ParameterEfficientStrategies.RatioForValues(4096, 0));
    }

    [Fact]
    public void SignSymmetryAppliesToRpOnlyAndStaysOutOfRunIdsWhileOff()
    {
        Assert.False(new StrategyConfig(StrategyName.MaxLayerPadding, SignSymmetric: true).Canonical().SignSymmetric);
        Assert.True(new StrategyConfig(StrategyName.RandomVectorPadding, 1e-3, SignSymmetric: true).Canonical().SignSymmetric);
        Assert.Equal("RP 1e-3 rand sym", new StrategyConfig(StrategyName.RandomVectorPadding, 1e-3, PadMode.Rand, SignSymmetric: true).Label());
        Assert.Equal("MP", new StrategyConfig(StrategyName.MaxLayerPadding, SignSymmetric: true).Label());

        var off = ExperimentPresets.Quick with { Strategy = new StrategyConfig(StrategyName.RandomVectorPadding, 1e-3) };
        var on = off with { Strategy = off.Strategy with { SignSymmetric = true } };
        Assert.DoesNotContain("sign_symmetric", ExperimentJson.Canonical(off));
        Assert.Contains("\"sign_symmetric\":true", ExperimentJson.Canonical(on));
        Assert.NotEqual(ExperimentJson.RunId(off), ExperimentJson.RunId(on));
        // MP ignores it: the same experiment, the same id.
        var mp = ExperimentPresets.Quick with { Strategy = new StrategyConfig(StrategyName.MaxLayerPadding) };
        Assert.Equal(ExperimentJson.RunId(mp), ExperimentJson.RunId(mp with { Strategy = mp.Strategy with { SignSymmetric = true } }));
        // Files leave it out while false too (recorded configs, tables and packed files keep their bytes), yet overrides by path
        // reach it; a file without it reads as false.
        Assert.DoesNotContain("sign_symmetric", ExperimentJson.Serialize(off));
        Assert.Contains("\"sign_symmetric\": true", ExperimentJson.Serialize(on));
        var set = ConfigOverrides.Apply(off, [ConfigOverrides.Parse("strategy.sign_symmetric=true")]);
        Assert.Equal(on.Strategy, set.Strategy);
        Assert.Equal(ExperimentJson.RunId(on), ExperimentJson.RunId(set));
        var recordedBefore = ExperimentJson.ToNode(on);
        Assert.True(recordedBefore["strategy"]!.AsObject().Remove("sign_symmetric"));
        var read = ExperimentJson.FromNode(recordedBefore);
        Assert.False(read.Strategy.SignSymmetric);
        Assert.Equal(ExperimentJson.RunId(off), ExperimentJson.RunId(read));
    }
}
