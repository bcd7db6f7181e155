using System.Security.Cryptography;

namespace PEMN.FileFormat;

/// <summary>The digests a PEMN file stores for regenerated data: SHA-256 of the little-endian bytes.</summary>
public static class PemnDigest
{
    /// <summary>SHA-256 of float32 values, little-endian.</summary>
    public static byte[] Of(ReadOnlySpan<float> values)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> buffer = stackalloc byte[sizeof(float)];
        foreach (var v in values)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(buffer, v);
            hash.AppendData(buffer);
        }
        return hash.GetHashAndReset();
    }

    /// <summary>SHA-256 of int64 values, little-endian.</summary>
    public static byte[] Of(ReadOnlySpan<long> values)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> buffer = stackalloc byte[sizeof(long)];
        foreach (var v in values)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(buffer, v);
            hash.AppendData(buffer);
        }
        return hash.GetHashAndReset();
    }
}
