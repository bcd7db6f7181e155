using PEMN.Configuration;
using PEMN.Runs;
using PEMN.Strategies;
using PEMN.Sweeps;

namespace PEMN.Tests.Sweeps;

public class StrategyLadderTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "pemn-ladder-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void RungsFollowThePapersAxisWithOneRpPerRatio()
    {
        Assert.Equal(["Dense", "Mask", "One-layer", "MP", "RP 1e-1", "RP 1e-2", "RP 1e-3", "RP 1e-4", "RP 1e-5"],
            StrategyLadder.Rungs.Select(r => r.Label));
        Assert.Equal(StrategyLadder.PaperRatios, StrategyLadder.Rungs.Where(r => r.Strategy.Name == StrategyName.RandomVectorPadding).Select(r => r.Strategy.Ratio));
    }

    [Fact]
    public void RungsThatBuildTheSameNetworkAreTrainedOnceAndSeedsMultiplyTheRest()
    {
        // Smoke ConvMixer-16/2: the largest layer is the 16 x 16 pointwise conv, N = 256. RP keeps floor(256 r) + 1 values:
        // 26, 3, 1, 1, 1 for r = 1e-1 ... 1e-5, so RP 1e-4 and 1e-5 build RP 1e-3's network.
        var steps = StrategyLadder.Steps(ExperimentPresets.Smoke);
        Assert.Equal([26L, 3, 1, 1, 1], steps.Skip(4).Select(s => s.UniqueValues));
        Assert.Equal([null, null, null, null, null, null, null, "RP 1e-3", "RP 1e-3"], steps.Select(s => s.SameAs));
        var plan = StrategyLadder.Plan(steps, [0, 1]);
        Assert.Equal(14, plan.Runs.Count);
        Assert.Equal(14, plan.Runs.Select(ExperimentJson.RunId).Distinct().Count());
        Assert.Equal([0L, 1L], plan.Runs.Select(r => r.Training.Seed).Distinct().Order());
    }

    [Fact]
    public void ARealLadderOverTwoSeedsGivesEveryRungAndSeedAndIsReusedTheSecondTime()
    {
        var config = ExperimentPresets.Smoke with { Training = ExperimentPresets.Smoke.Training with { Epochs = 1 } };
        var csv = Path.Combine(folder, "runs.csv");
        var first = StrategyLadder.Run(config, [0, 1], csv);
        Assert.Equal(18, first.Count);
        Assert.All(first.Where(r => r.SameAs is null), r => Assert.False(r.Reused));
        var rp5 = first.Single(r => r.Label == "RP 1e-5" && r.Seed == 1);
        Assert.Equal(first.Single(r => r.Label == "RP 1e-3" && r.Seed == 1).RunId, rp5.RunId);
        Assert.Equal(14, Directory.GetDirectories(Path.Combine(folder, RunsLocation.RunsFolderName)).Length);

        var second = StrategyLadder.Run(config, [0, 1], csv);
        Assert.All(second, r => Assert.True(r.Reused));
        Assert.Equal(first.Select(r => r.BestTestAccuracy), second.Select(r => r.BestTestAccuracy));
        Assert.All(second, r => Assert.Matches(@"^\d{4}-\d\d-\d\dT", r.TrainedAt));
    }

    [Fact]
    public void ReadingWithoutTrainingGivesOnlyTheCompleteRunsAndWritesNothing()
    {
        var config = ExperimentPresets.Smoke with { Training = ExperimentPresets.Smoke.Training with { Epochs = 1 } };
        var csv = Path.Combine(folder, "runs.csv");
        var trained = StrategyLadder.Run(config, [0], csv, rungs: StrategyLadder.Rungs.Take(2).ToList());
        var table = File.ReadAllBytes(csv);
        var stamp = File.GetLastWriteTimeUtc(csv);

        // Every rung at seeds 0 and 1 is asked for; only Dense and Mask at seed 0 are complete.
        var read = StrategyLadder.Run(config, [0, 1], csv, trainMissing: false);
        Assert.Equal([StrategyName.Dense, StrategyName.Mask], read.Select(r => r.Strategy.Name));
        Assert.Equal(trained.Select(r => (r.RunId, r.BestTestAccuracy)), read.Select(r => (r.RunId, r.BestTestAccuracy)));
        Assert.All(read, r => Assert.True(r.Reused));
        Assert.Equal(table, File.ReadAllBytes(csv));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(csv));
        Assert.Equal(2, Directory.GetDirectories(Path.Combine(folder, RunsLocation.RunsFolderName)).Length);
        Assert.Empty(StrategyLadder.Run(config, [0], Path.Combine(folder, "elsewhere", "runs.csv"), trainMissing: false));
    }

    private static LadderResult Row(string label, long seed, long unique, double acc, double compression = 0) =>
        new(Rung.Of(label), seed, $"{label}-{seed}", unique, compression, acc, acc, 1, false, "", null);

    [Fact]
    public void SummaryGivesMeanAndSampleStandardDeviationPerRung()
    {
        var rows = StrategyLadder.Summarize([Row("Mask", 0, 100, 0.80), Row("Mask", 1, 100, 0.82), Row("Mask", 2, 100, 0.90), Row("Dense", 0, 0, 0.9)]);
        var mask = rows.Single(r => r.Label == "Mask");
        Assert.Equal(0.84, mask.Mean, 12);
        Assert.Equal(Math.Sqrt((0.0016 + 0.0004 + 0.0036) / 2), mask.Sd, 12); // deviations -0.04, -0.02, +0.06
        Assert.Equal([0.80, 0.82, 0.90], mask.PerSeed);
        Assert.Equal(0, rows.Single(r => r.Label == "Dense").Sd);
    }

    [Fact]
    public void DescribeGivesTheMaskGapAndEachRungAgainstMask()
    {
        var text = StrategyLadder.Describe([Row("Dense", 0, 0, 0.90), Row("Mask", 0, 100, 0.85, -0.03), Row("RP 1e-1", 0, 11, 0.80, 0.9)]);
        var lines = text.Split(Environment.NewLine);
        Assert.Equal("Mask vs Dense: -5.0 points (mean of 1 seed(s))", lines[0]);
        Assert.Contains("RP 1e-1", lines[1]);
        Assert.Contains("-5.0 points vs Mask", lines[1]);
        Assert.Contains("compression 90.0 %", lines[1]);
        Assert.Equal(2, lines.Length);
    }
}
