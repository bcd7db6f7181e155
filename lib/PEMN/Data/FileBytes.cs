using System.IO.Compression;
using PEMN.Runtime;

namespace PEMN.Data;

/// <summary>Reads a whole data file, gunzipping it when it starts with the gzip magic bytes.</summary>
public static class FileBytes
{
    // The two bytes every gzip member starts with (RFC 1952).
    private const byte GzipMagic0 = 0x1f, GzipMagic1 = 0x8b;
    private const int ChunkBytes = 1 << 16;

    /// <summary>
    /// The file's content (decompressed if gzip); a <see cref="DataSetException"/> naming the file on any failure. The file
    /// and its inflated content are each at most <see cref="DataLimits.MaxFileBytes"/>, checked while reading, so that a
    /// gzip bomb (kilobytes that inflate to gigabytes) or a device file is refused before it fills memory.
    /// </summary>
    public static byte[] Read(string path) => Read(path, DataLimits.MaxFileBytes);

    /// <summary>As <see cref="Read(string)"/> with a limit of <paramref name="maxBytes"/>.</summary>
    public static byte[] Read(string path, long maxBytes)
    {
        if (!File.Exists(path)) throw new DataSetException($"Missing file {path}.");
        try
        {
            using var file = File.OpenRead(path);
            var raw = ReadBounded(file, maxBytes, path, "the file");
            if (raw.Length < 2 || raw[0] != GzipMagic0 || raw[1] != GzipMagic1) return raw;
            using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
            return ReadBounded(gzip, maxBytes, path, "its gzip content");
        }
        catch (Exception e) when (e is InvalidDataException or IOException or EndOfStreamException)
        {
            throw new DataSetException($"{path}: cannot read it ({e.Message}); expected a complete file (plain or gzip).", e);
        }
    }

    private static byte[] ReadBounded(Stream stream, long maxBytes, string path, string what)
    {
        if (stream.CanSeek && stream.Length > maxBytes) throw TooLarge(path, what, stream.Length, maxBytes);
        using var output = new MemoryStream();
        var chunk = new byte[ChunkBytes];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (output.Length + read > maxBytes) throw TooLarge(path, what, output.Length + read, maxBytes);
            output.Write(chunk, 0, read);
        }
        return output.ToArray();
    }

    private static DataSetException TooLarge(string path, string what, long bytes, long maxBytes) =>
        new($"{path}: {what} has at least {bytes} bytes, more than the limit of {maxBytes}; expected a data file of that size at most ({SizeLimits.Advice}).");
}
