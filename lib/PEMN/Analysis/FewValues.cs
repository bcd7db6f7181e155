using System.Globalization;
using PEMN.Configuration;
using PEMN.Masking;
using PEMN.Runs;
using PEMN.Strategies;
using PEMN.Sweeps;

namespace PEMN.Analysis;

/// <summary>
/// A way of filling the frozen weights tested at the few-values end: a change to the scale's RP config.
/// </summary>
/// <param name="Series">Its name in tables and legends.</param>
/// <param name="Hypothesis">What it tests, in a line.</param>
/// <param name="StorageCost">What it costs beyond RP copy, in words (the storage report measures it in bits).</param>
/// <param name="Apply">The config of a run of this variant, from the RP copy config.</param>
public sealed record FewValuesVariant(string Series, string Hypothesis, string StorageCost, Func<ExperimentConfig, ExperimentConfig> Apply);

/// <summary>A variant's verdict against RP copy (<see cref="FewValues.Compare"/>).</summary>
/// <param name="Series">The variant.</param>
/// <param name="FewMean">Mean best accuracy over the few-values points (each point's mean over its seeds, then averaged), in [0, 1].</param>
/// <param name="FewMaxSd">The largest standard deviation over seeds at a few-values point.</param>
/// <param name="CopyFewMean">RP copy's <paramref name="FewMean"/> at the same points.</param>
/// <param name="CopyFewMaxSd">RP copy's <paramref name="FewMaxSd"/> at the same points.</param>
/// <param name="Stable">Every few-values point has at least <see cref="FewValues.MinSeedsForVerdict"/> seeds and an sd of at most <see cref="FewValues.StableSd"/>.</param>
/// <param name="ExtraPrototypeBits">C_w minus RP copy's at the same stored values, at the largest few-values point compared (5 values): negative is a saving.</param>
/// <param name="ManyDifference">
/// Mean accuracy minus RP copy's at the points of <see cref="FewValues.ManyValues"/> or more where both have at least
/// <see cref="FewValues.MinSeedsForVerdict"/> seeds (null: no such point).
/// </param>
/// <param name="ManyNoise">Two standard errors of that difference: a difference within it is not a measured one.</param>
/// <param name="FewPoints">How many few-values points were compared.</param>
public sealed record VariantVerdict(string Series, double FewMean, double FewMaxSd, double CopyFewMean, double CopyFewMaxSd, bool Stable,
    long ExtraPrototypeBits, double? ManyDifference, double? ManyNoise, int FewPoints)
{
    /// <summary>
    /// "helps", "hurts" or "no measurable difference" at 41 values and more (<see cref="SeedNoise.Judge"/>: above or below 0 by more than
    /// the noise); "not measured" without runs there.
    /// </summary>
    public string ManyEffect => ManyDifference is not { } d || ManyNoise is not { } noise ? "not measured"
        : SeedNoise.Judge(new Contrast(d, noise, SpreadUnknown: false), Expectation.Above(0)) switch
        {
            ClaimVerdict.Holds => "helps",
            ClaimVerdict.DoesNotHold => "hurts",
            _ => "no measurable difference",
        };
}

/// <summary>A run of RP copy at the few-values end and the values it drew (<see cref="FewValues.Draws"/>).</summary>
/// <param name="Run">The run's result.</param>
/// <param name="RunDirectory">Its folder.</param>
/// <param name="Drawn">The values its network stores, relative to the largest layer's Kaiming std.</param>
public sealed record SeedDraw(PointResult Run, string RunDirectory, DrawnValues Drawn);

/// <summary>The runs of one series at one stored value, split by the sign the draw gave that value (<see cref="FewValues.OneValueSigns"/>).</summary>
/// <param name="Series">The series.</param>
/// <param name="BothSigns">Its layers hold the value with both signs (sign-symmetric), so the split says nothing about the weights.</param>
/// <param name="Negative">Its runs whose value was drawn negative, by seed.</param>
/// <param name="Positive">Its runs whose value was drawn positive, by seed.</param>
public sealed record SignSplit(string Series, bool BothSigns, IReadOnlyList<PointResult> Negative, IReadOnlyList<PointResult> Positive);

