using static TorchSharp.torch;

namespace PEMN.Masking;

/// <summary>How two masks over the same weights compare.</summary>
/// <param name="Agreement">Fraction of positions where both masks have the same value.</param>
/// <param name="Jaccard">|A and B| / |A or B| over the kept positions (1 when both keep the same set).</param>
/// <param name="SharedKept">Fraction of A's kept positions that B keeps too.</param>
public sealed record MaskOverlap(double Agreement, double Jaccard, double SharedKept);

/// <summary>Inspection of masks: fraction kept per layer and the overlap of two masks.</summary>
public static class MaskInspection
{
    /// <summary>Fraction of the layer's weights its current mask keeps.</summary>
    public static double FractionKept(MaskedLayer layer)
    {
        using var mask = layer.Mask();
        using var mean = mask.mean();
        return mean.item<float>();
    }

    /// <summary>Per-layer fraction kept, by module path.</summary>
    public static IReadOnlyList<(string Path, double FractionKept)> FractionsKept(nn.Module model) =>
        WeightLayers.Masked(model).Select(l => (l.Path, FractionKept(l.Masked!))).ToList();

    /// <summary>The overlap of two binary masks of the same shape.</summary>
    public static MaskOverlap Overlap(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape))
            throw new ArgumentException(
                $"Masks must have the same shape; got [{string.Join(", ", a.shape)}] and [{string.Join(", ", b.shape)}].");
        using var scope = NewDisposeScope();
        var ba = a.ne(0); var bb = b.ne(0);
        double both = ba.logical_and(bb).sum().item<long>();
        double either = ba.logical_or(bb).sum().item<long>();
        double same = ba.eq(bb).sum().item<long>();
        double keptA = ba.sum().item<long>();
        return new MaskOverlap(
            same / a.numel(),
            either == 0 ? 1 : both / either,
            keptA == 0 ? 1 : both / keptA);
    }
}
