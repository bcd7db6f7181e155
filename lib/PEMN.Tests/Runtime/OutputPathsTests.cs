using PEMN.Runtime;

namespace PEMN.Tests.Runtime;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes
public class OutputPathsTests : IDisposable
{
    private readonly string folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "pemn-outputs-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose()
    {
        foreach (var dir in Directory.GetDirectories(folder, "*", SearchOption.AllDirectories))
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void NewPathsInAWritableFolderPassAndNothingIsCreated()
    {
        OutputPaths.CheckFile(Path.Combine(folder, "a", "b", "runs.csv"));
        OutputPaths.CheckFolder(Path.Combine(folder, "x", "y"));
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }

    [Fact]
    public void FoldersFilesAndReadOnlyPathsAreRefusedNamingThePath()
    {
        var dir = Directory.CreateDirectory(Path.Combine(folder, "dir")).FullName;
        var file = Path.Combine(folder, "file.csv");
        File.WriteAllText(file, "run_id\n");
        Assert.Contains("is a folder", Assert.Throws<OutputPathException>(() => OutputPaths.CheckFile(dir)).Message);
        Assert.Contains("is a file", Assert.Throws<OutputPathException>(() => OutputPaths.CheckFolder(file)).Message);
        Assert.Contains("is a file", Assert.Throws<OutputPathException>(() => OutputPaths.CheckFolder(Path.Combine(file, "sub"))).Message);

        File.SetUnixFileMode(file, UnixFileMode.UserRead);
        var e = Assert.Throws<OutputPathException>(() => OutputPaths.CheckFile(file));
        Assert.Equal(file, e.Path);
        Assert.Contains("read-only", e.Problem);

        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        Assert.Contains("read-only", Assert.Throws<OutputPathException>(() => OutputPaths.CheckFolder(dir)).Message);
        Assert.Contains("cannot be created", Assert.Throws<OutputPathException>(() => OutputPaths.CheckFolder(Path.Combine(dir, "new"))).Message);
        Assert.Contains("read-only", Assert.Throws<OutputPathException>(() => OutputPaths.CheckFile(Path.Combine(dir, "runs.csv"))).Message);
    }
}
