namespace PEMN.Runtime;

/// <summary>
/// A pseudo-random permutation specified step by step (lib/PEMN/FileFormat/FileFormat.md, "Permutation
/// generator 1"), so that any reader, in any language, regenerates the same permutation from a seed:
/// SplitMix64 drives a Fisher-Yates shuffle whose bounded integers come from Lemire's multiply-shift
/// method with rejection. torch.randperm cannot serve a file format: its algorithm is unspecified and
/// changes between libtorch versions and devices.
/// </summary>
/// <remarks>
/// Use it as PyTorch's <c>index_select</c> uses a permutation: the permuted vector is
/// <c>v[j] = t[perm[j]]</c>. Cost: n - 1 bounded draws, almost always one SplitMix64 step each.
/// </remarks>
public static class SeededPermutation
{
    /// <summary>The SplitMix64 increment (the golden ratio in 64-bit fixed point).</summary>
    public const ulong Gamma = 0x9E3779B97F4A7C15UL;

    private const ulong MixMultiplier1 = 0xBF58476D1CE4E5B9UL;
    private const ulong MixMultiplier2 = 0x94D049BB133111EBUL;
    private const int MixShift1 = 30;
    private const int MixShift2 = 27;
    private const int MixShift3 = 31;

    /// <summary>
    /// The permutation of 0 .. <paramref name="n"/> - 1 for <paramref name="seed"/>: perm[i] = i, then for
    /// i = n - 1 down to 1 swap perm[i] with perm[<see cref="Bounded"/>(i + 1)].
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative or larger than an array can hold.</exception>
    public static long[] Create(ulong seed, long n)
    {
        if (n < 0 || n > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(n), n, $"A permutation length must be in [0, {Array.MaxLength}]; got {n}.");
        var perm = new long[n];
        for (var i = 0L; i < n; i++) perm[i] = i;
        var state = seed;
        for (var i = n - 1; i >= 1; i--)
        {
            var j = (long)Bounded(ref state, (ulong)i + 1);
            (perm[i], perm[j]) = (perm[j], perm[i]);
        }
        return perm;
    }

    /// <summary>
    /// One SplitMix64 step (Steele, Lea, Flood 2014; the reference generator of java.util.SplittableRandom):
    /// advances <paramref name="state"/> by <see cref="Gamma"/> and returns the mixed state.
    /// </summary>
    public static ulong Next(ref ulong state)
    {
        state += Gamma;
        var z = state;
        z = (z ^ (z >> MixShift1)) * MixMultiplier1;
        z = (z ^ (z >> MixShift2)) * MixMultiplier2;
        return z ^ (z >> MixShift3);
    }

    /// <summary>
    /// An unbiased integer in [0, <paramref name="bound"/>) (Lemire 2019, "Fast random integer generation in an
    /// interval"): the high 64 bits of x * bound for a SplitMix64 output x, redrawing x while the low 64 bits
    /// fall below 2^64 mod bound, the few products that would favour some results.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bound"/> is 0.</exception>
    public static ulong Bounded(ref ulong state, ulong bound)
    {
        if (bound == 0) throw new ArgumentOutOfRangeException(nameof(bound), bound, "The bound must be at least 1.");
        var high = Math.BigMul(Next(ref state), bound, out var low);
        if (low < bound)
        {
            // 2^64 mod bound, computed in 64 bits as (2^64 - bound) mod bound.
            var threshold = (0UL - bound) % bound;
            while (low < threshold)
                high = Math.BigMul(Next(ref state), bound, out low);
        }
        return high;
    }
}
