namespace PEMN.FileFormat;

/// <summary>How a layer's mask is stored in a PEMN file (FileFormat.md, "Mask codings").</summary>
public enum MaskCoding : byte
{
    /// <summary>One bit per entry, packed as <see cref="MaskBits"/> packs them.</summary>
    Bitmap = 1,
    /// <summary>An adaptive binary range coder whose context is the density so far of the entry's row and of its column.</summary>
    ContextCoded = 2,
}

/// <summary>
/// Encodes and decodes masks. The context coder spends about H(k) = -k log2 k - (1-k) log2 (1-k) bits per
/// entry on a mask keeping a fraction k at random positions (0.29 at k = 0.05) and less where the kept
/// entries concentrate in some rows (output channels) or columns (input channels, kernel taps), as a trained
/// mask may; the bitmap spends exactly 1. <see cref="Encode(MaskBits, long[])"/> picks the smaller per layer,
/// so a random mask at k = 0.5 (H = 1) stays a bitmap.
/// </summary>
/// <remarks>
/// <para>Entry i of a layer with rows of R entries (<see cref="RowLength"/>) sits in row i / R, column i mod R.
/// Its context is the pair (density bucket of the entries before it in its row, density bucket of the entries
/// above it in its column), 10 x 10 = <see cref="ContextCount"/> contexts; each context estimates its
/// probability from counts (Krichevsky-Trofimov, halved at <see cref="CountLimit"/> so it follows drifting
/// densities). The range coder is LZMA's binary range coder (Igor Pavlov), with 12-bit probabilities and a
/// normalisation loop. Everything is integer arithmetic, so every implementation of FileFormat.md produces
/// and accepts the same bytes.</para>
/// <para>The coder is canonical: one mask has exactly one valid payload. The decoder rejects a payload it
/// does not consume exactly or whose final code is not 0, and it rejects, before allocating anything, a
/// length the payload cannot carry: no symbol costs less than -log2(1 - 4/4096) bits, so a valid payload of
/// P bytes carries at most <see cref="MaxEntriesPerPayloadByte"/> * P entries. Decoding n entries allocates
/// n / 8 bytes for the mask and at most n / 2 bytes of column counts.</para>
/// </remarks>
public static class MaskCoder
{
    /// <summary>Probabilities are fractions of 2^12.</summary>
    public const int ProbabilityBits = 12;

    /// <summary>2^<see cref="ProbabilityBits"/>: the probability of certainty.</summary>
    public const uint ProbabilityOne = 1u << ProbabilityBits;

    /// <summary>
    /// The smallest probability of a 0 the model gives (of 4096). The clamp bounds how little a symbol can cost,
    /// hence how many entries a payload of a given size can carry; 1/1024 costs nothing measurable above k = 0.005.
    /// </summary>
    public const uint MinProbability = 4;

    /// <summary>The largest probability of a 0 the model gives (of 4096): 4096 - <see cref="MinProbability"/>.</summary>
    public const uint MaxProbability = ProbabilityOne - MinProbability;

    /// <summary>
    /// A context's counts are halved once they sum to this: a memory of about 3,000 recent entries per context, long
    /// enough that a random mask costs well under 1 % above its entropy, short enough to follow a density that drifts.
    /// </summary>
    public const uint CountLimit = 4096;

    /// <summary>Density buckets: 0 for "nothing seen yet", then 1 + the number of <see cref="BucketThresholds"/> reached.</summary>
    public const int BucketCount = 10;

    /// <summary>Contexts: <see cref="BucketCount"/> * row bucket + column bucket.</summary>
    public const int ContextCount = BucketCount * BucketCount;

    /// <summary>
    /// Density thresholds, in 256ths, of the buckets: 1/64, 1/16, ... symmetric about 1/2, finer near 0 and 1 where
    /// masks of small (or large) k live. A density estimate (2 ones + 1) / (2 seen + 2) reaches threshold t when
    /// 256 (2 ones + 1) &gt;= t (2 seen + 2).
    /// </summary>
    public static ReadOnlySpan<int> BucketThresholds => Thresholds;

