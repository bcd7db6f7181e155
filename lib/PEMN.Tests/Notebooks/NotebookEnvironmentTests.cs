using PEMN.Configuration;
using PEMN.Notebooks;
using PEMN.Runtime;

namespace PEMN.Tests.Notebooks;

public class NotebookEnvironmentTests
{
    [Theory]
    [InlineData("smoke", Scale.Smoke)]
    [InlineData(" Quick ", Scale.Quick)]
    [InlineData("PAPER", Scale.Paper)]
    [InlineData(null, Scales.Default)]
    [InlineData("", Scales.Default)]
    public void ScaleParsesCaseInsensitively(string? value, Scale expected) =>
        Assert.Equal(expected, NotebookEnvironment.ParseScale(value));

    [Fact]
    public void UnknownScaleNamesTheVariableAndTheAllowedValues()
    {
        var error = Assert.Throws<ArgumentException>(() => NotebookEnvironment.ParseScale("huge"));
        Assert.Contains("PEMN_SCALE", error.Message);
        Assert.Contains("'huge'", error.Message);
        Assert.Contains("smoke, quick, paper", error.Message);
    }

    [Fact]
    public void RepoRootIsFoundByWalkingUpFromANestedFolder()
    {
        var root = Directory.CreateTempSubdirectory("pemn-root-");
        try
        {
            File.WriteAllText(Path.Combine(root.FullName, Repository.MarkerFile), "");
            var nested = Directory.CreateDirectory(Path.Combine(root.FullName, "a", "b"));
            var saved = Environment.GetEnvironmentVariable(Repository.RootVariable);
            Environment.SetEnvironmentVariable(Repository.RootVariable, null);
            try { Assert.Equal(root.FullName, Repository.Find(nested.FullName)); }
            finally { Environment.SetEnvironmentVariable(Repository.RootVariable, saved); }
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void NoMarkerAboveTheStartFolderIsAnErrorThatSaysWhatToSet()
    {
        var saved = Environment.GetEnvironmentVariable(Repository.RootVariable);
        Environment.SetEnvironmentVariable(Repository.RootVariable, null);
        try
        {
            var error = Assert.Throws<DirectoryNotFoundException>(() => Repository.Find("/proc/self"));
            Assert.Contains("PEMN_ROOT", error.Message);
        }
        finally { Environment.SetEnvironmentVariable(Repository.RootVariable, saved); }
    }

    [Fact]
    public void NativeLibrariesLoadFromAbsolutePathsWrapperLast()
    {
        var paths = NativeTorchLoader.EnsureLoaded();
        if (!OperatingSystem.IsLinux()) { Assert.Empty(paths); return; }
        Assert.All(paths, p => Assert.True(Path.IsPathRooted(p) && File.Exists(p), p));
        Assert.Equal(NativeTorchLoader.Wrapper, Path.GetFileName(paths[^1]));
        Assert.Same(paths, NativeTorchLoader.EnsureLoaded());
    }

    [Fact]
    public void InitializeFindsTheRepositoryAndReadsTheScale()
    {
        var saved = Environment.GetEnvironmentVariable(NotebookEnvironment.ScaleVariable);
        Environment.SetEnvironmentVariable(NotebookEnvironment.ScaleVariable, "paper");
        try
        {
            var session = NotebookEnvironment.Initialize();
            Assert.True(File.Exists(Path.Combine(session.RepoRoot, Repository.MarkerFile)));
            Assert.Equal(Scale.Paper, session.Scale);
            Assert.Equal(Path.Combine(session.RepoRoot, "results"), session.ResultsDirectory);
            Assert.Contains("scale=paper", session.ToString());
            Assert.Same(session.NativeLibraries, NotebookEnvironment.Initialize().NativeLibraries);
        }
        finally { Environment.SetEnvironmentVariable(NotebookEnvironment.ScaleVariable, saved); }
    }
}
