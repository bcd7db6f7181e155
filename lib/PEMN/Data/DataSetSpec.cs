namespace PEMN.Data;

/// <summary>
/// What a data set looks like on disk: the files it needs (relative to its folder), where the official
/// copies are served with their checksums, and how to read it.
/// </summary>
/// <param name="Name">Which data set.</param>
/// <param name="RequiredFiles">Relative paths that must exist (a trailing '/' marks a folder; a '.gz' file may also be present unzipped).</param>
/// <param name="Sources">Official downloads that produce the required files.</param>
/// <param name="Reader">Reads both splits from a folder holding every required file.</param>
public sealed record DataSetSpec(
    DataSetName Name,
    IReadOnlyList<string> RequiredFiles,
    IReadOnlyList<DownloadSource> Sources,
    Func<string, (ImageDataSet Train, ImageDataSet Test)> Reader)
{
    /// <summary>The path of a required entry in <paramref name="folder"/> if present (an IDX file may be plain or .gz), else null.</summary>
    public static string? Find(string folder, string relative)
    {
        if (relative.EndsWith('/'))
        {
            var dir = Path.Combine(folder, relative.TrimEnd('/'));
            return Directory.Exists(dir) ? dir : null;
        }
        var path = Path.Combine(folder, relative);
        if (File.Exists(path)) return path;
        const string gzip = ".gz";
        if (path.EndsWith(gzip, StringComparison.Ordinal) && File.Exists(path[..^gzip.Length])) return path[..^gzip.Length];
        return null;
    }

    /// <summary>The required entries absent from <paramref name="folder"/>.</summary>
    public IReadOnlyList<string> Missing(string folder) => RequiredFiles.Where(f => Find(folder, f) is null).ToArray();
}
