using PEMN.Cli;
using PEMN.Configuration;
using PEMN.Plans;
using PEMN.Runs;

namespace PEMN.Tests.Cli;

public class PlanCommandTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "pemn-plan-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void APlanTrainsWhatIsMissingWritesItsTablesAndReusesTheRunsTheSecondTime()
    {
        var (code, output, error) = PemnHarness.Run("plan", "width-depth", "--scale", "smoke", "--results", folder, "--workers", "1");
        Assert.True(code == 0, error);
        var runs = Directory.GetDirectories(Path.Combine(folder, "width-depth", "smoke", RunsLocation.RunsFolderName));
        // Two variants x (Dense, Mask, RP 1e-2, RP 1e-3) at one seed; none of these rungs shares a network on the smoke models.
        Assert.Equal(FigurePlans.WidthDepth.Runs(Scale.Smoke).Runs.Count, runs.Length);
        Assert.Equal(8, runs.Length);
        Assert.Equal(2, output.Split('\n').Count(l => l.Contains("4 trained now, 0 reused")));
        foreach (var variant in new[] { "wide", "deep" })
            Assert.True(File.Exists(Path.Combine(folder, "width-depth", "smoke", $"ladder-{variant}.md")));

        var again = PemnHarness.Run("plan", "width_depth", "--scale", "smoke", "--results", folder, "--workers", "1");
        Assert.Equal(0, again.Code);
        Assert.Contains("0 trained now, 4 reused", again.Out);
        Assert.Contains("(unchanged)", again.Out);
    }

    [Fact]
    public void DryRunOfTheCompressionFiguresListsEveryRunAndTheCountsPerPlan()
    {
        var (code, output, error) = PemnHarness.Run("plan", "fig4", "fig5", "--scale", "smoke", "--dry-run", "--results", folder);
        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("fig4 (smoke): 32 runs, 0 complete, 0 to copy from other plans, 32 to train -> ", lines[0]);
        Assert.StartsWith("  to train: ", lines[1]);
        Assert.Contains("GPU-hours at an assumed 20 TFLOP/s sustained", lines[1]);
        Assert.StartsWith("  new       dense-resnet8-", lines[2]);
        Assert.Equal(32, lines.Skip(2).TakeWhile(l => l.StartsWith("  new ", StringComparison.Ordinal)).Count());
        Assert.Contains(lines, l => l.StartsWith("fig5 (smoke): 16 runs,", StringComparison.Ordinal));
        Assert.Equal("all (smoke): 48 runs in 2 plans", lines[^1]);
        Assert.Equal(3 * 4 * 2, lines.Count(l => l.Contains(" sparse_", StringComparison.Ordinal) && l.Contains("resnet", StringComparison.Ordinal)));
        Assert.False(Directory.Exists(folder)); // a dry run writes nothing
    }

    [Fact]
    public void ADryRunListsAPlanWhoseDataIsNotHereAndSaysWhichDataIsMissing()
    {
        // A folder outside the repository, no PEMN_DATA: no data set is found.
        Directory.CreateDirectory(folder);
        var results = Path.Combine(folder, "results");
        var environment = new Dictionary<string, string?> { [PEMN.Data.DataLocator.EnvironmentVariable] = null };
        using (var dry = PemnProcess.Start(folder, environment, "plan", "ladder", "--scale", "paper", "--dry-run", "--results", results))
        {
            var (code, output, error) = dry.Wait(TimeSpan.FromMinutes(2));
            Assert.True(code == ExitCodes.Ok, error);
            Assert.StartsWith("ladder (paper): 27 runs, 0 complete, 0 to copy from other plans, 27 to train -> ", output);
            // Paper scale is GPU work: its cost is estimated before any data is present (1.3e17 FLOPs, about 1.8 GPU-hours).
            Assert.Matches(@"\n  to train: 1\.\de17 FLOPs, about \d+\.\d GPU-hours", output);
            Assert.Contains("note: these runs cannot train here yet: Data set cifar10 not found", error);
        }
        // Without --dry-run nothing starts: the data error, before any folder is made.
        using (var run = PemnProcess.Start(folder, environment, "plan", "ladder", "--scale", "paper", "--results", results))
        {
            var (code, _, error) = run.Wait(TimeSpan.FromMinutes(2));
            Assert.Equal(ExitCodes.Data, code);
            Assert.Contains("cifar10", error);
        }
        Assert.False(Directory.Exists(results));
    }

    [Fact]
    public void ThePlanOfFilesPacksEveryRunAndAnyPlanPacksWithPack()
    {
        var (code, output, error) = PemnHarness.Run("plan", "k_sweep", "--scale", "smoke", "--threads", "1", "--results", folder);
        Assert.True(code == 0, error);
        Assert.Contains("k_sweep: network.pemn of 12 runs: 12 written", output);
        Assert.Equal(12, Directory.GetFiles(Path.Combine(folder, "k-sweep", "smoke", RunsLocation.RunsFolderName), TrainedRun.PackedFile, SearchOption.AllDirectories).Length);
        Assert.True(File.Exists(Path.Combine(folder, "k-sweep", "smoke", "k-sweep.md")));

        // Another plan packs when asked; a second time finds its files.
        (code, output, error) = PemnHarness.Run("plan", "width_depth", "--scale", "smoke", "--threads", "1", "--pack", "--results", folder);
        Assert.True(code == 0, error);
        Assert.Contains("width_depth: network.pemn of 8 runs: 8 written", output);
        (code, output, error) = PemnHarness.Run("plan", "width_depth", "--scale", "smoke", "--threads", "1", "--pack", "--results", folder);
        Assert.True(code == 0, error);
        Assert.Contains("width_depth: network.pemn of 8 runs: 8 present", output);
    }

    [Theory]
    [InlineData("strategy-ladder", "ladder")]
    [InlineData("resnet-compression", "fig4")]
    [InlineData("convmixer_compression", "fig5")]
    [InlineData("k-sweep", "k_sweep")]
    public void APlansResultsFolderAndOldSpellingsNameTheSamePlan(string given, string plan)
    {
        var (code, output, error) = PemnHarness.Run("plan", given, "--scale", "smoke", "--dry-run", "--results", folder);
        Assert.True(code == 0, error);
        Assert.StartsWith($"{plan} (smoke): ", output);
    }

    [Fact]
    public void HelpListsEveryPlanOnceWithItsFolderAndAliases()
    {
        var (code, output, _) = PemnHarness.Run("plan", "--help");
        Assert.Equal(0, code);
        foreach (var plan in FigurePlans.All)
            Assert.Single(output.Split('\n'), l => l.TrimStart().StartsWith(plan.Name + ":", StringComparison.Ordinal) || l.TrimStart().StartsWith(plan.Name + " (", StringComparison.Ordinal));
        Assert.Contains("fig4 (also resnet_compression): results/resnet-compression/<scale>/;", output);
    }

    [Theory]
    [InlineData("plans", "ladder (strategy_ladder), vit_ladder", "plan", "fig9")]
    [InlineData("--scale", "smoke, quick, paper", "plan", "ladder", "--scale", "huge")]
    public void BadPlanOrScaleIsAUsageErrorNamingTheAllowedOnes(string flag, string allowed, params string[] args)
    {
        var (code, output, error) = PemnHarness.Run([.. args, "--results", folder]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(flag + ":", error);
        Assert.Contains(allowed, error);
        Assert.Equal("", output);
        Assert.False(Directory.Exists(folder));
    }
}
