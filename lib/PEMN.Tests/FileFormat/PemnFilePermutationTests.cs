using PEMN.Runtime;

namespace PEMN.Tests.FileFormat;

/// <summary>
/// The specified permutation generator of the PEMN file (FileFormat.md, "Permutation generator 1"). The vectors below
/// were computed by an independent implementation written from FileFormat.md alone (Python, arbitrary-precision
/// integers); if one of these tests fails, files written earlier would load with a different RP permutation.
/// </summary>
public class PemnFilePermutationTests
{
    [Fact]
    public void SplitMix64MatchesTheReferenceOutputsForSeedZero()
    {
        // The published first outputs of SplitMix64 (Steele et al.; Vigna's splitmix64.c) for seed 0.
        ulong state = 0;
        Assert.Equal(0xE220A8397B1DCDAFUL, SeededPermutation.Next(ref state));
        Assert.Equal(0x6E789E6AA1B965F4UL, SeededPermutation.Next(ref state));
        Assert.Equal(0x06C45D188009454FUL, SeededPermutation.Next(ref state));
    }

    public static TheoryData<ulong, long, long[]> Vectors => new()
    {
        { 0UL, 10, [4, 9, 2, 5, 1, 7, 6, 0, 3, 8] },
        { 1UL, 10, [9, 0, 1, 4, 8, 2, 3, 7, 6, 5] },
        { 0x0123456789ABCDEFUL, 16, [3, 10, 6, 5, 13, 14, 15, 9, 4, 7, 11, 0, 8, 2, 12, 1] },
        { ulong.MaxValue, 5, [1, 2, 0, 3, 4] },
        { 42UL, 1, [0] },
        { 42UL, 2, [0, 1] },
        { 42UL, 0, [] },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void PermutationsMatchTheCommittedVectors(ulong seed, long n, long[] expected) =>
        Assert.Equal(expected, SeededPermutation.Create(seed, n));

    [Fact]
    public void LongerPermutationMatchesItsPrefixAndDigest()
    {
        var perm = SeededPermutation.Create(7, 160);
        Assert.Equal([138, 88, 99, 156, 8, 40, 28, 63, 53, 0, 123, 112, 98, 76, 26, 16], perm[..16]);
        Assert.Equal("f4f6f5e8de21176723248997e9a32daba3ea47569ed74c11281bdf4351c10615",
            Convert.ToHexStringLower(PEMN.FileFormat.PemnDigest.Of(perm)));
    }

    [Fact]
    public void BoundedDrawsRejectAndMatchTheReferenceForABoundAboveHalfTheRange()
    {
        // With bound 2^63 + 1 almost half of all 64-bit draws are rejected: the loop must redraw, and agree with the reference.
        ulong state = 5;
        const ulong Bound = (1UL << 63) + 1;
        ulong[] expected = [6938807493011938172, 2146363211429306531, 916244348587400354, 1733626130553941730, 4154899361148330835];
        foreach (var e in expected) Assert.Equal(e, SeededPermutation.Bounded(ref state, Bound));
    }

    [Fact]
    public void EveryOrderOfThreeIsEquallyLikely()
    {
        // 60,000 seeds: each of the 6 orders expects 10,000; a biased bounded draw would be off by far more than 5 %.
        var counts = new Dictionary<string, int>();
        for (var seed = 0UL; seed < 60_000; seed++)
        {
            var key = string.Join(",", SeededPermutation.Create(seed, 3));
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        Assert.Equal(6, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 9_500, 10_500));
    }

    [Fact]
    public void ResultIsAPermutation()
    {
        var perm = SeededPermutation.Create(123, 10_007);
        Assert.Equal(Enumerable.Range(0, 10_007).Select(i => (long)i), perm.Order());
    }

    [Fact]
    public void RejectsNegativeLengthsAndZeroBounds()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SeededPermutation.Create(0, -1));
        ulong state = 0;
        Assert.Throws<ArgumentOutOfRangeException>(() => SeededPermutation.Bounded(ref state, 0));
    }
}
