using PEMN.Masking;
using PEMN.Runtime;
using static TorchSharp.torch;

namespace PEMN.Storage;

/// <summary>How a sparse network stores the positions of its kept weights (C_m of a sparse baseline).</summary>
public enum SparseIndexEncoding
{
    /// <summary>
    /// CSR with the narrowest fixed-width integers (the default: the tightest simple encoding, so the comparison with
    /// PEMN is not tilted towards PEMN). Each layer is a matrix of rows = output channels and cols = elements / rows;
    /// column indices nnz * ceil(log2 cols) bits, row pointers (rows + 1) * ceil(log2(nnz + 1)) bits (each width at least 1).
    /// </summary>
    [Name("narrow_csr")]
    NarrowCsr,
    /// <summary>The paper's accounting: about 2 q p index entries of 32 bits, i.e. 64 bits per kept weight.</summary>
    [Name("paper_csr")]
    PaperCsr,
}

/// <summary>
/// The storage of a conventional sparse network (the Fig. 4 / 5 baselines) with the same layers as a given
/// model, keeping a fraction q of every conv and linear layer, costed on the same terms as PEMN: per layer,
/// nnz = <see cref="TopKMask.KeptCount"/>(elements, q) kept values at 32 bits (C_w) and their positions in a
/// <see cref="SparseIndexEncoding"/> (C_m). Other trained parameters and running statistics are the given
/// model's, as for PEMN.
/// </summary>
public static class SparseStorage
{
    /// <summary>
    /// How the figures' sparse baselines store their positions: narrow CSR, the tightest simple encoding, so that the comparison
    /// is not tilted towards PEMN (the paper's 64 bits per kept weight would give the baselines about half the q).
    /// </summary>
    public const SparseIndexEncoding BaselineEncoding = SparseIndexEncoding.NarrowCsr;

    /// <summary>Bits per kept weight of the paper's index accounting: two 32-bit index entries.</summary>
    public const long PaperIndexBitsPerKept = 2 * StorageReport.FloatBits;

    /// <summary>The report of the sparse counterpart of <paramref name="model"/> keeping fraction <paramref name="keep"/> per layer.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="keep"/> is not in (0, 1].</exception>
    public static StorageReport Report(nn.Module model, double keep, SparseIndexEncoding encoding = SparseIndexEncoding.NarrowCsr)
    {
        MaskingOptions.ValidateKeepFraction(keep, "sparse keep fraction q");
        var tally = NetworkTally.Of(model);
        return FromCounts(FormattableString.Invariant($"Sparse q={keep} {Names.Of(encoding)}"), keep, tally,
            tally.Layers.Select(l => TopKMask.KeptCount(l.Count, keep)).ToList(), encoding);
    }

    /// <summary>
    /// The report of a built sparse network (every conv and linear layer a <see cref="SparseLayer"/>, pruned): the same
    /// accounting as <see cref="Report"/>, with each layer's kept count read off its keep mask. Equal to
    /// <see cref="Report"/> of the same model at its q, which is what the test of a compression target relies on.
    /// </summary>
    /// <param name="model">The sparse network.</param>
    /// <param name="scheme">What to call it in the report (e.g. the strategy label); the q and the encoding are appended.</param>
    /// <param name="encoding">How the positions are stored (stated in the scheme).</param>
    /// <exception cref="ArgumentException">A conv or linear layer is not sparse or not pruned, or the layers' q differ.</exception>
    public static StorageReport Measure(nn.Module model, string scheme, SparseIndexEncoding encoding = SparseIndexEncoding.NarrowCsr)
    {
        var tally = NetworkTally.Of(model);
        var bad = tally.Layers.FirstOrDefault(l => l.Sparse is not { IsPruned: true });
        if (tally.Layers.Count == 0 || bad is not null)
            throw new ArgumentException(bad is null
                ? "A sparse network needs conv or linear layers; this model has none."
                : $"Layer '{bad.Path}' is {(bad.Sparse is null ? "not a sparse layer" : "not pruned yet")}; a sparse storage report measures pruned sparse layers.",
                nameof(model));
        var fractions = tally.Layers.Select(l => l.Sparse!.KeepFraction).Distinct().ToList();
        if (fractions.Count != 1)
            throw new ArgumentException($"The layers keep different fractions q ({string.Join(", ", fractions)}); a sparse baseline keeps one q per network.", nameof(model));
        var kept = tally.Layers.Select(l =>
        {
            using var scope = NewDisposeScope();
            return l.Sparse!.KeepMask.ne(0).sum().item<long>();
        }).ToList();
        return FromCounts(FormattableString.Invariant($"{scheme} q={fractions[0]} {Names.Of(encoding)}"), fractions[0], tally, kept, encoding);
    }

