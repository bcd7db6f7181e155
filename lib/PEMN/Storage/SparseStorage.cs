using PEMN.Masking;
using static TorchSharp.torch;

namespace PEMN.Storage;

/// <summary>
/// The storage of a conventional sparse network (the Fig. 4 / 5 baselines) with the same layers as a given
/// model, keeping a fraction q of every conv and linear layer, costed on the same terms as PEMN.
/// </summary>
/// <remarks>
/// Encoding (one choice, fixed here): each layer is a matrix of rows = output channels and
/// cols = elements / rows (fan-in), stored in CSR. Per layer with nnz = kept values
/// (<see cref="TopKMask.KeptCount"/>(elements, q), the same rounding as the masks):
/// values 32 * nnz bits; column indices nnz * ceil(log2(cols)) bits; row pointers
/// (rows + 1) * ceil(log2(nnz + 1)) bits (each width at least 1 bit): the narrowest fixed-width
/// integers that hold every index, rather than the paper's rough "about 2 q p index entries".
/// Other trained parameters and running statistics are the given model's, as for PEMN.
/// </remarks>
public static class SparseStorage
{
    /// <summary>The report of the sparse counterpart of <paramref name="model"/> keeping fraction <paramref name="keep"/> per layer.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="keep"/> is not in (0, 1].</exception>
    public static StorageReport Report(nn.Module model, double keep)
    {
        MaskingOptions.ValidateKeepFraction(keep, "sparse keep fraction q");
        var tally = NetworkTally.Of(model);
        long kept = 0, indexBits = 0;
        foreach (var layer in tally.Layers)
        {
            var nnz = TopKMask.KeptCount(layer.Count, keep);
            kept += nnz;
            indexBits += IndexBits(layer.Shape, nnz);
        }
        return StorageReport.FromParts(FormattableString.Invariant($"Sparse q={keep} CSR"), keep, tally.Weights, tally.Weights,
            tally.Layers.Count == 0 ? 0 : tally.Layers.Max(l => l.Count), kept, kept, false,
            StorageReport.FloatBits * kept, indexBits, tally.NonLayerParameters,
            tally.Weights + tally.NonLayerParameters, tally.RunningStatistics);
    }

    /// <summary>CSR position bits of a layer of weight shape <paramref name="shape"/> holding <paramref name="nnz"/> values.</summary>
    public static long IndexBits(long[] shape, long nnz)
    {
        var rows = shape[0];
        var cols = shape.Aggregate(1L, (a, b) => a * b) / rows;
        return nnz * BitsFor(cols) + (rows + 1) * BitsFor(nnz + 1);
    }

    /// <summary>Bits of an unsigned fixed-width integer holding 0 .. <paramref name="count"/> - 1 (at least 1).</summary>
    public static int BitsFor(long count) => count <= 2 ? 1 : 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(count - 1));

    /// <summary>
    /// The largest q (to <paramref name="tolerance"/>) whose sparse network reaches <paramref name="compression"/>,
    /// by bisection: the Fig. 4 / 5 baselines at 90, 92, 94, 96 % compression.
    /// </summary>
    public static double KeepForCompression(nn.Module model, double compression, double tolerance = DefaultTolerance)
    {
        if (!double.IsFinite(compression) || compression <= 0 || compression >= 1)
            throw new ArgumentOutOfRangeException(nameof(compression), compression, "Compression must be in (0, 1).");
        double lo = 0, hi = 1;
        if (Report(model, hi).CompressionRatio >= compression) return hi;
        while (hi - lo > tolerance)
        {
            var mid = (lo + hi) / 2;
            if (Report(model, mid).CompressionRatio >= compression) lo = mid; else hi = mid;
        }
        if (lo == 0)
            throw new ArgumentOutOfRangeException(nameof(compression), compression,
                "No keep fraction reaches this compression: the other parameters alone cost more.");
        return lo;
    }

    /// <summary>Resolution of <see cref="KeepForCompression"/>: 1e-6 of a layer is below one weight for every model here.</summary>
    public const double DefaultTolerance = 1e-6;
}
