using static TorchSharp.torch;

namespace PEMN.Masking;

/// <summary>How two masks over the same weights compare.</summary>
/// <param name="Agreement">Fraction of positions where both masks have the same value.</param>
/// <param name="Jaccard">|A and B| / |A or B| over the kept positions (1 when both keep the same set).</param>
/// <param name="SharedKept">Fraction of A's kept positions that B keeps too.</param>
public sealed record MaskOverlap(double Agreement, double Jaccard, double SharedKept);

/// <summary>Two masks of the same shape compared, with what two independent random masks would give.</summary>
/// <param name="PathA">The first layer's module path.</param>
/// <param name="PathB">The second layer's module path (the same path when two models are compared).</param>
/// <param name="Shape">The weight shape both masks have.</param>
/// <param name="Overlap">The measured overlap.</param>
/// <param name="Chance">The overlap two independent uniformly random masks with the same kept counts have on average
/// (<see cref="MaskInspection.ChanceOverlap"/>): for <see cref="MaskOverlap.SharedKept"/> that is the fraction kept, k.</param>
public sealed record MaskPairOverlap(string PathA, string PathB, long[] Shape, MaskOverlap Overlap, MaskOverlap Chance);

/// <summary>One masked layer in a line: what the mask keeps and where it cuts.</summary>
/// <param name="Path">The module path.</param>
/// <param name="Shape">The weight shape.</param>
/// <param name="Weights">Number of weights (mask entries).</param>
/// <param name="KeepFraction">k, the fraction the layer is set to keep.</param>
/// <param name="FractionKept">The fraction its current mask keeps (k up to rounding: <see cref="TopKMask.KeptCount"/>).</param>
/// <param name="Threshold">The smallest |score| the mask keeps: every larger score is kept, every smaller one dropped.</param>
/// <param name="SameValuesAs">The first shallower layer holding bit-identical frozen values (One-layer's sharing), or null.</param>
public sealed record LayerMaskSummary(string Path, long[] Shape, long Weights, double KeepFraction, double FractionKept, double Threshold,
    string? SameValuesAs);

/// <summary>
/// A masked layer up close, as matrices for a heat map: row i is output channel i, its columns the flattened rest of the
/// weight (a conv's in-channels x kernel), cropped to the top-left <see cref="Rows"/> x <see cref="Columns"/>.
/// </summary>
/// <param name="Path">The module path.</param>
/// <param name="Shape">The weight shape.</param>
/// <param name="KeepFraction">k.</param>
/// <param name="FractionKept">Fraction of the whole layer the mask keeps.</param>
/// <param name="Threshold">The smallest |score| kept, over the whole layer.</param>
/// <param name="Rows">Rows shown (at most the output channels).</param>
/// <param name="Columns">Columns shown (at most the weights per output channel).</param>
/// <param name="ScoreMagnitudes">|scores| of the shown block: the mask keeps the largest.</param>
/// <param name="Mask">The mask of the shown block (1 kept, 0 dropped).</param>
/// <param name="Weights">The frozen random values of the shown block.</param>
public sealed record LayerMaskView(string Path, long[] Shape, double KeepFraction, double FractionKept, double Threshold,
    int Rows, int Columns, float[][] ScoreMagnitudes, float[][] Mask, float[][] Weights);

