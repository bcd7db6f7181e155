using System.Security.Cryptography;

namespace PEMN.Data;

/// <summary>File checksums as lower-case hex.</summary>
public static class Checksums
{
    /// <summary>MD5 of the file.</summary>
    public static string Md5(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(MD5.HashData(file));
    }

    /// <summary>SHA-256 of the file.</summary>
    public static string Sha256(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    /// <summary>Throws a <see cref="DataSetException"/> naming the file, the expected and the actual checksum on a mismatch.</summary>
    public static void Verify(string path, DownloadSource source)
    {
        if (source.Md5 is { } md5 && Md5(path) is var actualMd5 && !string.Equals(actualMd5, md5, StringComparison.OrdinalIgnoreCase))
            throw new DataSetException($"{path}: MD5 {actualMd5} does not match the official {md5} of {source.Url}; the download is corrupt or not the official file.");
        if (source.Sha256 is { } sha && Sha256(path) is var actualSha && !string.Equals(actualSha, sha, StringComparison.OrdinalIgnoreCase))
            throw new DataSetException($"{path}: SHA-256 {actualSha} does not match the expected {sha} of {source.Url}; the download is corrupt or not the official file.");
    }
}