    // An array, not a collection expression in the property: that would allocate an int[] on every call.
    private static readonly int[] Thresholds = [4, 16, 40, 90, 166, 216, 240, 252];

    private const int ThresholdScale = 256;

    /// <summary>
    /// The most entries a context-coded payload of one byte can carry (see the remarks): 8 / -log2(1 - 4/4096 + 2^-22)
    /// = 5,678.5, rounded up with margin. Readers reject a length above this times the payload size.
    /// </summary>
    public const long MaxEntriesPerPayloadByte = 5_680;

    /// <summary>Bytes the range coder spends beyond the symbols: the leading 0 byte and the 4 bytes of the flush.</summary>
    public const int CoderOverheadBytes = 5;

    private const uint TopValue = 1u << 24;
    private const int ShiftBits = 8;
    private const int CodeBytes = 4;
    private const uint InitialRange = 0xFFFF_FFFF;

    /// <summary>
    /// The row length the context coder uses for a layer of <paramref name="shape"/>: the product of every
    /// dimension after the first (a conv kernel's in-channels x kh x kw, a linear layer's in-features).
    /// For a rank-1 shape it is the length itself, so no entry has a row above it. At least 1 (for empty shapes).
    /// </summary>
    public static long RowLength(long[] shape)
    {
        if (shape.Length == 0) throw new ArgumentException("A mask shape has at least one dimension.", nameof(shape));
        if (shape.Length == 1) return Math.Max(1, shape[0]);
        long row = 1;
        for (var d = 1; d < shape.Length; d++) row = checked(row * shape[d]);
        return Math.Max(1, row);
    }

    /// <summary>The smaller of the two codings of <paramref name="mask"/> (the bitmap on ties: it decodes faster).</summary>
    public static (MaskCoding Coding, byte[] Payload) Encode(MaskBits mask, long[] shape)
    {
        var coded = EncodeContext(mask, RowLength(shape));
        return coded.LongLength < MaskBits.PackedBytes(mask.Length)
            ? (MaskCoding.ContextCoded, coded)
            : (MaskCoding.Bitmap, mask.Packed.ToArray());
    }

    /// <summary>The payload of <paramref name="mask"/> in the given coding.</summary>
    public static byte[] Encode(MaskBits mask, long[] shape, MaskCoding coding) => coding switch
    {
        MaskCoding.Bitmap => mask.Packed.ToArray(),
        MaskCoding.ContextCoded => EncodeContext(mask, RowLength(shape)),
        _ => throw new ArgumentOutOfRangeException(nameof(coding), coding, "Unknown mask coding."),
    };

    /// <summary>
    /// Decodes a payload into a mask of <paramref name="length"/> entries. Returns null and a reason when the
    /// payload is not a valid encoding of any mask of that length; never throws on bad input.
    /// </summary>
    public static MaskBits? TryDecode(MaskCoding coding, ReadOnlySpan<byte> payload, long length, long rowLength, out string? error) =>
        coding switch
        {
            MaskCoding.Bitmap => MaskBits.TryFromPacked(length, payload, out error),
            MaskCoding.ContextCoded => TryDecodeContext(payload, length, rowLength, out error),
            _ => Fail($"unknown mask coding {(byte)coding}", out error),
        };

    private static MaskBits? Fail(string message, out string? error)
    {
        error = message;
        return null;
    }

    /// <summary>The context coder's payload for <paramref name="mask"/> with rows of <paramref name="rowLength"/> entries.</summary>
    public static byte[] EncodeContext(MaskBits mask, long rowLength)
    {
        if (rowLength < 1) throw new ArgumentOutOfRangeException(nameof(rowLength), rowLength, "The row length must be at least 1.");
        var model = new ContextModel(mask.Length, rowLength);
        var encoder = new RangeEncoder(EstimateBytes(mask.Length));
        for (var i = 0L; i < mask.Length; i++)
        {
            var bit = mask[i];
            encoder.Encode(bit, model.ProbabilityOfZero());
            model.Update(bit);
        }
        return encoder.Finish();
    }