/// <summary>
/// The few-values experiment: RP on the scale's ConvMixer by unique-value count (1, 2, 3, 5, 9, 17, 41, 410), copy against rand, over
/// more seeds at the few-values end, and the variants that might remove the dependence on the draw there. The runs of
/// <see cref="PEMN.Plans.FigurePlans.FewValuesCore"/> and <see cref="PEMN.Plans.FigurePlans.FewValuesExtended"/>, and the numbers the notebook states its conclusion from.
/// </summary>
public static class FewValues
{
    /// <summary>The plans' results folder under results/.</summary>
    public const string Folder = "few-values";

    /// <summary>The unique-value counts of the sweep: about doubling from 1 to 17 (2^j + 1), then the quick rungs RP 1e-2 and 1e-1 keep.</summary>
    public static IReadOnlyList<long> Targets { get; } = [1, 2, 3, 5, 9, 17, 41, 410];

    /// <summary>The few-values end: 5 values or fewer (RP 1e-3 and 1e-4 on the quick ConvMixer), where seeds disagree by points.</summary>
    public const long FewValuesMax = 5;

    /// <summary>Where RP is steady on the quick ConvMixer (a few tenths between seeds): a variant must not cost accuracy from here on.</summary>
    public const long ManyValues = 41;

    /// <summary>
    /// The largest sd over seeds (accuracy fraction) a few-values point may have to count as stable: 1 point. Rungs with 41 values or more
    /// vary by a few tenths of a point between seeds; RP copy at 1 or 5 values by about 4.5 points.
    /// </summary>
    public const double StableSd = 0.01;

    /// <summary>Seeds a point needs before a verdict on its spread: an sd of two seeds says little.</summary>
    public const int MinSeedsForVerdict = 3;

    /// <summary>The paper's RP as the plan runs it: plain tiling.</summary>
    public const string CopySeries = "copy";

    /// <summary>RP rand mode: the same values, positions permuted by a seeded permutation.</summary>
    public const string RandSeries = "rand";

    /// <summary>The variants, in order of the few-values study's hypotheses (all on RP copy).</summary>
    public static IReadOnlyList<FewValuesVariant> Variants { get; } =
    [
        new("sign-symmetric",
            "with one value v every weight is v or 0, so a layer cannot express a negative weight: tile [u, -u] so every value comes with both signs",
            "none: the negation and where it goes follow from the definition (period 2m, second half negated)",
            c => c with { Strategy = c.Strategy with { SignSymmetric = true } }),
        new("signed constant",
            "the draw decides the values' sizes: draw every value as +-sigma of its layer's Kaiming std (edge-popup), so only signs are random",
            "less: 1 bit per stored value (its sign) instead of 32",
            c => c with { Masking = c.Masking with { WeightInit = WeightInit.SignedConstant } }),
        new("rescale",
            "every layer inherits the largest layer's scale: rescale each layer to its own Kaiming std (the authors' unimplemented rescale_var)",
            "none: the factors follow from the layer shapes",
            c => c with { Strategy = c.Strategy with { Rescale = true } }),
    ];

    /// <summary>
    /// The three variants together (extended plan only): with one value every weight is +-sigma_l of its own layer in a fixed layout,
    /// so nothing about the weights depends on the draw but which half of the period comes first.
    /// </summary>
    public static FewValuesVariant Combined { get; } = new("sym + signed + rescale",
        "all three hypotheses at once: nothing about the weights depends on the draw",
        "less than copy: 1 bit per stored value",
        c => Variants.Aggregate(c, (config, v) => v.Apply(config)));

    /// <summary>Seeds at the few-values end: five (two in the smoke tests).</summary>
    public static IReadOnlyList<long> FewSeeds(Scale scale) => scale == Scale.Smoke ? [0, 1] : [0, 1, 2, 3, 4];

    /// <summary>Seeds above the few-values end: three (one in the smoke tests).</summary>
    public static IReadOnlyList<long> OtherSeeds(Scale scale) => scale == Scale.Smoke ? [0] : [0, 1, 2];

