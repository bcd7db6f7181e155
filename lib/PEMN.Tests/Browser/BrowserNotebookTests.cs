using System.Text.Json;
using PEMN.Browser;
using PEMN.Runtime;

namespace PEMN.Tests.Browser;

/// <summary>
/// The real-browser test of the notebooks (PEMN.Browser): Jupyter Notebook from Debian's package, Debian's Chromium driven
/// by Playwright through Kernel &gt; Restart &amp; Run All, at smoke scale, for one C# and one F# notebook; and a broken
/// notebook to prove the check fails where it must. Screenshots are kept in .state/test-results/browser/.
/// </summary>
[Trait("Category", "Notebook")]
[Trait("Category", "Browser")]
public class BrowserNotebookTests
{
    // The smoke notebooks: the cheapest real ones (the set-up, TorchSharp, a masked ConvMixer, a chart, a Deedle frame).
    [Theory]
    [InlineData("smoke_csharp.ipynb")]
    [InlineData("smoke_fsharp.ipynb")]
    public async Task NotebookRunsCleanInChromiumAndDrawsItsCharts(string notebook)
    {
        var root = Repository.Find();
        var results = Directory.CreateTempSubdirectory("pemn-browser-results-");
        try
        {
            // Smoke runs write their records to a temporary folder, never into the repository's results/.
            var options = new BrowserCheckOptions(Screenshots(root)) { Scale = "smoke", ResultsFolder = results.FullName };
            var report = Assert.Single(await BrowserCheck.RunAsync([Path.Combine(root, "notebooks", notebook)], options));

            Assert.True(report.Passed, string.Join("\n", report.Problems));
            var code = report.Cells.Where(c => c.IsCode).ToList();
            Assert.Equal(CodeCells(Path.Combine(root, "notebooks", notebook)), code.Count);
            Assert.All(code, c => Assert.NotNull(c.ExecutionCount));
            Assert.Contains(report.Charts, c => c.DrewPoints);
            AssertPng(report.Screenshot);
        }
        finally
        {
            results.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task BrokenNotebookFailsNamingTheErrorCellAndTheChartThatDidNotDraw()
    {
        var repository = Directory.CreateTempSubdirectory("pemn-browser-repo-");
        try
        {
            // A repository of one notebook that needs no set-up: the kernel (the pinned dotnet interactive) from the real one.
            var root = Repository.Find();
            File.WriteAllText(Path.Combine(repository.FullName, Repository.MarkerFile), "");
            Directory.CreateSymbolicLink(Path.Combine(repository.FullName, ".config"), Path.Combine(root, ".config"));
            File.CreateSymbolicLink(Path.Combine(repository.FullName, "global.json"), Path.Combine(root, "global.json"));
            var notebook = Path.Combine(Directory.CreateDirectory(Path.Combine(repository.FullName, "notebooks")).FullName, "broken.ipynb");
            WriteNotebook(notebook,
                "display(HTML(\"<div class=\\\"pemn-chart\\\">no plot here</div>\"));",
                "1 + 1",
                "throw new System.InvalidOperationException(\"broken on purpose\");");
            // A chart container that never gets a plot: no need to wait long for plotly.js.
            var options = new BrowserCheckOptions(Screenshots(root)) { ChartDrawTimeout = TimeSpan.FromSeconds(2) };

            var report = Assert.Single(await BrowserCheck.RunAsync([notebook], options));

            Assert.False(report.Passed);
            Assert.Contains(report.Problems, p => p.StartsWith("broken.ipynb: cell 2 (In [3]: `throw new", StringComparison.Ordinal)
                && p.Contains("error output: System.InvalidOperationException: broken on purpose", StringComparison.Ordinal));
            Assert.Contains(report.Problems, p => p.StartsWith("broken.ipynb: cell 0", StringComparison.Ordinal)
                && p.Contains("chart 1 of 1 did not draw", StringComparison.Ordinal));
            Assert.Equal(2, report.Problems.Count);
            AssertPng(report.Screenshot);
        }
        finally
        {
            repository.Delete(recursive: true);
        }
    }

    private static string Screenshots(string root) => Path.Combine(root, ".state", "test-results", "browser");

    private static int CodeCells(string notebook)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(notebook));
        return doc.RootElement.GetProperty("cells").EnumerateArray().Count(c => c.GetProperty("cell_type").GetString() == "code");
    }

    private static void AssertPng(string? path)
    {
        Assert.NotNull(path);
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 8 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', $"{path} is not a PNG");
    }

    private static void WriteNotebook(string path, params string[] cells)
    {
        var notebook = new
        {
            cells = cells.Select((source, i) => new { cell_type = "code", execution_count = (int?)null, id = $"cell{i}", metadata = new { }, outputs = Array.Empty<object>(), source }),
            metadata = new { kernelspec = new { display_name = ".NET (C#)", language = "C#", name = ".net-csharp" }, language_info = new { name = "C#" } },
            nbformat = 4,
            nbformat_minor = 5,
        };
        File.WriteAllText(path, JsonSerializer.Serialize(notebook));
    }
}
