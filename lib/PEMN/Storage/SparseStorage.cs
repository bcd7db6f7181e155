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
    /// <summary>Bits per kept weight of the paper's index accounting: two 32-bit index entries.</summary>
    public const long PaperIndexBitsPerKept = 2 * StorageReport.FloatBits;

    /// <summary>The report of the sparse counterpart of <paramref name="model"/> keeping fraction <paramref name="keep"/> per layer.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="keep"/> is not in (0, 1].</exception>
    public static StorageReport Report(nn.Module model, double keep, SparseIndexEncoding encoding = SparseIndexEncoding.NarrowCsr)
    {
        MaskingOptions.ValidateKeepFraction(keep, "sparse keep fraction q");
        var tally = NetworkTally.Of(model);
        long kept = 0, indexBits = 0;
        foreach (var layer in tally.Layers)
        {
            var nnz = TopKMask.KeptCount(layer.Count, keep);
            kept += nnz;
            indexBits += encoding switch
            {
                SparseIndexEncoding.NarrowCsr => IndexBits(layer.Shape, nnz),
                SparseIndexEncoding.PaperCsr => PaperIndexBitsPerKept * nnz,
                _ => throw ConfigError.Enum(nameof(encoding), encoding),
            };
        }
        return StorageReport.FromParts(FormattableString.Invariant($"Sparse q={keep} {Names.Of(encoding)}"), keep, tally.Weights, tally.Weights,
            tally.Layers.Count == 0 ? 0 : tally.Layers.Max(l => l.Count), kept, kept, false,
            StorageReport.FloatBits * kept, indexBits, 0, tally.NonLayerParameters, tally.RunningStatistics);
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
    /// Fig. 4 / 5 baselines at 90, 92, 94, 96 % compression.
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
