using static TorchSharp.torch;

namespace PEMN.Masking;

/// <summary>
/// The binary mask of sparse selection: 1 for the top-k fraction of |scores| in a layer, else 0.
/// </summary>
public static class TopKMask
{
    /// <summary>
    /// Entries kept out of <paramref name="n"/> at keep fraction <paramref name="k"/>:
    /// n - floor((1 - k) * n), as the reference code (it zeroes the first floor((1 - k) n) of the sort), and at least one
    /// of a non-empty layer: a k at or below 2^-54 makes 1 - k round to 1 in doubles, where the reference's count would be 0
    /// (an all-zero mask) although k &gt; 0 is a valid keep fraction; top-k rounds it up to one weight, as it does every k below 1/n.
    /// </summary>
    public static long KeptCount(long n, double k)
    {
        MaskingOptions.ValidateKeepFraction(k);
        var kept = n - (long)Math.Floor((1 - k) * n);
        return n > 0 ? Math.Max(1, kept) : kept;
    }

    /// <summary>
    /// The mask (same shape and dtype as <paramref name="scores"/>, values 0/1), without gradient.
    /// Uses one kthvalue selection instead of a full sort; ties at the threshold are broken
    /// deterministically in favour of the lower flat index, so exactly <see cref="KeptCount"/> are kept.
    /// Everything stays on the scores' device: no value is copied to the host (a GPU never waits on the mask).
    /// Scores must be finite; a NaN score makes the straight-through surrogate NaN, so the training loss
    /// turns NaN at once and the trainer stops naming the step.
    /// </summary>
    public static Tensor Compute(Tensor scores, double k)
    {
        var n = scores.numel();
        var keep = KeptCount(n, k);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        if (keep == n)
            return ones_like(scores).MoveToOuterDisposeScope();

        var magnitude = scores.detach().abs().flatten();
        // The dropped count is n - keep; the threshold is the largest dropped magnitude.
        var threshold = magnitude.kthvalue(n - keep, 0).values;
        var above = magnitude.gt(threshold);
        // Ties at the threshold: keep the first (keep - above) tied entries by flat index, counted on the device.
        var tied = magnitude.eq(threshold);
        var missing = above.sum().neg_().add_(keep);
        var mask = above.logical_or_(tied.logical_and(tied.to(ScalarType.Int64).cumsum(0).le(missing)));
        return mask.to(scores.dtype).view(scores.shape).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Reference implementation by a full sort, as the authors' code does it; kept for the benchmark
    /// and the tests. A stable descending sort gives the same tie-break as <see cref="Compute"/>.
    /// </summary>
    public static Tensor ComputeBySort(Tensor scores, double k)
    {
        var keep = KeptCount(scores.numel(), k);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var flat = scores.detach().abs().flatten();
        var (_, idx) = flat.sort(descending: true, stable: true);
        var mask = zeros_like(flat).index_fill_(0, idx.narrow(0, 0, keep), 1);
        return mask.view(scores.shape).MoveToOuterDisposeScope();
    }
}
