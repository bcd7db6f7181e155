using PEMN.Analysis;
using PEMN.Configuration;
using PEMN.Plans;
using PEMN.Sweeps;

namespace PEMN.Tests.Analysis;

public class LadderComparisonTests
{
    private static LadderResult Row(string label, long seed, double acc, string? sameAs = null, double seconds = 10) =>
        new(Rung.Of(label), seed, $"{label}-{seed}", 5, 0.9, acc, acc, seconds, false, "", sameAs);

    /// <summary>The reference: three seeds, Mask 4 points under Dense on average.</summary>
    private static NamedLadder Base() => new("ConvMixer-64/4",
    [
        Row("Dense", 0, 0.86), Row("Mask", 0, 0.82), Row("RP 1e-3", 0, 0.70),
        Row("Dense", 1, 0.88), Row("Mask", 1, 0.83), Row("RP 1e-3", 1, 0.74),
        Row("Dense", 2, 0.87), Row("Mask", 2, 0.84), Row("RP 1e-3", 2, 0.72),
    ]);

    /// <summary>One seed (0): Mask 1 point under Dense, RP 1e-3 the same network as Mask.</summary>
    private static NamedLadder Wide() => new("ConvMixer-128/4",
        [Row("Dense", 0, 0.90), Row("Mask", 0, 0.89), Row("RP 1e-3", 0, 0.89, sameAs: "Mask")]);

    [Fact]
    public void GapsAreTakenOnTheCommonSeedsAgainstEachLaddersOwnDense()
    {
        var gaps = LadderComparison.GapsToDense([Base(), Wide()]);
        Assert.Equal(["Mask", "Mask", "RP 1e-3", "RP 1e-3"], gaps.Select(g => g.Label));
        var baseMask = gaps[0];
        Assert.Equal(1, baseMask.Seeds);                       // seed 0 only: the wide ladder has no other
        Assert.Equal(-0.04, baseMask.Gap, 12);                 // 0.82 - 0.86 at seed 0, not the three-seed mean
        Assert.Equal(0.01, baseMask.SeedSd, 12);               // sd over all of the base's seeds: 0.82, 0.83, 0.84
        Assert.Equal(-0.01, gaps[1].Gap, 12);
        Assert.Equal("Mask", gaps[3].SameAs);
    }

    [Fact]
    public void DescriptionSaysWhichGapCloses()
    {
        var text = LadderComparison.Describe([Base(), Wide()]);
        Assert.Contains("mean over the 1 seed(s)", text);
        Assert.Contains("Mask       ConvMixer-64/4 -4.0 (seed sd 1.0); ConvMixer-128/4 -1.0, closes by 3.0", text);
        Assert.Contains("ConvMixer-128/4 -1.0 (= Mask: the same network), closes by 15.0", text);
        var widens = LadderComparison.Describe([Wide(), Base()]);
        Assert.Contains("ConvMixer-64/4 -4.0, widens by 3.0", widens);
    }

    [Fact]
    public void LaddersWithoutDenseOrWithoutACommonSeedAreRefused()
    {
        var noDense = new NamedLadder("x", [Row("Mask", 0, 0.8)]);
        Assert.Contains("no Dense rung", Assert.Throws<ArgumentException>(() => LadderComparison.GapsToDense([Base(), noDense])).Message);
        var otherSeed = new NamedLadder("y", [Row("Dense", 7, 0.9), Row("Mask", 7, 0.8)]);
        Assert.Contains("no seed in common", Assert.Throws<ArgumentException>(() => LadderComparison.GapsToDense([Base(), otherSeed])).Message);
        Assert.Throws<ArgumentException>(() => LadderComparison.GapsToDense([]));
    }

    [Fact]
    public void SpreadNamesTheRungWhereTheSeedsDisagreeMostAndSkipsOneSeedLadders()
    {
        var text = LadderComparison.DescribeSpread([Base(), Wide()]);
        // sds: Dense 1.0, Mask 1.0, RP 1e-3 2.0 points.
        Assert.Equal("ConvMixer-64/4: seed sd 1.33 points on average over 3 rungs (3 seeds), largest 2.00 at RP 1e-3", text);
        Assert.StartsWith("No ladder", LadderComparison.DescribeSpread([Wide()]));
    }

    [Fact]
    public void ALadderCountsEachRunOnceAndNamesItsModelAsTheFigureDoes()
    {
        var wide = Wide() with { Results = [.. Wide().Results.Take(2), Row("RP 1e-3", 0, 0.89, "Mask") with { RunId = "Mask-0" }] };
        Assert.Equal(2, wide.Runs);
        Assert.Equal(20, wide.TrainingSeconds);
        Assert.Equal("ConvMixer-64/4", LadderComparison.ModelLabel(ExperimentPresets.Quick.Model));
        Assert.Equal("ViT-64/4", LadderComparison.ModelLabel(ExperimentPresets.QuickViT.Model));
        Assert.Equal("ResNet-20", LadderComparison.ModelLabel(ExperimentPresets.QuickResNet.Model));
        Assert.Equal("ResNet-20 x2", LadderComparison.ModelLabel(ExperimentPresets.QuickResNet.Model with { WidthMultiplier = 2 }));
    }

    [Fact]
    public void APlanAtOtherSeedsPlansThoseSeedsForEveryLadder()
    {
        var plan = FigurePlans.WidthDepth.WithSeeds([3, 4]);
        var runs = plan.Runs(Scale.Smoke).Runs;
        Assert.Equal([3L, 4L], runs.Select(r => r.Training.Seed).Distinct().Order());
        Assert.Equal(2 * FigurePlans.WidthDepth.Runs(Scale.Smoke).Runs.Count, runs.Count);
        Assert.Equal(FigurePlans.WidthDepth.Folder, plan.Folder);
        Assert.Throws<ArgumentException>(() => FigurePlans.Ladder.WithSeeds([]));
    }
}
