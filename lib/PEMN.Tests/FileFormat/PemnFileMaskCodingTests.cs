using PEMN.FileFormat;
using Xunit.Abstractions;
using static PEMN.Tests.FileFormat.PemnFileSamples;

namespace PEMN.Tests.FileFormat;

/// <summary>The mask codings of the PEMN file: exact round trips, sizes near the entropy, canonical and bounded decoding.</summary>
public class PemnFileMaskCodingTests(ITestOutputHelper output)
{
    /// <summary>Entries of the measured random masks (the brief's size).</summary>
    private const int MeasuredEntries = 100_000;

    /// <summary>Shape of the measured masks: a conv-like 250 x 400 (rows matter only to the context, not to random masks).</summary>
    private static readonly long[] MeasuredShape = [250, 400];

    private static double Entropy(double k) => k <= 0 || k >= 1 ? 0 : -k * Math.Log2(k) - (1 - k) * Math.Log2(1 - k);

    private static void AssertRoundTrip(MaskBits mask, long[] shape)
    {
        foreach (var coding in new[] { MaskCoding.Bitmap, MaskCoding.ContextCoded })
        {
            var payload = MaskCoder.Encode(mask, shape, coding);
            var decoded = MaskCoder.TryDecode(coding, payload, mask.Length, MaskCoder.RowLength(shape), out var error);
            Assert.True(decoded is not null, $"{coding} of {mask} failed to decode: {error}");
            Assert.Equal(mask, decoded);
        }
    }

    [Fact]
    public void EveryMaskOfUpTo10EntriesRoundTripsInBothCodings()
    {
        for (var n = 1; n <= 10; n++)
            for (var pattern = 0; pattern < 1 << n; pattern++)
            {
                var bits = Enumerable.Range(0, n).Select(i => (pattern >> i & 1) == 1).ToArray();
                AssertRoundTrip(MaskBits.FromBools(bits), [n]);
                if (n % 2 == 0) AssertRoundTrip(MaskBits.FromBools(bits), [2, n / 2]);
            }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(63)]
    [InlineData(200_003)]
    public void ConstantAndRandomMasksOfOddLengthsRoundTrip(int n)
    {
        var rng = new Random(n);
        long[] shape = n % 3 == 0 ? [3, n / 3] : [n];
        AssertRoundTrip(RandomMask(n, 0, rng), shape);
        AssertRoundTrip(RandomMask(n, n, rng), shape);
        foreach (var k in new[] { 0.01, 0.3, 0.5, 0.97 })
            AssertRoundTrip(RandomMask(n, (long)Math.Ceiling(k * n), rng), shape);
    }

    [Fact]
    public void EmptyMaskRoundTrips() => AssertRoundTrip(MaskBits.FromBools([]), [0]);

