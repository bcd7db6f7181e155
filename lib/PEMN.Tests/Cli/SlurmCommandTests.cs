using System.Text.Json.Nodes;
using PEMN.Cli;
using PEMN.Configuration;
using PEMN.Runs;
using PEMN.Sweeps;

namespace PEMN.Tests.Cli;

/// <summary>The Slurm options of the plan commands, without a cluster: what --emit-only writes, and what is refused.</summary>
public class SlurmCommandTests : IDisposable
{
    private readonly string folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "pemn-slurm-cli-" + Guid.NewGuid().ToString("N"))).FullName;
    private string Grid => Path.Combine(folder, "grid.json");
    private string Csv => Path.Combine(folder, "out", "runs.csv");

    public SlurmCommandTests() => File.WriteAllText(Grid, """{ "preset": "smoke", "grid": { "training.seed": [0, 1, 2] } }""");

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void EmitOnlyWritesOneArrayOfThePointsNotCompleteAndSubmitsNothing()
    {
        // Point 1 is complete already: the array leaves it out.
        var plan = SweepPlan.Load(Grid);
        new ExperimentRunner().Run(plan.Runs[1], RunsLocation.OfTable(Csv).Directory, Csv);
        var (code, stdout, error) = PemnHarness.Run("sweep", "--grid", Grid, "--out", Csv, "--slurm", "--emit-only", "--cpus-per-task", "2",
            "--throttle", "1", "--time", "30", "--sbatch", "--qos=short", "--json");
        Assert.True(code == ExitCodes.Ok, error);
        var summary = JsonNode.Parse(stdout)!;
        Assert.Equal([0, 2], summary["submitted"]!.AsArray().Select(n => n!.GetValue<int>()));
        Assert.Empty(summary["jobs"]!.AsArray());
        var script = File.ReadAllText(summary["scripts"]![0]!.GetValue<string>());
        Assert.Contains("#SBATCH --array=0,2%1\n", script);
        Assert.Contains("#SBATCH --time=30\n", script);
        Assert.Contains("#SBATCH --qos=short\n", script);
        var job = summary["job_folder"]!.GetValue<string>();
        Assert.Equal(2, ExperimentJson.Load(Path.Combine(job, "points", "0.json")).Threads);
        Assert.False(File.Exists(Path.Combine(job, "submissions.json")));
        Assert.Single(Directory.GetDirectories(Path.Combine(RunsLocation.OfTable(Csv).Directory, RunsLocation.RunsFolderName))); // nothing trained here
    }

    [Fact]
    public void ARunPrunedFromATrainedParentIsSubmittedAfterTheArrayThatTrainsItsParent()
    {
        File.WriteAllText(Grid, """
            { "preset": "smoke", "base": { "masking": { "keep_fraction": 0.1 } },
              "grid": { "strategy.name": ["dense", "sparse_random", "sparse_magnitude_trained"] } }
            """);
        var (code, stdout, error) = PemnHarness.Run("sweep", "--grid", Grid, "--out", Csv, "--slurm", "--emit-only", "--json");
        Assert.True(code == ExitCodes.Ok, error);
        var summary = JsonNode.Parse(stdout)!;
        Assert.Equal([0, 1], summary["waves"]!.AsArray().Select(n => n!.GetValue<int>()));
        var scripts = summary["scripts"]!.AsArray().Select(n => File.ReadAllText(n!.GetValue<string>())).ToList();
        Assert.Contains("#SBATCH --array=0-1\n", scripts[0]);                     // dense and random pruning at once
        Assert.Contains("#SBATCH --array=0\n", scripts[1]);                       // the fine-tuned child, point 2, after them
        Assert.Contains("point=$((2 + SLURM_ARRAY_TASK_ID))", scripts[1]);
        Assert.Contains("--dependency=afterany", scripts[1]);

        (code, stdout, error) = PemnHarness.Run("sweep", "--grid", Grid, "--out", Csv, "--slurm", "--emit-only");
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Matches(@"submit with: j0=\$\(sbatch --parsable \S+job-0\.sbatch\) && sbatch --dependency=afterany:\$\{j0%%;\*\} \S+job-1\.sbatch", stdout);

        // Once the parent is complete, the child waits for nothing: one array.
        var plan = SweepPlan.Load(Grid);
        new ExperimentRunner().Run(plan.Runs[0], RunsLocation.OfTable(Csv).Directory, Csv);
        (code, stdout, error) = PemnHarness.Run("sweep", "--grid", Grid, "--out", Csv, "--slurm", "--emit-only", "--json");
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Equal([0], JsonNode.Parse(stdout)!["waves"]!.AsArray().Select(n => n!.GetValue<int>()));
        Assert.Equal([1, 2], JsonNode.Parse(stdout)!["submitted"]!.AsArray().Select(n => n!.GetValue<int>()));
    }

    [Theory]
    [InlineData("--collect:", "not both", "--slurm", "--collect")]
    [InlineData("--emit-only:", "together with --slurm", "--emit-only")]
    [InlineData("--partition:", "together with --slurm", "--partition", "gpu")]
    [InlineData("--time:", "'2 hours' is not allowed", "--slurm", "--emit-only", "--time", "2 hours")]
    [InlineData("--sbatch:", "'qos=long' is not allowed", "--slurm", "--emit-only", "--sbatch", "qos=long")]
    [InlineData("--dry-run:", "--emit-only", "--slurm", "--dry-run")]
    public void BadSlurmOptionsAreUsageErrorsNamingTheFlag(string flag, string message, params string[] options)
    {
        var (code, stdout, error) = PemnHarness.Run(["sweep", "--grid", Grid, "--out", Csv, .. options]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(flag, error);
        Assert.Contains(message, error);
        Assert.Equal("", stdout);
        Assert.False(Directory.Exists(Path.Combine(folder, "out", "slurm")));
    }

    [Fact]
    public void CollectRebuildsTheTableAndExitsOneWhilePointsAreMissing()
    {
        var plan = SweepPlan.Load(Grid);
        new ExperimentRunner().Run(plan.Runs[0], RunsLocation.OfTable(Csv).Directory, Csv);
        File.Delete(Csv); // the table is rebuilt from the run folders
        var (code, stdout, _) = PemnHarness.Run("sweep", "--grid", Grid, "--out", Csv, "--collect");
        Assert.Equal(ExitCodes.RunFailed, code);
        Assert.Contains("3 points, 1 complete, 2 missing", stdout);
        Assert.Contains($"point 1 {ExperimentJson.RunId(plan.Runs[1])}: new", stdout);
        Assert.Single(RunsCsv.Read(Csv).Rows);
        foreach (var config in plan.Runs.Skip(1)) new ExperimentRunner().Run(config, RunsLocation.OfTable(Csv).Directory, Csv);
        Assert.Equal(ExitCodes.Ok, PemnHarness.Run("sweep", "--grid", Grid, "--out", Csv, "--collect").Code);
    }

    [Theory]
    [InlineData("ladder", "ladder-smoke-")]
    [InlineData("plan", "plan-ladder-smoke-")]
    public void EveryPlanCommandWritesItsJobBesideItsTable(string command, string folderPrefix)
    {
        string[] args = command == "ladder"
            ? ["ladder", "--preset", "smoke", "--out", Csv]
            : ["plan", "ladder", "--scale", "smoke", "--results", Path.Combine(folder, "results")];
        var (code, stdout, error) = PemnHarness.Run([.. args, "--slurm", "--emit-only", "--json"]);
        Assert.True(code == ExitCodes.Ok, error);
        var summary = JsonNode.Parse(stdout.Trim().Split('\n')[^1])!;
        var job = summary["job_folder"]!.GetValue<string>();
        Assert.StartsWith(folderPrefix, Path.GetFileName(job));
        var points = Directory.GetFiles(Path.Combine(job, "points"));
        Assert.Equal(summary["submitted"]!.AsArray().Count, points.Length);
        Assert.True(points.Length > 1);
        Assert.Contains(" 'train' '--config' ", File.ReadAllText(summary["scripts"]![0]!.GetValue<string>()));
    }
}
