using PEMN.Analysis;
using PEMN.Configuration;
using PEMN.Masking;
using PEMN.Plans;
using PEMN.Runs;
using PEMN.Storage;
using PEMN.Strategies;
using PEMN.Sweeps;

namespace PEMN.Tests.Analysis;

public class FewValuesTests
{
    [Fact]
    public void QuickPointsKeepTheirTargetCountsOnTheQuickConvMixer()
    {
        // Quick ConvMixer-64/4: the largest layer is a 64 x 64 pointwise conv, N = 4096 (from the model, not from here).
        Assert.Equal(64 * 64, FewValues.LargestLayer(ExperimentPresets.Quick));
        foreach (var values in FewValues.Targets)
        {
            var config = FewValues.CopyConfig(Scale.Quick, values);
            Assert.Equal(values, StorageMeasurement.Run(config.Network).UniqueValues);
            Assert.Equal(PadMode.Copy, config.Strategy.PadMode);
        }
        // Where the paper's ratio gives the count, the point is the ladder's rung: the same run id, so its runs can be reused.
        var ladderRp3 = ExperimentPresets.Quick with { Strategy = new StrategyConfig(StrategyName.RandomVectorPadding, 1e-3) };
        Assert.Equal(ExperimentJson.RunId(ladderRp3), ExperimentJson.RunId(FewValues.CopyConfig(Scale.Quick, 5)));
    }

    [Fact]
    public void CorePlanRunsTheFewValuesEndOverFiveSeedsFirstAndTrainsRandsOneValueOnce()
    {
        var runs = FewValues.CoreRuns(Scale.Quick);
        var planned = PointPlan.Plan(runs);
        // Seed-major through the few-values end: copy and the three variants at 1 and 5 values, seed 0 first.
        Assert.Equal(["copy", "sign-symmetric", "signed constant", "rescale"], runs.Take(4).Select(r => r.Point.Series));
        Assert.All(runs.Take(8), r => Assert.Equal(0, r.Seed));
        var few = runs.Where(r => FewValues.ValuesOf(r.Point.Label) <= FewValues.FewValuesMax).ToList();
        Assert.All(few.GroupBy(r => (r.Point.Series, r.Point.Label)), g => Assert.Equal([0L, 1, 2, 3, 4], g.Select(r => r.Seed).Order()));
        Assert.All(runs.Except(few).GroupBy(r => (r.Point.Series, r.Point.Label)), g => Assert.Equal([0L, 1, 2], g.Select(r => r.Seed).Order()));
        // RP rand with one value permutes a constant vector: copy's network, planned but not trained again.
        var same = planned.Where(p => p.SameAs is not null).ToList();
        Assert.Equal(5, same.Count);
        Assert.All(same, p => Assert.Equal(("rand", "1 value"), (p.Run.Point.Series, p.Run.Point.Label)));
        Assert.All(same, p => Assert.Equal(planned.Single(q => q.Run.Point.Series == "copy" && q.Run.Point.Label == "1 value" && q.Run.Seed == p.Run.Seed).RunId, p.SameAs));
        // The whole curve, copy against rand, at every target count.
        foreach (var series in new[] { FewValues.CopySeries, FewValues.RandSeries })
            Assert.Equal(FewValues.Targets.Where(t => series == FewValues.CopySeries || t != 410).Select(FewValues.Label),
                runs.Where(r => r.Point.Series == series).Select(r => r.Point.Label).Distinct().OrderBy(FewValues.ValuesOf));
        Assert.Equal(100, runs.Count);
        Assert.Equal(95, PointPlan.Sweep(planned).Runs.Count);
        Assert.Equal(95, FigurePlans.FewValuesCore.Runs(Scale.Quick).Runs.Count);
    }