    [Fact]
    public void StructuredMasksRoundTripAndCodeBelowTheirMarginalEntropy()
    {
        // Rows of very different density (some output channels nearly dead, some nearly full): the adaptive
        // context model must beat H(overall k), which a static per-layer probability cannot.
        var rng = new Random(5);
        const int rows = 256, cols = 576;
        var bits = new bool[rows * cols];
        for (var r = 0; r < rows; r++)
        {
            var density = r % 4 == 0 ? 0.6 : 0.02;
            for (var c = 0; c < cols; c++) bits[r * cols + c] = rng.NextDouble() < density;
        }
        var mask = MaskBits.FromBools(bits);
        long[] shape = [rows, 64, 3, 3];
        AssertRoundTrip(mask, shape);
        var k = (double)mask.CountOnes() / mask.Length;
        var coded = MaskCoder.Encode(mask, shape, MaskCoding.ContextCoded);
        var bitsPerEntry = 8.0 * coded.Length / mask.Length;
        output.WriteLine($"row-structured mask: k = {k:F3}, H(k) = {Entropy(k):F3}, coded {bitsPerEntry:F3} bits per entry");
        Assert.True(bitsPerEntry < 0.8 * Entropy(k), $"{bitsPerEntry} bits per entry, H(k) = {Entropy(k)}");
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.1)]
    [InlineData(0.25)]
    public void SparseRandomMasksCodeWithin1PercentOfTheEntropy(double k)
    {
        var mask = RandomMask(MeasuredEntries, (long)(k * MeasuredEntries), new Random(1));
        var (coding, payload) = MaskCoder.Encode(mask, MeasuredShape);
        Assert.Equal(MaskCoding.ContextCoded, coding);
        var bitsPerEntry = 8.0 * payload.Length / MeasuredEntries;
        Assert.InRange(bitsPerEntry, Entropy(k) * 0.99, Entropy(k) * 1.01);
    }

    [Fact]
    public void RandomMaskAtHalfStaysABitmap()
    {
        var mask = RandomMask(MeasuredEntries, MeasuredEntries / 2, new Random(2));
        var (coding, payload) = MaskCoder.Encode(mask, MeasuredShape);
        Assert.Equal(MaskCoding.Bitmap, coding);
        Assert.Equal(MeasuredEntries / 8, payload.Length);
    }

    [Fact]
    public void MeasuredBitsPerWeight()
    {
        // The numbers of the report: random masks of 100,000 entries, several seeds.
        foreach (var k in new[] { 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.95 })
        {
            var coded = new List<double>();
            var chosen = new List<double>();
            for (var seed = 0; seed < 5; seed++)
            {
                var mask = RandomMask(MeasuredEntries, (long)(k * MeasuredEntries), new Random(seed));
                coded.Add(8.0 * MaskCoder.Encode(mask, MeasuredShape, MaskCoding.ContextCoded).Length / MeasuredEntries);
                chosen.Add(8.0 * MaskCoder.Encode(mask, MeasuredShape).Payload.Length / MeasuredEntries);
            }
            output.WriteLine($"k = {k,4}: H(k) = {Entropy(k):F4}, context-coded {coded.Average():F4} bits/weight " +
                             $"({100 * (coded.Average() / Entropy(k) - 1):+0.00;-0.00} % over H), chosen {chosen.Average():F4}");
            Assert.True(chosen.Max() <= 1.0);
        }
    }

    [Fact]
    public void ConstantMasksStayWithinTheDecodersExpansionBound()
    {
        // The decoder refuses lengths above MaxEntriesPerPayloadByte * payload bytes: the cheapest masks a valid
        // encoder can produce (all zeros, all ones) must stay under it, or a valid file would be refused.
        foreach (var n in new[] { 10_000, 3_000_000 })
            foreach (var kept in new[] { 0, n })
            {
                var mask = RandomMask(n, kept, new Random(0));
                var payload = MaskCoder.Encode(mask, [n], MaskCoding.ContextCoded);
                Assert.True(n <= MaskCoder.MaxEntriesPerPayloadByte * payload.Length, $"{n} entries in {payload.Length} bytes");
                output.WriteLine($"{n} entries all {(kept == 0 ? "zero" : "one")}: {payload.Length} bytes, {(double)n / payload.Length:F0} entries per byte");
            }
    }

    [Fact]
    public void DecoderRefusesLengthsThePayloadCannotCarryBeforeAllocating()
    {
        var payload = MaskCoder.Encode(RandomMask(64, 3, new Random(3)), [64], MaskCoding.ContextCoded);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var decoded = MaskCoder.TryDecode(MaskCoding.ContextCoded, payload, 1L << 33, 1L << 16, out var error);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Null(decoded);
        Assert.Contains("cannot fit", error);
        Assert.True(allocated < 4096, $"allocated {allocated} bytes");
    }

    [Fact]
    public void EveryChangeToAPayloadIsRefusedOrDecodesToAnotherMask()
    {
        // The coder is canonical: a payload other than the encoder's output never decodes to the same mask.
        var rng = new Random(4);
        var mask = RandomMask(300, 30, rng);
        long[] shape = [10, 30];
        var payload = MaskCoder.Encode(mask, shape, MaskCoding.ContextCoded);
        for (var i = 0; i < payload.Length; i++)
            for (var bit = 0; bit < 8; bit++)
            {
                var changed = payload.ToArray();
                changed[i] ^= (byte)(1 << bit);
                var decoded = MaskCoder.TryDecode(MaskCoding.ContextCoded, changed, mask.Length, 30, out var error);
                Assert.True(decoded is null ? error is not null : !decoded.Equals(mask), $"byte {i} bit {bit}");
            }
        foreach (var cut in new[] { 0, 1, 4, payload.Length - 1 })
            Assert.Null(MaskCoder.TryDecode(MaskCoding.ContextCoded, payload.AsSpan(0, cut), mask.Length, 30, out _));
        Assert.Null(MaskCoder.TryDecode(MaskCoding.ContextCoded, [.. payload, 0], mask.Length, 30, out _));
    }

    [Fact]
    public void BitmapRefusesWrongSizesAndSetPaddingBits()
    {
        Assert.NotNull(MaskCoder.TryDecode(MaskCoding.Bitmap, [0b0000_0101], 3, 3, out _));
        Assert.Contains("past entry 3", MaskBits.TryFromPacked(3, [0b0000_1101], out var padding) is null ? padding : "");
        Assert.Null(MaskCoder.TryDecode(MaskCoding.Bitmap, [0, 0], 3, 3, out var size));
        Assert.Contains("need 1 bytes", size);
        Assert.Null(MaskCoder.TryDecode((MaskCoding)9, [0], 3, 3, out var unknown));
        Assert.Contains("unknown mask coding 9", unknown);
    }

    [Fact]
    public void RowLengthIsTheFanIn()
    {
        Assert.Equal(8 * 3 * 3, MaskCoder.RowLength([16, 8, 3, 3]));
        Assert.Equal(16, MaskCoder.RowLength([10, 16]));
        Assert.Equal(7, MaskCoder.RowLength([7]));
    }
}
