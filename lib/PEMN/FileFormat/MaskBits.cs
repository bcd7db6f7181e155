using System.Numerics;

namespace PEMN.FileFormat;

/// <summary>
/// A binary mask of one layer, flattened in row-major (C) order and packed 8 entries per byte,
/// least significant bit first: entry i is bit (i mod 8) of byte i / 8. Bits past the end of the last
/// byte are 0, so two equal masks have equal bytes. Immutable; equality compares the entries.
/// </summary>
public sealed class MaskBits : IEquatable<MaskBits>
{
    /// <summary>Entries per packed byte.</summary>
    public const int BitsPerByte = 8;

    /// <summary>The largest mask a byte array can hold.</summary>
    public static readonly long MaxLength = (long)Array.MaxLength * BitsPerByte;

    private readonly byte[] packed;

    private MaskBits(long length, byte[] packed)
    {
        Length = length;
        this.packed = packed;
    }

    /// <summary>Number of entries.</summary>
    public long Length { get; }

    /// <summary>The packed entries (read-only view).</summary>
    public ReadOnlySpan<byte> Packed => packed;

    /// <summary>Bytes that hold <paramref name="length"/> packed entries: ceil(length / 8).</summary>
    public static long PackedBytes(long length) => (length + BitsPerByte - 1) / BitsPerByte;

    /// <summary>Entry <paramref name="index"/> (no range check beyond the array's own).</summary>
    public bool this[long index] => (packed[index >> 3] >> (int)(index & 7) & 1) != 0;

    /// <summary>A mask from one bool per entry.</summary>
    public static MaskBits FromBools(ReadOnlySpan<bool> entries)
    {
        var bytes = new byte[PackedBytes(entries.Length)];
        for (var i = 0; i < entries.Length; i++)
            if (entries[i]) bytes[i >> 3] |= (byte)(1 << (i & 7));
        return new MaskBits(entries.Length, bytes);
    }

    /// <summary>A mask from 0/1 values (any non-zero float counts as kept), e.g. a mask tensor's data.</summary>
    public static MaskBits FromValues(ReadOnlySpan<float> values)
    {
        var bytes = new byte[PackedBytes(values.Length)];
        for (var i = 0; i < values.Length; i++)
            if (values[i] != 0) bytes[i >> 3] |= (byte)(1 << (i & 7));
        return new MaskBits(values.Length, bytes);
    }

    /// <summary>
    /// A mask from packed bytes (copied). Returns null with a reason when the byte count is not
    /// ceil(<paramref name="length"/> / 8) or a bit past the last entry is set.
    /// </summary>
    public static MaskBits? TryFromPacked(long length, ReadOnlySpan<byte> bytes, out string? error)
    {
        error = null;
        if (length < 0 || length > MaxLength)
        {
            error = $"length {length} is outside [0, {MaxLength}]";
            return null;
        }
        if (bytes.Length != PackedBytes(length))
        {
            error = $"{length} entries need {PackedBytes(length)} bytes, not {bytes.Length}";
            return null;
        }
        var tail = (int)(length % BitsPerByte);
        if (tail != 0 && (bytes[^1] >> tail) != 0)
        {
            error = $"bits past entry {length} in the last byte are set (0x{bytes[^1]:X2}); they must be 0";
            return null;
        }
        return new MaskBits(length, bytes.ToArray());
    }

    /// <summary>Wraps a packed array the caller hands over (not copied); the caller guarantees the padding bits are 0.</summary>
    internal static MaskBits Own(long length, byte[] bytes) => new(length, bytes);

    /// <summary>Entries that are 1 (kept).</summary>
    public long CountOnes()
    {
        long ones = 0;
        foreach (var b in packed) ones += BitOperations.PopCount(b);
        return ones;
    }

    /// <summary>One bool per entry.</summary>
    public bool[] ToBools()
    {
        var result = new bool[Length];
        for (var i = 0L; i < Length; i++) result[i] = this[i];
        return result;
    }

    /// <summary>One float per entry, 1 for kept and 0 for dropped: the form a mask tensor takes.</summary>
    public float[] ToValues()
    {
        var result = new float[Length];
        for (var i = 0L; i < Length; i++) result[i] = this[i] ? 1f : 0f;
        return result;
    }

    /// <inheritdoc/>
    public bool Equals(MaskBits? other) =>
        other is not null && Length == other.Length && packed.AsSpan().SequenceEqual(other.packed);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as MaskBits);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Length);
        hash.AddBytes(packed);
        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => $"MaskBits({CountOnes()} of {Length} kept)";
}
