using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace PEMN.Data;

/// <summary>Fetches files from the network; injected so that tests (and offline machines) never touch it.</summary>
public interface IDownloader
{
    /// <summary>True when <paramref name="url"/>'s host answers; false quickly when offline.</summary>
    bool IsReachable(Uri url);
    /// <summary>Saves the content at <paramref name="url"/> to <paramref name="destination"/> (overwritten).</summary>
    void Download(Uri url, string destination);
}

/// <summary>Downloads over HTTP(S) with <see cref="HttpClient"/>.</summary>
public sealed class HttpDownloader : IDownloader
{
    // A reachability probe must fail fast on a machine without network rather than hang the command.
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);
    // Data set archives are up to ~250 MB; allow a slow link.
    private static readonly TimeSpan DownloadTimeout = TimeSpan.FromMinutes(60);

    /// <inheritdoc/>
    public bool IsReachable(Uri url)
    {
        try
        {
            using var client = new HttpClient { Timeout = ProbeTimeout };
            using var request = new HttpRequestMessage(HttpMethod.Head, url);
            using var response = client.Send(request);
            return (int)response.StatusCode < 500;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException or IOException)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public void Download(Uri url, string destination)
    {
        using var client = new HttpClient { Timeout = DownloadTimeout };
        using var response = client.Send(new HttpRequestMessage(HttpMethod.Get, url), HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var body = response.Content.ReadAsStream();
        using var file = File.Create(destination);
        body.CopyTo(file);
    }
}

/// <summary>What to do with a downloaded file.</summary>
public enum ArchiveKind
{
    /// <summary>Keep the file as it is (e.g. IDX .gz files, which the reader gunzips).</summary>
    None,
    /// <summary>A .tar.gz archive extracted into the data folder.</summary>
    TarGz,
    /// <summary>A .zip archive extracted into the data folder.</summary>
    Zip,
}

/// <summary>One official file of a data set and the checksum it must have.</summary>
/// <param name="Url">Where the publisher serves it.</param>
/// <param name="FileName">The name it is saved under in the data folder.</param>
/// <param name="Md5">The publisher's MD5 (lower-case hex), or null.</param>
/// <param name="Sha256">A SHA-256 (lower-case hex), or null; at least one checksum is required.</param>
/// <param name="Archive">Whether to extract it after verification.</param>
public sealed record DownloadSource(Uri Url, string FileName, string? Md5, string? Sha256 = null, ArchiveKind Archive = ArchiveKind.None)
{
    /// <summary>Throws unless a checksum is given and the file name is a plain name.</summary>
    public DownloadSource Validate()
    {
        if (Md5 is null && Sha256 is null)
            throw new ArgumentException($"Download of {FileName} needs an MD5 or SHA-256 checksum; downloads are never trusted unchecked.", nameof(Md5));
        if (FileName.Length == 0 || FileName != Path.GetFileName(FileName))
            throw new ArgumentException($"Download file name '{FileName}' must be a plain file name.", nameof(FileName));
        return this;
    }
}

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

/// <summary>Extracts downloaded archives into a data folder (the extractors refuse entries that escape it).</summary>
public static class ArchiveExtractor
{
    /// <summary>Extracts <paramref name="archive"/> of kind <paramref name="kind"/> into <paramref name="folder"/>.</summary>
    public static void Extract(string archive, ArchiveKind kind, string folder)
    {
        try
        {
            switch (kind)
            {
                case ArchiveKind.None:
                    return;
                case ArchiveKind.TarGz:
                    using (var file = File.OpenRead(archive))
                    using (var gzip = new GZipStream(file, CompressionMode.Decompress))
                        TarFile.ExtractToDirectory(gzip, folder, overwriteFiles: true);
                    return;
                case ArchiveKind.Zip:
                    ZipFile.ExtractToDirectory(archive, folder, overwriteFiles: true);
                    return;
                default:
                    throw new ArgumentOutOfRangeException(nameof(kind), kind, $"Unknown archive kind; allowed: {string.Join(", ", Enum.GetNames<ArchiveKind>())}.");
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new DataSetException($"{archive}: cannot extract it into {folder} ({e.Message}); expected a complete {kind} archive.", e);
        }
    }
}