    [Fact]
    public void ExtendedPlanIsTheCoreThenTheRestAndSkipsNetworksTheCoreTrains()
    {
        var core = FewValues.CoreRuns(Scale.Quick);
        var extended = FewValues.ExtendedRuns(Scale.Quick);
        Assert.Equal(core, extended.Take(core.Count));
        foreach (var series in new[] { FewValues.CopySeries, FewValues.RandSeries })
            Assert.Equal(FewValues.Targets.Select(FewValues.Label), extended.Where(r => r.Point.Series == series).Select(r => r.Point.Label).Distinct().OrderBy(FewValues.ValuesOf));
        foreach (var variant in FewValues.Variants)
            Assert.Equal(["1 value", "2 values", "3 values", "5 values", "41 values", "410 values"],
                extended.Where(r => r.Point.Series == variant.Series).Select(r => r.Point.Label).Distinct().OrderBy(FewValues.ValuesOf));
        // A signed-constant vector whose m signs all came out equal is the 1-value network (m draws of +-sigma, tiled): found, not retrained.
        var planned = PointPlan.Plan(extended);
        var repeats = planned.Where(p => p.SameAs is not null && p.Run.Point.Series == "signed constant").ToList();
        Assert.NotEmpty(repeats);
        Assert.All(repeats, p => Assert.Equal("1 value", planned.First(q => q.RunId == p.SameAs).Run.Point.Label));
        // Signed constant at one value over five more seeds comes first: seeds 0-4 all drew -sigma.
        Assert.All(extended.Skip(core.Count).Take(5), r => Assert.Equal(("signed constant", "1 value"), (r.Point.Series, r.Point.Label)));
        Assert.Equal([5L, 6, 7, 8, 9], extended.Skip(core.Count).Take(5).Select(r => r.Seed));
        Assert.Equal(core.Count + 60, extended.Count);
        Assert.Equal(152, PointPlan.Sweep(planned).Runs.Count);
    }

    [Fact]
    public void VariantsChangeOnlyWhatTheyName()
    {
        var copy = FewValues.CopyConfig(Scale.Quick, 5);
        var byName = FewValues.Variants.ToDictionary(v => v.Series, v => v.Apply(copy));
        Assert.Equal(copy with { Strategy = copy.Strategy with { SignSymmetric = true } }, byName["sign-symmetric"]);
        Assert.Equal(copy with { Masking = copy.Masking with { WeightInit = WeightInit.SignedConstant } }, byName["signed constant"]);
        Assert.Equal(copy with { Strategy = copy.Strategy with { Rescale = true } }, byName["rescale"]);
        var all = FewValues.Combined.Apply(copy);
        Assert.True(all.Strategy.SignSymmetric && all.Strategy.Rescale && all.Masking.WeightInit == WeightInit.SignedConstant);
    }

    [Fact]
    public void SmokePlanFitsTheSmokeModelAndStaysSmall()
    {
        // Smoke ConvMixer-16/2: N = 256, so 410 values cannot be drawn; two seeds at the few-values end, one above.
        Assert.Equal([1L, 2, 3, 5, 9, 17, 41], FewValues.TargetsFor(ExperimentPresets.Smoke));
        Assert.Equal(35, FigurePlans.FewValuesCore.Runs(Scale.Smoke).Runs.Count);   // 23 at 1, 5 and 41 values, 12 over the rest of the curve
    }

    private static PointSummary Point(string series, long values, double mean, double sd, int seeds = 5, long bits = 160) =>
        new(series, FewValues.Label(values), values, bits, 0.9, mean, sd, Enumerable.Range(0, seeds).Select(i => (long)i).ToList(),
            Enumerable.Repeat(mean, seeds).ToList());