    private static MaskBits? TryDecodeContext(ReadOnlySpan<byte> payload, long length, long rowLength, out string? error)
    {
        error = null;
        if (length < 0 || length > MaskBits.MaxLength)
            return Fail($"length {length} is outside [0, {MaskBits.MaxLength}]", out error);
        if (rowLength < 1)
            return Fail($"row length {rowLength} is below 1", out error);
        if (payload.Length < CoderOverheadBytes)
            return Fail($"a context-coded payload has at least {CoderOverheadBytes} bytes, this one {payload.Length}", out error);
        // Checked before the mask is allocated: a few hostile bytes must not claim billions of entries.
        if (length > MaxEntriesPerPayloadByte * payload.Length)
            return Fail($"{length} entries cannot fit in {payload.Length} bytes (at most {MaxEntriesPerPayloadByte} entries per byte)", out error);
        if (payload[0] != 0)
            return Fail($"the first byte of a range-coded payload is 0, this one 0x{payload[0]:X2}", out error);

        uint code = 0;
        for (var b = 1; b <= CodeBytes; b++) code = code << ShiftBits | payload[b];
        if (code == InitialRange)
            return Fail("the initial code 0xFFFFFFFF is outside the coder's range", out error);
        var position = CodeBytes + 1;
        var range = InitialRange;

        var bytes = new byte[MaskBits.PackedBytes(length)];
        var mask = MaskBits.Own(length, bytes);
        var model = new ContextModel(length, rowLength);
        for (var i = 0L; i < length; i++)
        {
            var bound = (range >> ProbabilityBits) * model.ProbabilityOfZero();
            bool bit;
            if (code < bound)
            {
                range = bound;
                bit = false;
            }
            else
            {
                code -= bound;
                range -= bound;
                bit = true;
                bytes[i >> 3] |= (byte)(1 << (int)(i & 7));
            }
            model.Update(bit);
            while (range < TopValue)
            {
                if (position >= payload.Length)
                    return Fail($"the payload ends after {payload.Length} bytes, at entry {i} of {length}", out error);
                range <<= ShiftBits;
                code = code << ShiftBits | payload[position++];
            }
        }
        if (position != payload.Length)
            return Fail($"{length} entries end after {position} bytes of the {payload.Length}-byte payload", out error);
        if (code != 0)
            return Fail($"the final code is 0x{code:X8}, not 0: the payload is not the encoding of any mask", out error);
        return mask;
    }

    private static int EstimateBytes(long length) => (int)Math.Min(Array.MaxLength, length / MaskBits.BitsPerByte + 16);

    /// <summary>
    /// The density bucket of <paramref name="ones"/> kept among <paramref name="seen"/> entries: 0 when nothing was seen,
    /// else 1 + the number of <see cref="BucketThresholds"/> the estimate (2 ones + 1) / (2 seen + 2) reaches.
    /// </summary>
    public static int Bucket(long ones, long seen)
    {
        if (seen == 0) return 0;
        var bucket = 1;
        var estimate = ThresholdScale * (2 * ones + 1);
        foreach (var t in Thresholds)
        {
            // Thresholds ascend: the first one not reached ends the count.
            if (estimate < t * (2 * seen + 2)) break;
            bucket++;
        }
        return bucket;
    }

    /// <summary>
    /// Walks the entries in order, tracking the kept count of the current row and of every column, and the per-context
    /// counts of 0s and 1s that give each entry its probability.
    /// </summary>
    private sealed class ContextModel
    {
        private readonly uint[] zeros = new uint[ContextCount];
        private readonly uint[] ones = new uint[ContextCount];
        private readonly long rowLength;
        // Kept entries above, per column, in the narrowest integer that holds the row count: a layer of few rows
        // can have very long rows (a hostile one especially), so this keeps the counts at most n / 2 bytes.
        // None for a single row, which has nothing above.
        private readonly byte[]? columnOnes8;
        private readonly ushort[]? columnOnes16;
        private readonly uint[]? columnOnes32;
        private long row, column, rowOnes;
        private int context;

