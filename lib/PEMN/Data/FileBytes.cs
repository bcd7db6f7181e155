using System.IO.Compression;

namespace PEMN.Data;

/// <summary>Reads a whole data file, gunzipping it when it starts with the gzip magic bytes.</summary>
public static class FileBytes
{
    // The two bytes every gzip member starts with (RFC 1952).
    private const byte GzipMagic0 = 0x1f, GzipMagic1 = 0x8b;

    /// <summary>The file's content (decompressed if gzip); a <see cref="DataSetException"/> naming the file on any failure.</summary>
    public static byte[] Read(string path)
    {
        if (!File.Exists(path)) throw new DataSetException($"Missing file {path}.");
        try
        {
            var raw = File.ReadAllBytes(path);
            if (raw.Length < 2 || raw[0] != GzipMagic0 || raw[1] != GzipMagic1) return raw;
            using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
            using var output = new MemoryStream();
            gzip.CopyTo(output);
            return output.ToArray();
        }
        catch (Exception e) when (e is InvalidDataException or IOException or EndOfStreamException)
        {
            throw new DataSetException($"{path}: cannot read it ({e.Message}); expected a complete file (plain or gzip).", e);
        }
    }
}