    /// <summary>
    /// Seeds of signed constant at one value beyond <see cref="FewSeeds"/>: five (two in the smoke tests). At quick scale seeds 0-4 all drew
    /// -sigma, the sign RP copy's one-value draws favour, so the other sign needs seeds of its own before the variant's spread means anything.
    /// </summary>
    public static IReadOnlyList<long> SignCheckSeeds(Scale scale) => scale == Scale.Smoke ? [2, 3] : [5, 6, 7, 8, 9];

    /// <summary>The seeds of a point with <paramref name="values"/> unique values.</summary>
    public static IReadOnlyList<long> SeedsFor(Scale scale, long values) => values <= FewValuesMax ? FewSeeds(scale) : OtherSeeds(scale);

    /// <summary>Elements of the largest masked layer of <paramref name="config"/>'s model (N of RP), from the model's definition.</summary>
    public static long LargestLayer(ExperimentConfig config) => LargestLayers.GetOrAdd(ExperimentJson.Serialize(config.Model.Canonical()), _ =>
    {
        using var noGrad = TorchSharp.torch.no_grad();
        using var network = PemnNetwork.Build(config.Network with { Strategy = new StrategyConfig(StrategyName.Mask) });
        return WeightLayers.Masked(network.Model).Max(l => l.Count);
    });

    /// <summary>N by model: every point of a plan asks for it, and it takes a model build to find.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> LargestLayers = new(StringComparer.Ordinal);

    /// <summary>The targets the scale's model can hold (fewer than N values: N would be MP), ascending.</summary>
    public static IReadOnlyList<long> TargetsFor(ExperimentConfig config)
    {
        var n = LargestLayer(config);
        return Targets.Where(t => t < n).ToList();
    }

    /// <summary>
    /// RP copy on the scale's ConvMixer with the ratio that keeps exactly <paramref name="values"/> values, the paper's ratio where one does
    /// (<see cref="ParameterEfficientStrategies.RatioForValues"/>; so the ladder's RP 1e-1 ... 1e-4 runs are these runs, same ids).
    /// </summary>
    public static ExperimentConfig CopyConfig(Scale scale, long values)
    {
        var baseConfig = ExperimentPresets.Get(scale);
        var ratio = ParameterEfficientStrategies.RatioForValues(LargestLayer(baseConfig), values, StrategyLadder.PaperRatios);
        return baseConfig with { Strategy = new StrategyConfig(StrategyName.RandomVectorPadding, ratio, PadMode.Copy) };
    }

    /// <summary>The label of a point: "1 value", "5 values".</summary>
    public static string Label(long values) => values == 1 ? "1 value" : $"{values} values";

    /// <summary>The unique-value count a label names (<see cref="Label"/>).</summary>
    public static long ValuesOf(string label) => long.Parse(label.Split(' ')[0], CultureInfo.InvariantCulture);

    /// <summary>
    /// The core plan's runs, most informative first: (1) seed by seed, RP copy and every variant at 1 and 5 values (the instability and
    /// whether a variant removes it); (2) rand at 1 and 5 values (1 value is copy's network: planned, not trained); (3) copy, rand and the
    /// variants at 41 values and copy at 410 (whether a variant costs accuracy where RP is steady); (4) copy and rand over the rest of the
    /// curve (2, 3, 9, 17 values; five seeds at 5 values or fewer, three above), so that the sweep has every target count.
    /// </summary>
    public static IReadOnlyList<PointRun> CoreRuns(Scale scale)
    {
        var targets = TargetsFor(ExperimentPresets.Get(scale));
        var few = new long[] { 1, FewValuesMax }.Where(targets.Contains).ToList();
        var many = new[] { ManyValues, 410L }.Where(targets.Contains).ToList();
        var runs = new List<PointRun>();
        foreach (var seed in FewSeeds(scale))
            foreach (var values in few)
                runs.AddRange(new[] { Copy(values) }.Concat(Variants.Select(v => Point(v, values))).Select(p => new PointRun(p, seed)));
        foreach (var seed in FewSeeds(scale))
            runs.AddRange(few.Select(values => new PointRun(Rand(values), seed)));
        foreach (var seed in OtherSeeds(scale))
        {
            if (many.Count > 0)
                runs.AddRange(new[] { Copy(many[0]), Rand(many[0]) }.Concat(Variants.Select(v => Point(v, many[0]))).Select(p => new PointRun(p, seed)));
            runs.AddRange(many.Skip(1).Select(values => new PointRun(Copy(values), seed)));
        }
        foreach (var values in CurveRest(targets))
            foreach (var seed in SeedsFor(scale, values))
                runs.AddRange([new PointRun(Copy(values), seed), new PointRun(Rand(values), seed)]);
        return runs;

        PlanPoint Copy(long values) => new(CopySeries, Label(values), CopyConfig(scale, values));
        PlanPoint Rand(long values) => RandPoint(scale, values);
        PlanPoint Point(FewValuesVariant v, long values) => VariantPoint(scale, v, values);
    }

