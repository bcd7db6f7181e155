using PEMN.Configuration;
using PEMN.Runs;
using PEMN.Strategies;
using PEMN.Sweeps;

namespace PEMN.Tests.Sweeps;

public class SweepPlanTests : IDisposable
{
    // Tiny tensors: one thread is fastest and keeps timings steady on a shared machine; restored after.
    private readonly int threads = TorchSharp.torch.get_num_threads();

    public SweepPlanTests() => TorchSharp.torch.set_num_threads(1);

    private readonly string folder = Path.Combine(Path.GetTempPath(), "pemn-sweep-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        TorchSharp.torch.set_num_threads(threads);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void GridIsTheCartesianProductFirstFieldSlowest()
    {
        var plan = SweepPlan.Parse("""
            { "preset": "quick", "base": { "training": { "epochs": 4 } },
              "grid": { "strategy.name": ["dense", "mask"], "training.seed": [0, 1, 2] } }
            """);
        Assert.Equal(6, plan.Runs.Count);
        Assert.All(plan.Runs, r => Assert.Equal(4, r.Training.Epochs));
        Assert.Equal([StrategyName.Dense, StrategyName.Dense, StrategyName.Dense, StrategyName.Mask, StrategyName.Mask, StrategyName.Mask],
            plan.Runs.Select(r => r.Strategy.Name));
        Assert.Equal([0L, 1, 2, 0, 1, 2], plan.Runs.Select(r => r.Training.Seed));
        Assert.Equal([0.01, 0.01, 0.01, 0.05, 0.05, 0.05], plan.Runs.Select(r => r.LrMax));
        Assert.Equal(6, plan.Runs.Select(ExperimentJson.RunId).Distinct().Count());
    }

    [Fact]
    public void BadGridValuesNameTheRunAndTheField()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => SweepPlan.Parse("""{ "preset": "smoke", "grid": { "masking.keep_fraction": [0.5, 2] } }"""));
        Assert.Contains("masking.keep_fraction=2", e.Message);
        Assert.Throws<FormatException>(() => SweepPlan.Parse("""{ "preset": "smoke", "grid": { "training.seed": 3 } }"""));
        Assert.Throws<FormatException>(() => SweepPlan.Parse("""{ "preset": "smoke", "grids": {} }"""));
        Assert.Throws<FormatException>(() => SweepPlan.Parse("""{ "preset": "smoke", "grid": { "training.seed": [1, 1] } }"""));
    }

    [Fact]
    public void SweepSkipsCompleteRunsAndRunsTheRest()
    {
        var csv = Path.Combine(folder, "sweep.csv");
        var plan = SweepPlan.Parse("""
            { "preset": "smoke", "base": { "training": { "epochs": 1 } }, "grid": { "training.seed": [0, 1] } }
            """);
        var sweeper = new SweepRunner();
        Assert.All(SweepRunner.Describe(plan, csv), p => Assert.Equal(RunStatus.New, p.Status));
        var first = sweeper.Run(new SweepPlan([plan.Runs[0]]), csv);
        Assert.Null(Assert.Single(first).Error);
        Assert.Equal([RunStatus.Complete, RunStatus.New], SweepRunner.Describe(plan, csv).Select(p => p.Status));
        var all = sweeper.Run(plan, csv);
        Assert.True(all[0].Outcome!.Skipped);
        Assert.False(all[1].Outcome!.Skipped);
        Assert.Equal(2, RunsCsv.Read(csv).Rows.Count);
        Assert.True(Directory.Exists(Path.Combine(folder, RunsLocation.RunsFolderName, all[1].RunId)));
    }

    [Theory]
    [InlineData("""{ "preset": 3 }""", "preset = 3 is not allowed; allowed: a preset name (smoke, ")]
    [InlineData("""{ "preset": null }""", "preset = null is not allowed")]
    [InlineData("""{ "preset": "smoke", "base": [1] }""", "base = [1] is not allowed; allowed: an object of config fields")]
    [InlineData("""{ "preset": "smoke", "base": null }""", "base = null is not allowed")]
    [InlineData("""{ "preset": "smoke", "config": "c.json" }""", "both \"preset\" and \"config\"")]
    [InlineData("""{ "grid": { "training.seed": [0] } }""", "no base config")]
    [InlineData("""{ "config": 5 }""", "config = 5 is not allowed; allowed: a config file path")]
    [InlineData("""{ "preset": "smoke", "grid": [1] }""", "grid = [1] is not allowed")]
    [InlineData("""[1]""", "a grid file is a JSON object")]
    [InlineData("""{ "preset": "smoke", """, "not valid JSON")]
    public void EveryKeyIsCheckedForItsKindNamingTheFileTheKeyAndTheValue(string json, string message)
    {
        var e = Assert.Throws<FormatException>(() => SweepPlan.Parse(json, source: "g.json"));
        Assert.StartsWith("g.json: ", e.Message);
        Assert.Contains(message, e.Message);
    }
}
