using PEMN.Experiments;
using PEMN.Strategies;

namespace PEMN.Tests.Experiments;

public class StrategyLadderTests
{
    [Fact]
    public void RungsFollowThePapersAxisWithOneRpPerRatio()
    {
        Assert.Equal(["Dense", "Mask", "One-layer", "MP", "RP 1e-1", "RP 1e-2", "RP 1e-3", "RP 1e-4", "RP 1e-5"],
            StrategyLadder.Rungs.Select(r => r.Label));
        Assert.Equal(StrategyLadder.PaperRatios, StrategyLadder.Rungs.Where(r => r.Strategy.Name == StrategyName.RandomVectorPadding).Select(r => r.Strategy.Ratio));
        var plan = StrategyLadder.Plan(ExperimentPresets.Smoke);
        Assert.Equal(StrategyLadder.Rungs.Count, plan.Runs.Select(ExperimentJson.RunId).Distinct().Count());
    }

    [Fact]
    public void DescribeGivesTheMaskGapAndEachRungAgainstMask()
    {
        LadderResult Row(string label, long unique, double acc, double compression) => new(label, label, unique, compression, acc, acc, 1);
        var text = StrategyLadder.Describe([Row("Dense", 0, 0.90, 0), Row("Mask", 100, 0.85, -0.03), Row("RP 1e-1", 11, 0.80, 0.9)]);
        var lines = text.Split(Environment.NewLine);
        Assert.Equal("Mask vs Dense: -5.0 points", lines[0]);
        Assert.Contains("RP 1e-1", lines[1]);
        Assert.Contains("-5.0 points vs Mask", lines[1]);
        Assert.Contains("compression 90.0 %", lines[1]);
        Assert.Equal(2, lines.Length);
    }
}