    /// <summary>
    /// The extended plan's runs: the core's (<see cref="CoreRuns"/>, complete once the core has run), then the rest, most informative
    /// first: (1) signed constant at one value over more seeds (<see cref="SignCheckSeeds"/>); (2) rand at 410 values; (3) the variants
    /// at 2 and 3 values; (4) the three variants combined at 1, 5 and 41 values; (5) the variants at 410 values. Listing the core first
    /// lets the plan see that a later run repeats a core run's network (signed constants whose m signs came out equal are the 1-value network).
    /// </summary>
    public static IReadOnlyList<PointRun> ExtendedRuns(Scale scale)
    {
        var targets = TargetsFor(ExperimentPresets.Get(scale));
        var rest = CurveRest(targets);
        var runs = CoreRuns(scale).ToList();
        var signedConstant = Variants.Single(v => v.Apply(CopyConfig(scale, 1)).Masking.WeightInit == WeightInit.SignedConstant);
        runs.AddRange(SignCheckSeeds(scale).Select(seed => new PointRun(VariantPoint(scale, signedConstant, 1), seed)));
        foreach (var values in new[] { 410L }.Where(targets.Contains))
            foreach (var seed in SeedsFor(scale, values))
                runs.Add(new PointRun(RandPoint(scale, values), seed));
        foreach (var values in rest.Where(t => t <= FewValuesMax))
            foreach (var seed in SeedsFor(scale, values))
                runs.AddRange(Variants.Select(v => new PointRun(VariantPoint(scale, v, values), seed)));
        foreach (var values in new[] { 1, FewValuesMax, ManyValues }.Where(targets.Contains))
            foreach (var seed in SeedsFor(scale, values))
                runs.Add(new PointRun(VariantPoint(scale, Combined, values), seed));
        foreach (var values in new[] { 410L }.Where(targets.Contains))
            foreach (var seed in SeedsFor(scale, values))
                runs.AddRange(Variants.Select(v => new PointRun(VariantPoint(scale, v, values), seed)));
        return runs;
    }

    /// <summary>The target counts besides the core's four (1, 5, 41, 410): the rest of the curve (2, 3, 9, 17 on the quick model).</summary>
    private static IReadOnlyList<long> CurveRest(IReadOnlyList<long> targets) =>
        targets.Where(t => t is not (1 or FewValuesMax or ManyValues or 410)).ToList();

    private static PlanPoint RandPoint(Scale scale, long values)
    {
        var copy = CopyConfig(scale, values);
        return new PlanPoint(RandSeries, Label(values), copy with { Strategy = copy.Strategy with { PadMode = PadMode.Rand } });
    }

    private static PlanPoint VariantPoint(Scale scale, FewValuesVariant variant, long values) =>
        new(variant.Series, Label(values), variant.Apply(CopyConfig(scale, values)));

