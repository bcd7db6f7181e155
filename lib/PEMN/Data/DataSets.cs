using PEMN.Runtime;

namespace PEMN.Data;

/// <summary>
/// Finds, (optionally) downloads and reads a data set. A folder that holds every required file is read
/// (a corrupt file there is an error, never a silent fallback); when none does, the files are downloaded
/// into the primary folder if a downloader is given and the source answers, with checksums verified;
/// otherwise the error names the folder and the exact files to put there.
/// </summary>
public static class DataSets
{
    /// <summary>Loads both splits of <paramref name="name"/>.</summary>
    /// <param name="name">The data set.</param>
    /// <param name="locator">Where to look; default <see cref="DataLocator.FromEnvironment"/>.</param>
    /// <param name="downloader">How to fetch missing files; null (the default) never touches the network.</param>
    /// <param name="spec">The layout and sources; default <see cref="DataSetCatalog.Get"/> (tests inject their own sources).</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not read from files (synthetic data).</exception>
    public static DataSplits Load(DataSetName name, DataLocator? locator = null, IDownloader? downloader = null, DataSetSpec? spec = null)
    {
        locator ??= DataLocator.FromEnvironment();
        spec ??= DataSetCatalog.Get(name);
        if (spec.Reader is null)
            throw new ArgumentException($"data set {Names.Of(name)} is generated in memory, not read from files; allowed here: " +
                string.Join(", ", Enum.GetValues<DataSetName>().Where(n => DataSetCatalog.Get(n).OnDisk).Select(Names.Of)) + ".", nameof(name));
        var folder = Locate(name, locator, spec) ?? Download(name, locator, spec, downloader);
        var (train, test) = spec.Reader(folder);
        return new DataSplits(name, train, test, folder);
    }

    /// <summary>The first candidate folder holding every required file, or null.</summary>
    public static string? Locate(DataSetName name, DataLocator locator, DataSetSpec? spec = null)
    {
        spec ??= DataSetCatalog.Get(name);
        return locator.Candidates(name).FirstOrDefault(folder => Directory.Exists(folder) && spec.Missing(folder).Count == 0);
    }

    /// <summary>
    /// Checks, before any compute and without decoding images, that <paramref name="name"/> can be loaded: a candidate folder
    /// holds every required file and each can be opened for reading. With <paramref name="downloads"/> a missing set passes
    /// (it will be fetched). Synthetic data always passes.
    /// </summary>
    /// <exception cref="DataSetException">The set is missing (the message names the folders, the files and where to get them) or
    /// a file cannot be read (the message names it).</exception>
    public static void Verify(DataSetName name, DataLocator? locator = null, bool downloads = false, DataSetSpec? spec = null)
    {
        locator ??= DataLocator.FromEnvironment();
        spec ??= DataSetCatalog.Get(name);
        if (spec.Reader is null) return;
        var folder = Locate(name, locator, spec);
        if (folder is null)
        {
            if (downloads) return;
            throw MissingError(name, locator, spec, locator.PrimaryFolder(name), "downloads are off");
        }
        foreach (var relative in spec.RequiredFiles.Where(f => !f.EndsWith('/')))
        {
            var path = DataSetSpec.Find(folder, relative)!;
            try
            {
                using var stream = File.OpenRead(path);
                stream.ReadByte();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new DataSetException($"{path}: cannot be read ({e.Message}); expected a readable file.", e);
            }
        }
    }

    private static string Download(DataSetName name, DataLocator locator, DataSetSpec spec, IDownloader? downloader)
    {
        var target = locator.PrimaryFolder(name);
        if (downloader is null || spec.Sources.Count == 0 || !downloader.IsReachable(spec.Sources[0].Url))
            throw MissingError(name, locator, spec, target, downloader is null ? "downloads are off" : "the official source is not reachable");
        Directory.CreateDirectory(target);
        foreach (var source in spec.Sources)
        {
            source.Validate();
            var destination = Path.Combine(target, source.FileName);
            var partial = destination + ".part";
            try
            {
                downloader.Download(source.Url, partial);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
            {
                File.Delete(partial);
                throw new DataSetException($"Downloading {source.Url} to {destination} failed ({e.Message}).", e);
            }
            try { Checksums.Verify(partial, source); }
            catch (DataSetException) { File.Delete(partial); throw; }
            File.Move(partial, destination, overwrite: true);
            ArchiveExtractor.Extract(destination, source.Archive, target);
        }
        var missing = spec.Missing(target);
        if (missing.Count > 0)
            throw new DataSetException($"{target}: after downloading and extracting the official files, still missing: {string.Join(", ", missing)}.");
        return target;
    }

    private static DataSetException MissingError(DataSetName name, DataLocator locator, DataSetSpec spec, string target, string why)
    {
        var present = Directory.Exists(target) ? spec.Missing(target) : spec.RequiredFiles;
        var lines = new List<string>
        {
            $"Data set {Names.Of(name)} not found ({why}). Looked in: {string.Join(", ", locator.Candidates(name))}.",
            $"Put these files in {target} (or point {DataLocator.EnvironmentVariable} or data.data_dir at a folder holding {Names.Of(name)}/):",
        };
        lines.AddRange(present.Select(f => "  " + f + (f.EndsWith(".gz", StringComparison.Ordinal) ? " (or unzipped)" : "")));
        // A folder where a file should be (an archive extracted into a folder of the file's name) reads as "missing": say so.
        foreach (var misplaced in locator.Candidates(name).Where(Directory.Exists)
                     .SelectMany(c => spec.RequiredFiles.Where(f => !f.EndsWith('/')).Select(f => Path.Combine(c, f)))
                     .Where(Directory.Exists))
            lines.Add($"  {misplaced} is a folder; expected a file of that name.");
        lines.Add("Official source(s): " + string.Join(", ", spec.Sources.Select(s => s.Archive == ArchiveKind.None ? s.Url.ToString() : $"{s.Url} (extract it there)")));
        return new DataSetException(string.Join(Environment.NewLine, lines));
    }
}

/// <summary>A data set's training and test splits and the folder they were read from.</summary>
/// <param name="Name">Which data set.</param>
/// <param name="Train">The training split.</param>
/// <param name="Test">The test split (Tiny-ImageNet: the labelled validation split).</param>
/// <param name="Folder">Where the files were found.</param>
public sealed record DataSplits(DataSetName Name, ImageDataSet Train, ImageDataSet Test, string Folder)
{
    /// <summary>The normalisation constants of this data set.</summary>
    public Normalization Normalization => DataSetCatalog.Get(Name).Normalization!;
}

/// <summary>
/// A data set could not be found, downloaded or read. The message names the file (or folder) and what
/// was expected, so that the same text helps whether it comes from <c>pemn data</c> or from training.
/// </summary>
public sealed class DataSetException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the file and what was expected.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public DataSetException(string message, Exception? inner = null) : base(message, inner) { }
}
