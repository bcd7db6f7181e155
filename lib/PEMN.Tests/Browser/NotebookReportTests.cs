using PEMN.Browser;

namespace PEMN.Tests.Browser;

/// <summary>What counts as a failed notebook, and the inputs the browser check refuses, without a browser.</summary>
public class NotebookReportTests
{
    private static CellReport Code(int index, int? count, params ChartReport[] charts) => new(index, "code", count, $"cell_{index}()", [], charts);

    [Fact]
    public void ACodeCellWithoutExecutionCountNeverRan()
    {
        var cells = new[] { new CellReport(0, "markdown", null, "# Title", [], []), Code(1, 1), Code(2, null) };
        var problem = Assert.Single(NotebookReport.ProblemsOf("nb.ipynb", cells));
        Assert.Equal("nb.ipynb: cell 2 (In [ ]: `cell_2()`): never ran (no execution count)", problem);
    }

    [Fact]
    public void AChartFailsWithoutAPlotOrWithoutDrawnMarks()
    {
        var cells = new[] { Code(0, 1, new ChartReport(Drawn: true, Traces: 2, Marks: 14), new ChartReport(true, 2, 0), new ChartReport(false, 0, 0)) };
        var problems = NotebookReport.ProblemsOf("nb.ipynb", cells).ToList();
        Assert.Equal(2, problems.Count);
        Assert.Contains("chart 2 of 3 did not draw its points (2 traces, no drawn marks in its SVG)", problems[0], StringComparison.Ordinal);
        Assert.Contains("chart 3 of 3 did not draw (no Plotly plot in its output)", problems[1], StringComparison.Ordinal);
    }

    [Fact]
    public void ErrorOutputsAreProblemsNamingTheCell()
    {
        var cells = new[] { new CellReport(3, "code", 2, "var x = 1/0;", ["System.DivideByZeroException: Attempted to divide by zero."], []) };
        Assert.Equal("nb.ipynb: cell 3 (In [2]: `var x = 1/0;`): error output: System.DivideByZeroException: Attempted to divide by zero.",
            Assert.Single(NotebookReport.ProblemsOf("nb.ipynb", cells)));
    }

    [Fact]
    public void OptionsRefuseNonPositiveDurationsNamingThem()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new BrowserCheckOptions("shots") { RunTimeout = TimeSpan.Zero }.Validate());
        Assert.Equal(nameof(BrowserCheckOptions.RunTimeout), e.ParamName);
    }

    [Fact]
    public void WorkspaceRefusesANotebookOutsideARepositorysNotebooksFolder()
    {
        var folder = Directory.CreateTempSubdirectory("pemn-browser-stray-");
        try
        {
            var stray = Path.Combine(folder.FullName, "stray.ipynb");
            File.WriteAllText(stray, "{}");
            var e = Assert.Throws<ArgumentException>(() => NotebookWorkspace.Create([stray]));
            Assert.Contains($"'{stray}' is not in a repository's notebooks/ folder", e.Message, StringComparison.Ordinal);
            Assert.Throws<FileNotFoundException>(() => NotebookWorkspace.Create([Path.Combine(folder.FullName, "missing.ipynb")]));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