    /// <summary>
    /// Each series other than RP copy against RP copy at the same points: its spread and accuracy at the few-values end, what it costs,
    /// and what it does at <see cref="ManyValues"/> values and more. Series with no few-values point are left out.
    /// </summary>
    public static IReadOnlyList<VariantVerdict> Compare(IReadOnlyList<PointSummary> summaries)
    {
        var copy = summaries.Where(s => s.Series == CopySeries).ToDictionary(s => s.Label);
        var verdicts = new List<VariantVerdict>();
        foreach (var group in summaries.Where(s => s.Series != CopySeries).GroupBy(s => s.Series))
        {
            var fewAll = group.Where(s => ValuesOf(s.Label) <= FewValuesMax && copy.ContainsKey(s.Label)).ToList();
            if (fewAll.Count == 0) continue;
            // A point with fewer seeds than a verdict needs (a plan still running, or a run that repeats another's network) would
            // count an sd of one or two seeds as a spread: the verdict is over the points with enough seeds when there are any.
            var complete = fewAll.Where(s => s.Seeds.Count >= MinSeedsForVerdict && copy[s.Label].Seeds.Count >= MinSeedsForVerdict).ToList();
            var few = complete.Count > 0 ? complete : fewAll;
            // A difference needs a spread on both sides: points with fewer seeds than a verdict needs are not compared.
            var many = group.Where(s => ValuesOf(s.Label) >= ManyValues && copy.TryGetValue(s.Label, out var c)
                && s.Seeds.Count >= MinSeedsForVerdict && c.Seeds.Count >= MinSeedsForVerdict).ToList();
            // The mean of the differences over the points and its noise (two standard errors), by the library's one rule.
            var contrast = many.Count == 0 ? null : SeedNoise.Of(many.SelectMany(s => new[]
            {
                (1.0 / many.Count, Reading.Summary(s.Mean, s.Sd, s.Seeds.Count)),
                (-1.0 / many.Count, Reading.Summary(copy[s.Label].Mean, copy[s.Label].Sd, copy[s.Label].Seeds.Count)),
            }).ToList());
            double? difference = contrast?.Value;
            double? noise = contrast?.Noise;
            verdicts.Add(new VariantVerdict(group.Key,
                few.Average(s => s.Mean), few.Max(s => s.Sd),
                few.Average(s => copy[s.Label].Mean), few.Max(s => copy[s.Label].Sd),
                few.All(s => s.Seeds.Count >= MinSeedsForVerdict && s.Sd <= StableSd),
                few.MaxBy(s => ValuesOf(s.Label)) is var largest ? largest!.PrototypeBits - copy[largest.Label].PrototypeBits : 0,
                difference, noise, few.Count));
        }
        return verdicts;
    }

