namespace PEMN.Data;

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
