using PEMN.Runtime;

namespace PEMN.Data;

/// <summary>
/// Where data sets are looked for, in order: an explicit data folder if given (alone); otherwise the
/// folder in the PEMN_DATA environment variable, else data/ under the repository root; then, for
/// Fashion-MNIST, the folder Debian's dataset-fashion-mnist package installs. Each root is tried as
/// ROOT/&lt;dataset&gt;/ (the data set's canonical name, e.g. fashion_mnist, or its older hyphenated spelling,
/// fashion-mnist); an explicit folder is also tried as itself, so it may name the data set's own folder (shared
/// roots are not, since MNIST and Fashion-MNIST use the same file names).
/// </summary>
/// <param name="DataDir">An explicit data root (data.data_dir), or null.</param>
/// <param name="EnvironmentDir">The value of PEMN_DATA, or null.</param>
/// <param name="RepositoryRoot">The repository root (holding PEMN.Notebooks.sln), or null.</param>
/// <param name="SystemFallback">Whether to look in the system package folders.</param>
public sealed record DataLocator(string? DataDir, string? EnvironmentDir, string? RepositoryRoot, bool SystemFallback = true)
{
    /// <summary>The environment variable that overrides the data root.</summary>
    public const string EnvironmentVariable = "PEMN_DATA";
    /// <summary>The folder of Debian's dataset-fashion-mnist package (IDX .gz files).</summary>
    public const string DebianFashionMnist = "/usr/share/datasets/fashion-mnist";

    /// <summary>The locator of this process: <paramref name="dataDir"/>, PEMN_DATA and the repository found from the current folder.</summary>
    public static DataLocator FromEnvironment(string? dataDir = null) =>
        new(dataDir, Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env ? env : null,
            Repository.Above(Environment.CurrentDirectory) ?? Repository.Above(AppContext.BaseDirectory));

    /// <summary>The data root used first: the explicit folder, PEMN_DATA, repo/data, or ./data.</summary>
    public string PrimaryRoot =>
        DataDir ?? EnvironmentDir ?? Path.Combine(RepositoryRoot ?? Environment.CurrentDirectory, "data");

    /// <summary>The folder downloads go to and the error message names: PRIMARY/&lt;dataset&gt;.</summary>
    public string PrimaryFolder(DataSetName name) => Path.GetFullPath(Path.Combine(PrimaryRoot, Names.Of(name)));

    /// <summary>Every folder to try for <paramref name="name"/>, in order, without duplicates.</summary>
    public IReadOnlyList<string> Candidates(DataSetName name)
    {
        // The hyphenated folder name (fashion-mnist, tiny-imagenet) is how these folders were named before.
        var list = new List<string> { PrimaryFolder(name), Path.GetFullPath(Path.Combine(PrimaryRoot, Names.Of(name).Replace('_', '-'))) };
        if (DataDir is not null) list.Add(Path.GetFullPath(DataDir));
        if (DataDir is null && SystemFallback && name == DataSetName.FashionMnist) list.Add(DebianFashionMnist);
        return list.Distinct().ToArray();
    }
}