    /// <summary>
    /// The conclusion in sentences, from the numbers: RP copy's spread at the few-values end, which variant (if any) makes it stable and at
    /// what cost, and whether that variant helps or hurts at 41 values and more; every other variant in one line.
    /// </summary>
    public static string Conclude(IReadOnlyList<PointSummary> summaries)
    {
        var c = CultureInfo.InvariantCulture;
        var verdicts = Compare(summaries);
        var lines = new List<string>();
        var copyFew = summaries.Where(s => s.Series == CopySeries && ValuesOf(s.Label) <= FewValuesMax).ToList();
        if (copyFew.Count == 0) return "No RP copy run at the few-values end yet: nothing to conclude.";
        var worst = copyFew.MaxBy(s => s.Sd)!;
        lines.Add(string.Format(c, "RP copy at {0} or fewer values: sd up to {1:0.0} points between seeds ({2}, {3} seeds); stable means an sd of at most {4:0.0} points with {5} seeds or more.",
            FewValuesMax, 100 * worst.Sd, worst.Label, worst.Seeds.Count, 100 * StableSd, MinSeedsForVerdict));
        foreach (var v in verdicts)
            lines.Add(string.Format(c, "{0}: {1} at the few-values end (largest sd {2:0.0} points vs copy's {3:0.0}; mean {4:0.0}% vs {5:0.0}%, over {6} point(s)); " +
                "C_w {7:+#,0;-#,0;0} bits vs copy; at {8}+ values: {9}{10}.",
                v.Series, v.Stable ? "stable" : "not stable", 100 * v.FewMaxSd, 100 * v.CopyFewMaxSd, 100 * v.FewMean, 100 * v.CopyFewMean, v.FewPoints,
                v.ExtraPrototypeBits, ManyValues, v.ManyEffect,
                v.ManyDifference is { } d ? string.Format(c, " ({0:+0.00;-0.00} points, noise +-{1:0.00})", 100 * d, 100 * v.ManyNoise!.Value) : ""));
        var best = verdicts.Where(v => v.Stable).MaxBy(v => v.FewMean);
        lines.Add(best is null
            ? "Conclusion: no variant tested makes the few-values end stable" +
              (verdicts.Count == 0 ? " (no variant measured yet)." : string.Format(c, "; the smallest spread is {0}'s ({1:0.0} points).",
                  verdicts.MinBy(v => v.FewMaxSd)!.Series, 100 * verdicts.Min(v => v.FewMaxSd)))
            : string.Format(c, "Conclusion: {0} makes the few-values end stable (sd at most {1:0.0} points, mean {2:0.0}% vs copy's {3:0.0}%) at {4:+#,0;-#,0;0} bits of C_w, and at {5}+ values it {6}.",
                best.Series, 100 * best.FewMaxSd, 100 * best.FewMean, 100 * best.CopyFewMean, best.ExtraPrototypeBits, ManyValues,
                best.ManyEffect == "not measured" ? "was not measured" : best.ManyEffect == "no measurable difference" ? "makes no measurable difference" : best.ManyEffect));
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>
    /// Every run of RP copy with <see cref="FewValuesMax"/> values or fewer among <paramref name="results"/>, with the values it drew
    /// (read from its config.json in <paramref name="folder"/>, the plans' results folder at a scale), by stored values then seed.
    /// </summary>
    public static IReadOnlyList<SeedDraw> Draws(IEnumerable<PointResult> results, string folder) =>
        results.Where(r => r.Series == CopySeries && ValuesOf(r.Label) <= FewValuesMax)
            .OrderBy(r => ValuesOf(r.Label)).ThenBy(r => r.Seed)
            .Select(r =>
            {
                var run = RunsLocation.At(folder).Run(r.RunId).Path;
                return new SeedDraw(r, run, RunAnalysis.DrawnOfRun(run)[0]);
            })
            .ToList();

    /// <summary>
    /// With one stored value every weight of a layer has that value's sign (sign-symmetric excepted: it tiles [u, -u]). Per series, its
    /// runs at 1 value split by that sign (read from each run's config.json in <paramref name="folder"/>), so that a series' spread can
    /// be told apart from the signs its seeds happened to draw. Rand is not listed: with one value it is copy's network.
    /// </summary>
    public static IReadOnlyList<SignSplit> OneValueSigns(IEnumerable<PointResult> results, string folder) =>
        results.Where(r => ValuesOf(r.Label) == 1 && r.SameAs is null)
            .GroupBy(r => r.Series)
            .Select(g =>
            {
                var runs = g.OrderBy(r => r.Seed)
                    .Select(r => (Run: r, Config: ExperimentJson.Load(RunsLocation.At(folder).Run(r.RunId).ConfigPath)))
                    .Select(r => (r.Run, r.Config, Negative: ValueInspection.Drawn(r.Config.Network)[0].Negative > 0))
                    .ToList();
                return new SignSplit(g.Key, runs.Any(r => r.Config.Strategy.SignSymmetric),
                    runs.Where(r => r.Negative).Select(r => r.Run).ToList(), runs.Where(r => !r.Negative).Select(r => r.Run).ToList());
            })
            .ToList();

    /// <summary>The worst and the best seed of each few-values point (one draw where a point has one seed), fewest values first.</summary>
    public static IReadOnlyList<SeedDraw> Extremes(IReadOnlyList<SeedDraw> draws) =>
        draws.GroupBy(d => d.Run.Label).OrderBy(g => ValuesOf(g.Key))
            .SelectMany(g => new[] { g.MinBy(d => d.Run.BestTestAccuracy)!, g.MaxBy(d => d.Run.BestTestAccuracy)! }.Distinct())
            .ToList();
}