    [Fact]
    public void TheConclusionNamesTheStableVariantItsCostAndItsEffectAboveFortyValues()
    {
        var summaries = new List<PointSummary>
        {
            Point("copy", 1, 0.73, 0.045, bits: 32), Point("copy", 5, 0.74, 0.04), Point("copy", 41, 0.80, 0.003, 3), Point("copy", 410, 0.82, 0.003, 3),
            Point("steady", 1, 0.78, 0.005, bits: 1), Point("steady", 5, 0.79, 0.008, bits: 5), Point("steady", 41, 0.75, 0.003, 3),
            Point("steady", 410, 0.90, 0.003, 1), // one seed: not compared
            Point("copy", 2, 0.74, 0.03), Point("steady", 2, 0.60, 0.0, 1), // one seed at 2 values: not in the verdict
            Point("shaky", 1, 0.76, 0.02), Point("shaky", 5, 0.77, 0.005), Point("shaky", 41, 0.801, 0.003, 3),
            Point("few seeds", 1, 0.80, 0.001, 2), Point("few seeds", 5, 0.80, 0.001, 2),
        };
        var verdicts = FewValues.Compare(summaries).ToDictionary(v => v.Series);
        Assert.True(verdicts["steady"].Stable);
        Assert.Equal(2, verdicts["steady"].FewPoints);
        Assert.Equal(0.785, verdicts["steady"].FewMean, 9);
        Assert.False(verdicts["shaky"].Stable);      // one point above 1 point of sd is enough to fail
        Assert.False(verdicts["few seeds"].Stable);  // two seeds say nothing about spread
        Assert.Equal("hurts", verdicts["steady"].ManyEffect);
        Assert.Equal("no measurable difference", verdicts["shaky"].ManyEffect);
        Assert.Equal("not measured", verdicts["few seeds"].ManyEffect);
        Assert.Equal(-0.05, verdicts["steady"].ManyDifference!.Value, 9);
        Assert.Equal(5 - 160, verdicts["steady"].ExtraPrototypeBits); // at 5 values: 5 stored bits against copy's 160
        Assert.Equal(0, verdicts["shaky"].ExtraPrototypeBits);
        var text = FewValues.Conclude(summaries);
        Assert.Contains("Conclusion: steady makes the few-values end stable", text);
        Assert.Contains("at 41+ values it hurts", text);

        var none = FewValues.Conclude(summaries.Where(s => s.Series != "steady").ToList());
        Assert.Contains("Conclusion: no variant tested makes the few-values end stable", none);
    }

    [Fact]
    public void OneValueRunsSplitBySignAsTheBuiltNetworksWeightsHaveIt()
    {
        var folder = Path.Combine(Path.GetTempPath(), "pemn-signs-" + Guid.NewGuid().ToString("N"));
        try
        {
            var copy = new PlanPoint(FewValues.CopySeries, FewValues.Label(1), FewValues.CopyConfig(Scale.Smoke, 1));
            var points = FewValues.Variants.Select(v => new PlanPoint(v.Series, copy.Label, v.Apply(copy.Config))).Prepend(copy).ToList();
            var runs = points.SelectMany(p => Enumerable.Range(0, 6).Select(seed => new PointRun(p, seed))).ToList();
            var results = new List<PointResult>();
            foreach (var run in runs)
            {
                var id = ExperimentJson.RunId(run.Config);
                Directory.CreateDirectory(Path.Combine(folder, RunsLocation.RunsFolderName, id));
                ExperimentJson.Save(run.Config, Path.Combine(folder, RunsLocation.RunsFolderName, id, ExperimentRunner.ConfigFile));
                results.Add(new PointResult(run.Point.Series, run.Point.Label, run.Seed, id, 1, 1, 32, 0.97, 0.5 + run.Seed / 100.0, 0.5, 10, true, null));
            }
            // Rand at one value is copy's network: not listed again.
            results.Add(results[0] with { Series = FewValues.RandSeries, SameAs = results[0].RunId });

            var splits = FewValues.OneValueSigns(results, folder).ToDictionary(s => s.Series);
            Assert.Equal(points.Select(p => p.Series), splits.Keys);
            Assert.True(splits["sign-symmetric"].BothSigns);
            Assert.False(splits["copy"].BothSigns);
            foreach (var (run, result) in runs.Zip(results))
            {
                // The sign of the built network's weights, independently of the split.
                using var built = PemnNetwork.Build(run.Config.Network);
                var weights = WeightLayers.Masked(built.Model)[0].Weight;
                var negative = weights.lt(0).any().item<bool>();
                var positive = weights.gt(0).any().item<bool>();
                var split = splits[run.Point.Series];
                Assert.Equal(split.BothSigns, negative && positive);
                if (!split.BothSigns) Assert.Contains(result, negative ? split.Negative : split.Positive);
            }
            Assert.All(splits.Values, s => Assert.Equal(6, s.Negative.Count + s.Positive.Count));
            Assert.Contains(splits.Values, s => !s.BothSigns && s.Negative.Count > 0 && s.Positive.Count > 0); // six seeds draw both signs
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void PlanRejectsARunListedTwice()
    {
        var run = FewValues.CoreRuns(Scale.Smoke)[0];
        var error = Assert.Throws<ArgumentException>(() => PointPlan.Plan([run, run]));
        Assert.Contains("listed twice", error.Message);
    }
}
