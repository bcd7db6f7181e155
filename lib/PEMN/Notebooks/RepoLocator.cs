namespace PEMN.Notebooks;

/// <summary>
/// Finds the repository root, so notebooks and scripts use paths that do not depend on the process's
/// working directory (Jupyter starts kernels in the notebook's folder, dotnet-repl in the caller's).
/// </summary>
public static class RepoLocator
{
    /// <summary>The file that marks the repository root.</summary>
    public const string MarkerFile = "PEMN.Notebooks.sln";

    /// <summary>
    /// The root named by <c>PEMN_ROOT</c> when set, else the first folder holding <see cref="MarkerFile"/>
    /// walking up from each start folder in turn (by default: the working directory, then this assembly's folder).
    /// Throws when none is found, saying how to fix it.
    /// </summary>
    public static string Find(params string[] startDirectories)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(NotebookEnvironment.RootVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            var root = Path.GetFullPath(fromEnvironment);
            if (!File.Exists(Path.Combine(root, MarkerFile)))
                throw new DirectoryNotFoundException(
                    $"{NotebookEnvironment.RootVariable} = '{fromEnvironment}' does not hold {MarkerFile}; unset it or point it at the repository root.");
            return root;
        }
        var starts = startDirectories.Length > 0
            ? startDirectories
            : [Directory.GetCurrentDirectory(), AppContext.BaseDirectory, Path.GetDirectoryName(typeof(RepoLocator).Assembly.Location) ?? ""];
        foreach (var start in starts.Where(s => !string.IsNullOrEmpty(s)))
        {
            for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, MarkerFile)))
                    return dir.FullName;
        }
        throw new DirectoryNotFoundException(
            $"No {MarkerFile} above {string.Join(" or ", starts)}; set {NotebookEnvironment.RootVariable} to the repository root.");
    }
}
