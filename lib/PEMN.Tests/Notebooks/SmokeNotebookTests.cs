using System.Diagnostics;
using PEMN.Notebooks;
using PEMN.Runtime;

namespace PEMN.Tests.Notebooks;

/// <summary>
/// Executes the smoke notebooks headless through scripts/run-notebooks.sh (the runner reproduce.sh
/// uses) at PEMN_SCALE=smoke and checks the executed copies here, independently of the script's own check.
/// </summary>
[Trait("Category", "Notebook")]
public class SmokeNotebookTests
{
    // A cold .NET Interactive kernel start plus package restore takes ~20 s here; leave room on a busy machine.
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    /// <summary>Every notebook of the workbook, so a new notebook is tested without a change here.</summary>
    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Path.Combine(Repository.Find(), "notebooks"), "*.ipynb").Order())
            data.Add(Path.GetFileName(path));
        return data;
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void NotebookRunsCleanAtSmokeScaleAndDrawsAnOfflineChart(string notebook)
    {
        var root = Repository.Find();
        var source = Path.Combine(root, "notebooks", notebook);
        Assert.Contains(ExecutedNotebook.Load(source).Kernel, new[] { ".net-csharp", ".net-fsharp" });
        Assert.Empty(ExecutedNotebook.Load(source).HtmlOutputs); // committed clean

        var output = Directory.CreateTempSubdirectory("pemn-notebook-");
        try
        {
            var (exitCode, log) = Run(Path.Combine(root, "scripts", "run-notebooks.sh"), output.FullName, "--out", output.FullName, source);
            var executed = Path.Combine(output.FullName, notebook);
            // The runner's per-notebook log sits in the temporary folder deleted below: quote its end here.
            var runnerLog = Path.Combine(output.FullName, Path.ChangeExtension(notebook, ".log"));
            Assert.True(File.Exists(executed), $"no executed copy; runner said:\n{log}\n" +
                (File.Exists(runnerLog) ? string.Join("\n", File.ReadLines(runnerLog).TakeLast(30)) : "(no log)"));
            var result = ExecutedNotebook.Load(executed);
            Assert.Empty(result.Errors);
            Assert.Contains(result.HtmlOutputs, h => h.Contains("PEMN notebook: scale=smoke", StringComparison.Ordinal));
            var charts = result.PlotlyCharts.ToList();
            Assert.NotEmpty(charts);
            Assert.All(charts, c => Assert.True(ExecutedNotebook.EmbedsPlotlyJs(c), "chart loads plotly.js from a CDN"));
            Assert.True(exitCode == 0, $"runner exit code {exitCode}:\n{log}");
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    private static (int ExitCode, string Log) Run(string file, string results, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment[NotebookEnvironment.ScaleVariable] = "smoke";
        // Smoke runs write their records to the temporary folder, never into the repository's results/.
        info.Environment[NotebookEnvironment.ResultsVariable] = results;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish within {Timeout}.");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
