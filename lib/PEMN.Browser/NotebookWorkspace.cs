namespace PEMN.Browser;

/// <summary>
/// A temporary working copy of notebooks laid out as the repository is, so that a notebook run in the browser finds
/// what it finds in <c>notebooks/</c> and nothing committed is touched (the UI saves, autosaves and writes checkpoints
/// into the folder it serves). The copy holds the notebooks themselves; the rest is linked:
/// <c>notebooks/setup</c> (their <c>#!import</c>), <c>lib</c> (the set-up's <c>#r "../lib/..."</c>), <c>.config</c>
/// (the kernelspec runs the repository's pinned <c>dotnet interactive</c>, a local tool found from the working folder)
/// and <c>global.json</c>. Deleted on dispose.
/// </summary>
public sealed class NotebookWorkspace : IDisposable
{
    /// <summary>The file that marks the repository root (PEMN.Runtime.Repository.MarkerFile).</summary>
    public const string RepositoryMarker = "PEMN.Notebooks.sln";

    private static readonly string[] LinkedFromRoot = ["lib", ".config", "global.json"];
    private const string SetupFolder = "setup";

    private NotebookWorkspace(string root, string repository, IReadOnlyList<string> notebooks)
    {
        Root = root;
        Repository = repository;
        Notebooks = notebooks;
    }

    /// <summary>The temporary folder; the Jupyter server serves it.</summary>
    public string Root { get; }
    /// <summary>The repository the notebooks come from.</summary>
    public string Repository { get; }
    /// <summary>The copies' paths relative to <see cref="Root"/>, with '/' (as Jupyter's URLs name them), in the order given.</summary>
    public IReadOnlyList<string> Notebooks { get; }
    /// <summary>The folder the copies are in, as <c>notebooks/</c> is in the repository.</summary>
    public string NotebookFolder => System.IO.Path.Combine(Root, "notebooks");

    /// <summary>
    /// Copies <paramref name="notebooks"/> (files in the repository's <c>notebooks/</c> folder) into a new temporary folder.
    /// </summary>
    /// <exception cref="ArgumentException">No notebook given, two with one name, or one not of a repository's <c>notebooks/</c>.</exception>
    /// <exception cref="FileNotFoundException">A notebook does not exist.</exception>
    public static NotebookWorkspace Create(IReadOnlyList<string> notebooks)
    {
        if (notebooks.Count == 0) throw new ArgumentException("No notebook to check: name at least one .ipynb file.", nameof(notebooks));
        string? repository = null;
        foreach (var notebook in notebooks)
        {
            if (!File.Exists(notebook)) throw new FileNotFoundException($"Notebook '{notebook}' does not exist.", notebook);
            if (!notebook.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"'{notebook}' is not a notebook (.ipynb).", nameof(notebooks));
            var folder = Directory.GetParent(Path.GetFullPath(notebook))!;
            var root = folder.Parent?.FullName;
            if (folder.Name != "notebooks" || root is null || !File.Exists(Path.Combine(root, RepositoryMarker)))
                throw new ArgumentException(
                    $"'{notebook}' is not in a repository's notebooks/ folder (beside {RepositoryMarker}): its set-up cell could not find the library.", nameof(notebooks));
            if (repository is not null && repository != root)
                throw new ArgumentException($"'{notebook}' is from {root}, the others from {repository}: check one repository at a time.", nameof(notebooks));
            repository = root;
        }
        var names = notebooks.Select(Path.GetFileName).ToList();
        if (names.Distinct().Count() != names.Count)
            throw new ArgumentException($"A notebook is named twice: {string.Join(", ", names)}.", nameof(notebooks));

        var temp = Directory.CreateTempSubdirectory("pemn-browser-").FullName;
        try
        {
            var notebookFolder = Directory.CreateDirectory(Path.Combine(temp, "notebooks")).FullName;
            foreach (var notebook in notebooks) File.Copy(notebook, Path.Combine(notebookFolder, Path.GetFileName(notebook)));
            Link(Path.Combine(repository!, "notebooks", SetupFolder), Path.Combine(notebookFolder, SetupFolder));
            foreach (var entry in LinkedFromRoot) Link(Path.Combine(repository!, entry), Path.Combine(temp, entry));
            return new NotebookWorkspace(temp, repository!, names.Select(n => $"notebooks/{n}").ToList());
        }
        catch
        {
            Directory.Delete(temp, recursive: true);
            throw;
        }
    }

    // What the repository lacks is not linked: the notebook then fails as it would in the repository.
    private static void Link(string target, string link)
    {
        if (Directory.Exists(target)) Directory.CreateSymbolicLink(link, target);
        else if (File.Exists(target)) File.CreateSymbolicLink(link, target);
    }

    /// <summary>Deletes the copy (the links only, never what they point at).</summary>
    public void Dispose()
    {
        // Directory.Delete removes a symbolic link to a folder without following it.
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}