        public ContextModel(long length, long rowLength)
        {
            this.rowLength = rowLength;
            var rows = (length + rowLength - 1) / rowLength;
            if (rows <= 1) return;
            if (rows <= byte.MaxValue) columnOnes8 = new byte[rowLength];
            else if (rows <= ushort.MaxValue) columnOnes16 = new ushort[rowLength];
            else columnOnes32 = new uint[rowLength];
        }

        /// <summary>floor(4096 (2 n0 + 1) / (2 (n0 + n1) + 2)) of the next entry's context, clamped to [4, 4092]: the KT estimate in 12 bits.</summary>
        public uint ProbabilityOfZero()
        {
            long above = columnOnes8 is not null ? columnOnes8[column]
                : columnOnes16 is not null ? columnOnes16[column]
                : columnOnes32 is not null ? columnOnes32[column] : 0;
            context = BucketCount * Bucket(rowOnes, column) + Bucket(above, row);
            var n0 = (ulong)zeros[context];
            var n1 = (ulong)ones[context];
            var p = (uint)(ProbabilityOne * (2 * n0 + 1) / (2 * (n0 + n1) + 2));
            return Math.Clamp(p, MinProbability, MaxProbability);
        }

        /// <summary>Counts <paramref name="bit"/> in the context <see cref="ProbabilityOfZero"/> used and moves to the next entry.</summary>
        public void Update(bool bit)
        {
            if (bit)
            {
                ones[context]++;
                rowOnes++;
                if (columnOnes8 is not null) columnOnes8[column]++;
                else if (columnOnes16 is not null) columnOnes16[column]++;
                else if (columnOnes32 is not null) columnOnes32[column]++;
            }
            else zeros[context]++;
            if (zeros[context] + ones[context] >= CountLimit)
            {
                zeros[context] = (zeros[context] + 1) >> 1;
                ones[context] = (ones[context] + 1) >> 1;
            }
            if (++column == rowLength)
            {
                column = 0;
                rowOnes = 0;
                row++;
            }
        }
    }

    /// <summary>LZMA's range encoder (carry propagation through a cached byte and a run of 0xFF bytes).</summary>
    private sealed class RangeEncoder(int capacity)
    {
        private const uint CarryFreeLimit = 0xFF00_0000;
        private const int LowBits = 32;
        private const int CacheShift = 24;
        private const ulong LowMask = 0x00FF_FFFF;
        private const byte Saturated = 0xFF;

        private readonly MemoryStream output = new(capacity);
        private ulong low;
        private uint range = InitialRange;
        private byte cache;
        private long cacheSize = 1;

        public void Encode(bool bit, uint probabilityOfZero)
        {
            var bound = (range >> ProbabilityBits) * probabilityOfZero;
            if (!bit)
                range = bound;
            else
            {
                low += bound;
                range -= bound;
            }
            while (range < TopValue)
            {
                range <<= ShiftBits;
                ShiftLow();
            }
        }

        public byte[] Finish()
        {
            for (var i = 0; i <= CodeBytes; i++) ShiftLow();
            return output.ToArray();
        }

        private void ShiftLow()
        {
            if ((uint)low < CarryFreeLimit || (low >> LowBits) != 0)
            {
                var carry = (byte)(low >> LowBits);
                var next = cache;
                do
                {
                    output.WriteByte((byte)(next + carry));
                    next = Saturated;
                }
                while (--cacheSize != 0);
                cache = (byte)(low >> CacheShift);
            }
            cacheSize++;
            low = (low & LowMask) << ShiftBits;
        }
    }
}
