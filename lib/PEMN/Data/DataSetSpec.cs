namespace PEMN.Data;

/// <summary>The shape of a data set's images and its number of classes.</summary>
/// <param name="Channels">Image channels.</param>
/// <param name="Size">Image side in pixels (square images).</param>
/// <param name="Classes">Number of classes.</param>
public sealed record ImageShape(long Channels, long Size, long Classes);

/// <summary>
/// One data set: image shape, class names, normalisation, and what it looks like on disk: the files it needs
/// (relative to its folder), where the official copies are served with their checksums, and how to read it.
/// </summary>
/// <param name="Name">Which data set.</param>
/// <param name="Shape">Images and classes; null for synthetic data, which takes the model's shape.</param>
/// <param name="Normalization">Per-channel constants of its training split; null for synthetic data (generated standardised).</param>
/// <param name="ClassNames">Class names in label order (empty when the files name them, or for synthetic data).</param>
/// <param name="RequiredFiles">Relative paths that must exist (a trailing '/' marks a folder; a '.gz' file may also be present unzipped).</param>
/// <param name="Sources">Official downloads that produce the required files.</param>
/// <param name="Reader">Reads both splits from a folder holding every required file; null for synthetic data (made in memory).</param>
public sealed record DataSetSpec(
    DataSetName Name,
    ImageShape? Shape,
    Normalization? Normalization,
    IReadOnlyList<string> ClassNames,
    IReadOnlyList<string> RequiredFiles,
    IReadOnlyList<DownloadSource> Sources,
    Func<string, (ImageDataSet Train, ImageDataSet Test)>? Reader)
{
    /// <summary>Whether the data set is read from files (every set but synthetic).</summary>
    public bool OnDisk => Reader is not null;

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

/// <summary>Per-channel mean and standard deviation of a data set's training pixels in [0, 1].</summary>
/// <param name="Mean">One mean per channel.</param>
/// <param name="Std">One standard deviation per channel.</param>
public sealed record Normalization(double[] Mean, double[] Std)
{
    /// <summary>No change: mean 0, std 1 for every one of <paramref name="channels"/> channels.</summary>
    public static Normalization Identity(int channels) =>
        new(Enumerable.Repeat(0.0, channels).ToArray(), Enumerable.Repeat(1.0, channels).ToArray());

    /// <summary>Number of channels.</summary>
    public int Channels => Mean.Length;

    /// <summary>Throws unless mean and std have the same positive length and every std is positive.</summary>
    public Normalization Validate()
    {
        if (Mean.Length == 0 || Mean.Length != Std.Length)
            throw new ArgumentException($"Normalization needs one mean and one std per channel; got {Mean.Length} means and {Std.Length} stds.", nameof(Mean));
        if (Std.Any(s => !double.IsFinite(s) || s <= 0))
            throw new ArgumentOutOfRangeException(nameof(Std), $"Every std must be positive; got [{string.Join(", ", Std)}].");
        return this;
    }
}
