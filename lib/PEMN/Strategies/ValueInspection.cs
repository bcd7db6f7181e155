using PEMN.Masking;
using static TorchSharp.torch;

namespace PEMN.Strategies;

/// <summary>
/// The random values one prototype of a network stores (<see cref="Prototype"/>), as drawn: relative to the Kaiming std of the
/// layer they were drawn for, so that 1.0 is a typical draw whatever the layer.
/// </summary>
/// <param name="SourcePath">The layer the values were drawn for (the largest layer for MP and RP).</param>
/// <param name="Count">How many values the prototype stores (m for RP).</param>
/// <param name="SourceKaimingStd">The Kaiming std of that layer, sqrt(2 / fan_in): the unit of the other fields.</param>
/// <param name="Positive">Stored values above 0.</param>
/// <param name="Negative">Stored values below 0.</param>
/// <param name="MeanAbs">Mean |value| / SourceKaimingStd (about 0.80 for many Kaiming normal draws; exactly 1 for signed constants).</param>
/// <param name="Listed">The first <see cref="ValueInspection.MaxListed"/> values / SourceKaimingStd, in stored order.</param>
public sealed record DrawnValues(string SourcePath, long Count, double SourceKaimingStd, long Positive, long Negative, double MeanAbs,
    IReadOnlyList<double> Listed);

/// <summary>
/// One masked layer: the values it holds (after the strategy, rescaling included) and which of them its mask keeps, by sign.
/// All sizes are relative to the layer's own Kaiming std.
/// </summary>
/// <param name="Path">The layer's module path.</param>
/// <param name="Weights">Its number of weights.</param>
/// <param name="KaimingStd">Its Kaiming std, sqrt(2 / fan_in): the unit of the size fields.</param>
/// <param name="Scale">The factor the strategy multiplied its values by (<see cref="LayerFill.Scale"/>; 1 unless rescaled).</param>
/// <param name="DistinctValues">Distinct float32 values it holds (1 when RP keeps one value).</param>
/// <param name="PositiveFraction">Fraction of its weights above 0.</param>
/// <param name="NegativeFraction">Fraction of its weights below 0.</param>
/// <param name="MeanAbs">Mean |w| / KaimingStd over all its weights (about 0.80 for its own Kaiming normal draws).</param>
/// <param name="KeptFraction">Fraction of its weights the mask keeps (k).</param>
/// <param name="KeptOfPositive">Fraction of its positive weights the mask keeps; null when it has none.</param>
/// <param name="KeptOfNegative">Fraction of its negative weights the mask keeps; null when it has none.</param>
/// <param name="KeptMean">
/// Mean of the kept weights / KaimingStd: near 0 when the mask keeps both signs alike, near +-MeanAbs when all it can keep
/// has one sign (one random value).
/// </param>
public sealed record LayerValueResponse(string Path, long Weights, double KaimingStd, float Scale, long DistinctValues,
    double PositiveFraction, double NegativeFraction, double MeanAbs, double KeptFraction, double? KeptOfPositive, double? KeptOfNegative,
    double KeptMean);

/// <summary>
/// What a network's random values are and how its masks responded to them: the few-values analysis. With a handful of
/// values, the draw decides every weight's sign and size; these read both off a built (or trained) network.
/// </summary>
public static class ValueInspection
{
    /// <summary>Values listed individually per prototype: every value at the few-values end, a sample beyond it.</summary>
    public const int MaxListed = 64;

    /// <summary>
    /// The values each prototype of <paramref name="spec"/>'s network stores, as drawn (before any rescaling or sign-symmetric
    /// negation), one entry per prototype; empty for Dense. RP's stored values are the first m of the largest layer's draw;
    /// they are read from a network of the same spec built as Mask, whose layers keep their draws.
    /// </summary>
    public static IReadOnlyList<DrawnValues> Drawn(NetworkSpec spec)
    {
        if (spec.Strategy.Name == StrategyName.Dense) return [];
        using var noGrad = no_grad();
        using var built = PemnNetwork.Build(spec);
        using var draws = PemnNetwork.Build(spec with { Strategy = new StrategyConfig(StrategyName.Mask) });
        var layers = WeightLayers.Masked(draws.Model).ToDictionary(l => l.Path);
        return built.Values.Prototypes.Select(p => Describe(p, layers[p.SourcePath])).ToList();
    }

    /// <summary>
    /// Every masked layer of <paramref name="model"/>, shallow to deep: its values and what its current mask keeps of each sign.
    /// </summary>
    /// <param name="model">A masked model (trained or not).</param>
    /// <param name="strategy">What the strategy did to it (for each layer's scale).</param>
    /// <exception cref="ArgumentException">The strategy result does not list this model's masked layers.</exception>
    public static IReadOnlyList<LayerValueResponse> Layers(nn.Module model, StrategyResult strategy)
    {
        var masked = WeightLayers.Masked(model);
        if (!masked.Select(l => l.Path).SequenceEqual(strategy.Layers.Select(f => f.Path)))
            throw new ArgumentException(
                $"The strategy result lists {strategy.Layers.Count} layers that do not match this model's {masked.Count} masked layers.", nameof(strategy));
        using var noGrad = no_grad();
        return masked.Zip(strategy.Layers, (layer, fill) => Respond(layer, fill.Scale)).ToList();
    }

    private static DrawnValues Describe(Prototype prototype, WeightLayer source)
    {
        using var scope = NewDisposeScope();
        var std = Initializers.KaimingStd(source.Shape);
        var values = source.Weight.detach().flatten().narrow(0, 0, prototype.Values).to(ScalarType.Float64).cpu().div(std);
        var positive = values.gt(0).sum().item<long>();
        var negative = values.lt(0).sum().item<long>();
        var meanAbs = values.abs().mean().item<double>();
        var listed = values.narrow(0, 0, Math.Min(prototype.Values, MaxListed)).data<double>().ToArray();
        return new DrawnValues(prototype.SourcePath, prototype.Values, std, positive, negative, meanAbs, listed);
    }

    private static LayerValueResponse Respond(WeightLayer layer, float scale)
    {
        using var scope = NewDisposeScope();
        var std = Initializers.KaimingStd(layer.Shape);
        var w = layer.Weight.detach().to(ScalarType.Float64).cpu();
        var kept = layer.Masked!.Mask().detach().cpu().ne(0);
        var positive = w.gt(0);
        var negative = w.lt(0);
        double count = layer.Count;
        long Sum(Tensor t) => t.sum().item<long>();
        double? KeptOf(Tensor sign)
        {
            var total = Sum(sign);
            return total == 0 ? null : (double)Sum(sign.logical_and(kept)) / total;
        }
        var keptCount = Sum(kept);
        var keptMean = keptCount == 0 ? 0 : w.masked_select(kept).mean().item<double>() / std;
        return new LayerValueResponse(layer.Path, layer.Count, std, scale, DistinctCount(w),
            Sum(positive) / count, Sum(negative) / count, w.abs().mean().item<double>() / std,
            keptCount / count, KeptOf(positive), KeptOf(negative), keptMean);
    }

    private static long DistinctCount(Tensor values)
    {
        var (unique, _, _) = values.to(ScalarType.Float32).flatten().unique();
        using (unique) return unique.numel();
    }
}