    /// <summary>The report of a network whose layer i keeps <paramref name="kept"/>[i] values at 32 bits with positions in <paramref name="encoding"/>.</summary>
    private static StorageReport FromCounts(string scheme, double keep, NetworkTally tally, IReadOnlyList<long> kept, SparseIndexEncoding encoding)
    {
        long values = 0, indexBits = 0;
        foreach (var (layer, nnz) in tally.Layers.Zip(kept))
        {
            values += nnz;
            indexBits += encoding switch
            {
                SparseIndexEncoding.NarrowCsr => IndexBits(layer.Shape, nnz),
                SparseIndexEncoding.PaperCsr => PaperIndexBitsPerKept * nnz,
                _ => throw ConfigError.Enum(nameof(encoding), encoding),
            };
        }
        // The kept weights are stored as values (C_w), not as dense layer weights: a sparse network has no other weights.
        return StorageReport.FromParts(scheme, keep, tally.Weights, tally.Weights,
            tally.Layers.Count == 0 ? 0 : tally.Layers.Max(l => l.Count), values, values, false,
            StorageReport.FloatBits * values, indexBits, 0, tally.NonLayerParameters, tally.RunningStatistics);
    }

    /// <summary>Narrow-CSR position bits of a layer of weight shape <paramref name="shape"/> holding <paramref name="nnz"/> values.</summary>
    public static long IndexBits(long[] shape, long nnz)
    {
        var rows = shape[0];
        var cols = shape.Aggregate(1L, (a, b) => a * b) / rows;
        return nnz * BitsFor(cols) + (rows + 1) * BitsFor(nnz + 1);
    }

    /// <summary>Bits of an unsigned fixed-width integer holding 0 .. <paramref name="count"/> - 1 (at least 1).</summary>
    public static int BitsFor(long count) => count <= 2 ? 1 : 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(count - 1));

    /// <summary>
    /// The largest q (to <paramref name="tolerance"/>) whose sparse network reaches <paramref name="compression"/>
    /// (<see cref="StorageReport.CompressionRatio"/>, the paper's: conv and linear weights), by bisection: the
    /// Fig. 4 / 5 baselines at 90, 92, 94, 96 % compression. The one place a compression target becomes a q
    /// (masking.keep_fraction of a sparse baseline run); the compression falls as q grows, so any larger q misses
    /// the target. The bisection halves [0, 1], so q is a multiple of a power of two: exact in JSON and run ids.
    /// </summary>
    public static double KeepForCompression(nn.Module model, double compression, SparseIndexEncoding encoding = SparseIndexEncoding.NarrowCsr,
        double tolerance = DefaultTolerance)
    {
        if (!double.IsFinite(compression) || compression <= 0 || compression >= 1)
            throw new ArgumentOutOfRangeException(nameof(compression), compression, "Compression must be in (0, 1).");
        double lo = 0, hi = 1;
        if (Report(model, hi, encoding).CompressionRatio >= compression) return hi;
        while (hi - lo > tolerance)
        {
            var mid = (lo + hi) / 2;
            if (Report(model, mid, encoding).CompressionRatio >= compression) lo = mid; else hi = mid;
        }
        if (lo == 0)
            throw new ArgumentOutOfRangeException(nameof(compression), compression,
                "No keep fraction reaches this compression: one value per layer with its index costs more.");
        return lo;
    }

    /// <summary>Resolution of <see cref="KeepForCompression"/>: 1e-6 of a layer is below one weight for every model here.</summary>
    public const double DefaultTolerance = 1e-6;
}
