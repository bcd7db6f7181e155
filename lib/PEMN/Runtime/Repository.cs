namespace PEMN.Runtime;

/// <summary>
/// Finds the repository root, so that notebooks, the CLI and data lookup use paths that do not depend on the
/// process's working folder (Jupyter starts kernels in the notebook's folder, dotnet-repl in the caller's).
/// </summary>
public static class Repository
{
    /// <summary>The file that marks the repository root.</summary>
    public const string MarkerFile = "PEMN.Notebooks.sln";

    /// <summary>Environment variable naming the repository root (set by the scripts; optional).</summary>
    public const string RootVariable = "PEMN_ROOT";

    /// <summary>
    /// The root named by <c>PEMN_ROOT</c> when set, else the first folder holding <see cref="MarkerFile"/>
    /// walking up from each start folder in turn (by default: the working folder, then this assembly's folder).
    /// Throws when none is found, saying how to fix it.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">No root was found, or PEMN_ROOT names a folder without the marker.</exception>
    public static string Find(params string[] startDirectories) =>
        TryFind(startDirectories) ?? throw new DirectoryNotFoundException(
            $"No {MarkerFile} above {string.Join(" or ", Starts(startDirectories))}; set {RootVariable} to the repository root.");

    /// <summary>As <see cref="Find"/>, but null when no root is found.</summary>
    /// <exception cref="DirectoryNotFoundException">PEMN_ROOT names a folder without the marker.</exception>
    public static string? TryFind(params string[] startDirectories)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(RootVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            var root = Path.GetFullPath(fromEnvironment);
            if (!File.Exists(Path.Combine(root, MarkerFile)))
                throw new DirectoryNotFoundException(
                    $"{RootVariable} = '{fromEnvironment}' does not hold {MarkerFile}; unset it or point it at the repository root.");
            return root;
        }
        foreach (var start in Starts(startDirectories))
            if (Above(start) is { } root) return root;
        return null;
    }

    /// <summary>The nearest folder at or above <paramref name="start"/> that holds <see cref="MarkerFile"/>, or null.</summary>
    public static string? Above(string start)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, MarkerFile))) return dir.FullName;
        return null;
    }

    private static IEnumerable<string> Starts(string[] given) =>
        (given.Length > 0 ? given : [Directory.GetCurrentDirectory(), AppContext.BaseDirectory, Path.GetDirectoryName(typeof(Repository).Assembly.Location) ?? ""])
        .Where(s => !string.IsNullOrEmpty(s));
}
