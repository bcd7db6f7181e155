using System.Text.Json.Nodes;
using PEMN.Cli;
using PEMN.Runs;

namespace PEMN.Tests.Cli;

/// <summary>--out is the folder holding runs/ on every command; the old table form of sweep and ladder keeps working.</summary>
public class RunsOptionsTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "pemn-out-" + Guid.NewGuid().ToString("N"));

    public RunsOptionsTests()
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Grid, """{"preset": "smoke", "grid": {"training.seed": [0, 1]}}""");
    }

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    private string Grid => Path.Combine(folder, "grid.json");

    private static string CsvOf(string stdout) => JsonNode.Parse(stdout)!["csv"]!.GetValue<string>();

    [Fact]
    public void SweepTakesTheFolderAndTheOldTableFormTheSame()
    {
        var runs = Path.Combine(folder, "runs-here");
        var (code, stdout, error) = PemnHarness.Run("sweep", "--grid", Grid, "--out", runs, "--dry-run", "--json");
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Equal(RunsLocation.At(runs).Table, CsvOf(stdout));
        Assert.DoesNotContain("note:", error);

        var old = Path.Combine(runs, RunsLocation.TableName);
        (code, var oldOut, error) = PemnHarness.Run("sweep", "--grid", Grid, "--out", old, "--dry-run", "--json");
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Equal(CsvOf(stdout), CsvOf(oldOut));
        Assert.Contains("the old form", error);
        Assert.Contains($"--out {runs}", error);
    }

    [Fact]
    public void ATableInOutAndAnotherInCsvIsRefused()
    {
        var (code, _, error) = PemnHarness.Run("migrate", "--out", Path.Combine(folder, "a.csv"), "--csv", Path.Combine(folder, "b.csv"));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--out:", error);
        Assert.Contains("allowed: --out FOLDER --csv TABLE", error);
    }

    [Fact]
    public void LocationsJoinPathsInOnePlace()
    {
        var location = RunsLocation.OfPlan(folder, "strategy-ladder", PEMN.Configuration.Scale.Quick);
        Assert.Equal(Path.Combine(folder, "strategy-ladder", "quick", "runs.csv"), location.Table);
        Assert.Equal(Path.Combine(folder, "strategy-ladder", "quick", "runs", "abc"), location.Run("abc").Path);
        Assert.Equal(location, RunsLocation.OfTable(location.Table));
    }
}
