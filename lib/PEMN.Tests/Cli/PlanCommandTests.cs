using PEMN.Cli;
using PEMN.Experiments;

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
        var (code, output, error) = PemnHarness.Run("plan", "width-depth", "--scale", "smoke", "--results", folder);
        Assert.True(code == 0, error);
        var runs = Directory.GetDirectories(Path.Combine(folder, "width-depth", "smoke", ExperimentRunner.RunsFolder));
        // Two variants x (Dense, Mask, RP 1e-2, RP 1e-3) at one seed; none of these rungs shares a network on the smoke models.
        Assert.Equal(Plans.WidthDepth.Runs("smoke").Runs.Count, runs.Length);
        Assert.Equal(8, runs.Length);
        Assert.Equal(2, output.Split('\n').Count(l => l.Contains("4 trained now, 0 reused")));
        foreach (var variant in new[] { "wide", "deep" })
            Assert.True(File.Exists(Path.Combine(folder, "width-depth", "smoke", $"ladder-{variant}.md")));

        var again = PemnHarness.Run("plan", "width_depth", "--scale", "smoke", "--results", folder);
        Assert.Equal(0, again.Code);
        Assert.Contains("0 trained now, 4 reused", again.Out);
        Assert.Contains("(unchanged)", again.Out);
    }

    [Theory]
    [InlineData("plans", "ladder, vit_ladder", "plan", "fig9")]
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
