using CsCheck;
using PEMN.Masking;
using PEMN.Models;
using PEMN.Strategies;
using PEMN.Tests.Models;

namespace PEMN.Tests.Strategies;

/// <summary>Random strategies and network specs for the property tests: every setting a strategy reads is drawn.</summary>
public static class NetworkSpecGen
{
    /// <summary>
    /// RP ratios in (0, 1): log-uniform over [1e-6, 1) (from a single value to nearly the whole largest layer) three times in four,
    /// else 1 - 10^-[1, 9], next to MP, where floor(N r) + 1 reaches N.
    /// </summary>
    public static readonly Gen<double> Ratio = Gen.Frequency(
        (3, Gen.Double[-6, 0].Select(e => Math.Min(Math.Pow(10, e), 1 - 1e-12))),
        (1, Gen.Double[1, 9].Select(e => 1 - Math.Pow(10, -e))));

    /// <summary>Mask, One-layer (linear layers included or not), MP and RP (ratio, pad mode, sign symmetry), each with or without rescaling where it applies.</summary>
    public static readonly Gen<StrategyConfig> ParameterEfficient = Gen.OneOf(
        Gen.Const(new StrategyConfig(StrategyName.Mask)),
        Gen.Bool.Select(linear => new StrategyConfig(StrategyName.OneLayer, IncludeLinear: linear)),
        Gen.Bool.Select(rescale => new StrategyConfig(StrategyName.MaxLayerPadding, Rescale: rescale)),
        Gen.Select(Ratio, Gen.Enum<PadMode>(), Gen.Bool, Gen.Bool,
            (ratio, pad, rescale, symmetric) => new StrategyConfig(StrategyName.RandomVectorPadding, ratio, pad, rescale, SignSymmetric: symmetric)));

    /// <summary>Every strategy a network is built with: the parameter-efficient ones (four times in five), Dense and the three sparse baselines.</summary>
    public static readonly Gen<StrategyConfig> Any = Gen.Frequency(
        (16, ParameterEfficient),
        (1, Gen.Const(new StrategyConfig(StrategyName.Dense))),
        (1, Gen.Const(new StrategyConfig(StrategyName.SparseRandom))),
        (1, Gen.Const(new StrategyConfig(StrategyName.SparseMagnitude))),
        (1, Gen.Const(new StrategyConfig(StrategyName.SparseMagnitudeTrained))));

    /// <summary>
    /// Masking settings for <paramref name="model"/>: k (or q) from the smallest k an experiment allows on it (one weight of its
    /// smallest masked layer, <see cref="SmallestMaskedLayer.CheckKeepFraction"/>) to 1, uniform, with either weight init (Kaiming
    /// normal three times in four) and either norm mode.
    /// </summary>
    public static Gen<MaskingOptions> Masking(ModelConfig model)
    {
        var smallest = SmallestMaskedLayer.Of(model).Weights;
        // 1/n itself can round below 1/n, and n * k < 1 is refused.
        var lowest = Math.Min(1, Math.BitIncrement(1.0 / smallest));
        return from u in Gen.Double[0, 1]
               from init in Gen.Frequency((3, Gen.Const(WeightInit.KaimingNormal)), (1, Gen.Const(WeightInit.SignedConstant)))
               from norm in Gen.Enum<NormMode>()
               select new MaskingOptions(Math.Min(1, lowest + u * (1 - lowest)), init, norm);
    }

    /// <summary>A network of any family with a strategy of <paramref name="strategies"/>, masking valid for its model, any seed.</summary>
    public static Gen<NetworkSpec> Spec(Gen<StrategyConfig> strategies) =>
        from model in ModelConfigGen.Any
        from masking in Masking(model)
        from strategy in strategies
        from seed in Gen.Long[0, 1L << 40]
        select new NetworkSpec(model, masking, strategy, seed);
}