/// <summary>
/// Inspection of masks: fraction kept per layer, a layer's scores, threshold and mask as matrices, and how masks overlap:
/// between layers that hold the same random values (One-layer) and between the same layer of two trained networks.
/// </summary>
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

    /// <summary>
    /// The mean overlap of two independent uniformly random masks that each keep <paramref name="kept"/> of
    /// <paramref name="weights"/> positions (p = kept / weights): shared kept p, agreement p^2 + (1 - p)^2, Jaccard
    /// p / (2 - p) (a ratio of means, exact as the layer grows). What "no more alike than chance" means.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">weights is not positive, or kept is outside [0, weights].</exception>
    public static MaskOverlap ChanceOverlap(long weights, long kept)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(weights, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(kept);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(kept, weights);
        var p = (double)kept / weights;
        return new MaskOverlap(p * p + (1 - p) * (1 - p), p == 0 ? 1 : p / (2 - p), p == 0 ? 1 : p);
    }

    /// <summary>Every masked layer in a line, shallow to deep, with the shallower layer it shares its values with.</summary>
    public static IReadOnlyList<LayerMaskSummary> Summarize(nn.Module model)
    {
        var layers = WeightLayers.Masked(model);
        var sameAs = new Dictionary<string, string>();
        foreach (var group in SharedValueGroups(model))
            foreach (var path in group.Skip(1)) sameAs[path] = group[0];
        return layers.Select(l =>
        {
            using var mask = l.Masked!.Mask();
            return new LayerMaskSummary(l.Path, l.Shape, l.Count, l.Masked.KeepFraction, Mean(mask),
                Threshold(l.Masked, mask), sameAs.GetValueOrDefault(l.Path));
        }).ToList();
    }

    /// <summary>
    /// The layer's scores, mask and frozen values as matrices (row = output channel), cropped to the top-left
    /// <paramref name="maxRows"/> x <paramref name="maxColumns"/>; fraction kept and threshold are of the whole layer.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">maxRows or maxColumns is below 1.</exception>
    public static LayerMaskView View(MaskedLayer layer, string path, int maxRows = 64, int maxColumns = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxColumns, 1);
        using var scope = NewDisposeScope();
        var mask = layer.Mask();
        var rowsAll = layer.Weight.shape[0];
        var columnsAll = layer.Weight.numel() / rowsAll;
        var rows = (int)Math.Min(rowsAll, maxRows);
        var columns = (int)Math.Min(columnsAll, maxColumns);
        float[][] Block(Tensor t) => Matrix(t.detach().reshape(rowsAll, columnsAll).narrow(0, 0, rows).narrow(1, 0, columns), rows, columns);
        return new LayerMaskView(path, layer.Weight.shape, layer.KeepFraction, Mean(mask), Threshold(layer, mask), rows, columns,
            Block(layer.Scores.abs()), Block(mask), Block(layer.Weight));
    }

    /// <summary><see cref="View(MaskedLayer, string, int, int)"/> of the masked layer at <paramref name="path"/> of <paramref name="model"/>.</summary>
    /// <exception cref="ArgumentException">No masked layer has that path; the message lists them.</exception>
    public static LayerMaskView View(nn.Module model, string path, int maxRows = 64, int maxColumns = 64)
    {
        var layers = WeightLayers.Masked(model);
        var layer = layers.FirstOrDefault(l => l.Path == path)
            ?? throw new ArgumentException($"layer = '{path}' is not a masked layer of the model; masked layers: {string.Join(", ", layers.Select(l => l.Path))}.", nameof(path));
        return View(layer.Masked!, path, maxRows, maxColumns);
    }

    /// <summary>
    /// Groups of masked layers (two or more, shallow to deep) whose frozen values are bit-identical, as One-layer makes
    /// every layer of a shape hold its prototype's values; a network without such sharing has none.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> SharedValueGroups(nn.Module model)
    {
        var groups = new List<List<WeightLayer>>();
        foreach (var layer in WeightLayers.Masked(model))
        {
            var group = groups.FirstOrDefault(g => g[0].Shape.SequenceEqual(layer.Shape) && SameValues(g[0].Weight, layer.Weight));
            if (group is null) groups.Add([layer]);
            else group.Add(layer);
        }
        return groups.Where(g => g.Count > 1).Select(g => (IReadOnlyList<string>)g.Select(l => l.Path).ToList()).ToList();
    }

    /// <summary>
    /// Masks learned over shared values: for every pair of layers that hold identical frozen values
    /// (<see cref="SharedValueGroups"/>), how much their masks overlap, beside chance.
    /// </summary>
    public static IReadOnlyList<MaskPairOverlap> SharedValueOverlaps(nn.Module model)
    {
        var byPath = WeightLayers.Masked(model).ToDictionary(l => l.Path);
        var pairs = new List<MaskPairOverlap>();
        foreach (var group in SharedValueGroups(model))
            for (var i = 0; i < group.Count; i++)
                for (var j = i + 1; j < group.Count; j++)
                    pairs.Add(Compare(byPath[group[i]], byPath[group[j]]));
        return pairs;
    }

    /// <summary>
    /// The same layers of two networks of one architecture (e.g. trained at two seeds, or before and after training):
    /// one overlap per masked layer, shallow to deep, beside chance.
    /// </summary>
    /// <exception cref="ArgumentException">The networks' masked layers differ in path or shape.</exception>
    public static IReadOnlyList<MaskPairOverlap> CompareLayers(nn.Module a, nn.Module b)
    {
        var la = WeightLayers.Masked(a);
        var lb = WeightLayers.Masked(b);
        if (la.Count != lb.Count || la.Zip(lb).Any(p => p.First.Path != p.Second.Path || !p.First.Shape.SequenceEqual(p.Second.Shape)))
            throw new ArgumentException(
                $"The networks have different masked layers: [{string.Join(", ", la.Select(Describe))}] and [{string.Join(", ", lb.Select(Describe))}].");
        return la.Zip(lb).Select(p => Compare(p.First, p.Second)).ToList();
    }

    /// <summary>
    /// The overlaps in a sentence: how many pairs, the mean and range of the shared kept fraction against its chance
    /// level, and the mean Jaccard against chance, e.g. "12 pairs: shared kept 50.2 % on average (48.9 to 51.6 %;
    /// chance 50.0 %), Jaccard 0.335 (chance 0.333)".
    /// </summary>
    /// <exception cref="ArgumentException">No pairs.</exception>
    public static string DescribeOverlaps(IReadOnlyList<MaskPairOverlap> pairs)
    {
        if (pairs.Count == 0) throw new ArgumentException("pairs is empty: there is nothing to describe.", nameof(pairs));
        static string Pct(double f) => (100 * f).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
        static string J(double j) => j.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);
        var shared = pairs.Select(p => p.Overlap.SharedKept).ToList();
        return $"{pairs.Count} pair(s): shared kept {Pct(shared.Average())} % on average ({Pct(shared.Min())} to {Pct(shared.Max())} %; " +
            $"chance {Pct(pairs.Average(p => p.Chance.SharedKept))} %), Jaccard {J(pairs.Average(p => p.Overlap.Jaccard))} " +
            $"(chance {J(pairs.Average(p => p.Chance.Jaccard))})";
    }

    private static MaskPairOverlap Compare(WeightLayer a, WeightLayer b)
    {
        using var ma = a.Masked!.Mask();
        using var mb = b.Masked!.Mask();
        using var keptA = ma.ne(0).sum();
        return new MaskPairOverlap(a.Path, b.Path, a.Shape, Overlap(ma, mb), ChanceOverlap(a.Count, keptA.item<long>()));
    }

    private static string Describe(WeightLayer l) => $"{l.Path} [{string.Join(", ", l.Shape)}]";

    private static bool SameValues(Tensor a, Tensor b)
    {
        if (a.dtype != b.dtype) return false;
        using var scope = NewDisposeScope();
        return a.eq(b.to(a.device)).all().item<bool>();
    }

    private static double Mean(Tensor mask)
    {
        using var mean = mask.mean();
        return mean.item<float>();
    }

    /// <summary>The smallest |score| the mask keeps (0 when it keeps nothing).</summary>
    private static double Threshold(MaskedLayer layer, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var kept = layer.Scores.detach().abs().masked_select(mask.ne(0));
        return kept.numel() == 0 ? 0 : kept.min().item<float>();
    }

    private static float[][] Matrix(Tensor block, int rows, int columns)
    {
        var data = block.to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        return Enumerable.Range(0, rows).Select(r => data.AsSpan(r * columns, columns).ToArray()).ToArray();
    }
}
