using System.Formats.Tar;
using System.IO.Compression;

namespace PEMN.Data;

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
