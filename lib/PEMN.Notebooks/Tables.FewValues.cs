using System.Globalization;
using PEMN.Analysis;
using PEMN.Sweeps;

namespace PEMN.Notebooks;

/// <summary>The few-values experiment's tables (notebook 04, <see cref="FewValues"/>).</summary>
public static partial class Tables
{
    /// <summary>
    /// Points over seeds (<see cref="PointPlan.Summarize"/>): per series and point its C_w, mean ± sd and every seed's best test
    /// accuracy (a column per seed any point has; empty where a point has no run of that seed), the reused runs in a note.
    /// </summary>
    public static HtmlTable Points(IReadOnlyList<PointSummary> summaries, string? caption = null)
    {
        var seeds = summaries.SelectMany(s => s.Seeds).Distinct().Order().ToList();
        var table = new HtmlTable(caption ?? "Best test accuracy, % (mean ± sd over seeds)")
            .Column("series").Column("point").Column("C_w", Align.Right).Column("runs", Align.Right).Column("accuracy (mean ± sd)", Align.Right);
        foreach (var seed in seeds) table.Column($"seed {seed}", Align.Right);
        foreach (var s in summaries)
        {
            var cells = new List<string>
            {
                s.Series, s.Label, Numbers.Bits(s.PrototypeBits), s.Seeds.Count.ToString(CultureInfo.InvariantCulture),
                s.Seeds.Count < 2 ? Numbers.Points(s.Mean) : $"{Numbers.Points(s.Mean)} ± {Numbers.Points(s.Sd)}",
            };
            var bySeed = s.Seeds.Zip(s.PerSeed).ToDictionary(p => p.First, p => p.Second);
            cells.AddRange(seeds.Select(seed => bySeed.TryGetValue(seed, out var a) ? Numbers.Points(a) : ""));
            table.Row(cells);
        }
        return table;
    }

    /// <summary>Results of a points plan with how they came about: a note on how many runs were reused and when they were trained.</summary>
    public static HtmlTable Points(IReadOnlyList<PointResult> results, string? caption = null)
    {
        var table = Points(PointPlan.Summarize(results), caption);
        var runs = results.Where(r => r.SameAs is null).DistinctBy(r => r.RunId).ToList();
        var reused = runs.Count(r => r.Reused);
        table.Note($"{runs.Count} run(s), {Numbers.Duration(runs.Sum(r => r.Seconds))} of training in all" +
            (runs.Count > 0 && reused == runs.Count ? ", all reused from earlier runs." : reused > 0 ? $", {reused} reused, {runs.Count - reused} trained now." : "."));
        return table;
    }

    /// <summary>What each few-values run of RP copy drew: its values relative to the largest layer's Kaiming std, and its accuracy.</summary>
    public static HtmlTable Draws(IReadOnlyList<SeedDraw> draws)
    {
        var table = new HtmlTable("RP copy at the few-values end: the values each seed drew (/ Kaiming std of the largest layer)")
            .Column("point").Column("seed", Align.Right).Column("best accuracy", Align.Right).Column("values / sigma")
            .Column("negative", Align.Right).Column("mean |v| / sigma", Align.Right);
        foreach (var d in draws)
            table.Row(d.Run.Label, d.Run.Seed.ToString(CultureInfo.InvariantCulture), Numbers.Percent(d.Run.BestTestAccuracy),
                string.Join(", ", d.Drawn.Listed.Select(v => v.ToString("+0.00;-0.00", CultureInfo.InvariantCulture))) + (d.Drawn.Count > d.Drawn.Listed.Count ? ", ..." : ""),
                $"{d.Drawn.Negative} of {d.Drawn.Count}", Numbers.Fixed(d.Drawn.MeanAbs, 2));
        return table;
    }

    /// <summary>
    /// Each series at one stored value, its seeds split by the sign the value was drawn with (<see cref="FewValues.OneValueSigns"/>):
    /// how many, their mean best test accuracy and each seed's.
    /// </summary>
    public static HtmlTable Signs(IReadOnlyList<SignSplit> splits)
    {
        var table = new HtmlTable("One stored value: best test accuracy by the sign the draw gave it")
            .Column("series").Column("value < 0: seeds", Align.Right).Column("mean", Align.Right).Column("value > 0: seeds", Align.Right).Column("mean", Align.Right);
        foreach (var s in splits)
            table.Row(s.BothSigns ? $"{s.Series} (every layer holds both signs)" : s.Series, Seeds(s.Negative), Mean(s.Negative), Seeds(s.Positive), Mean(s.Positive));
        table.Note("seeds: seed (best test accuracy, %); mean: over those seeds.");
        return table;

        static string Seeds(IReadOnlyList<PointResult> runs) => runs.Count == 0 ? "none"
            : string.Join(", ", runs.Select(r => $"{r.Seed.ToString(CultureInfo.InvariantCulture)} ({Numbers.Points(r.BestTestAccuracy)})"));
        static string Mean(IReadOnlyList<PointResult> runs) => runs.Count == 0 ? "" : Numbers.Percent(runs.Average(r => r.BestTestAccuracy));
    }

    /// <summary>
    /// How trained networks responded to their values (<see cref="RunAnalysis.ForRun"/>), one row per run: share of negative weights,
    /// what the masks kept of each sign (mean over layers), BatchNorm channels with a negative scale. A run with neither analysis.json
    /// nor checkpoint says so.
    /// </summary>
    public static HtmlTable Responses(IReadOnlyList<SeedDraw> draws)
    {
        var table = new HtmlTable("How the trained networks responded")
            .Column("point").Column("seed", Align.Right).Column("best accuracy", Align.Right).Column("negative weights", Align.Right)
            .Column("kept of positive", Align.Right).Column("kept of negative", Align.Right).Column("BN channels flipped", Align.Right)
            .Column("mean |gamma|", Align.Right);
        var missing = 0;
        foreach (var d in draws)
        {
            var cells = new List<string> { d.Run.Label, d.Run.Seed.ToString(CultureInfo.InvariantCulture), Numbers.Percent(d.Run.BestTestAccuracy) };
            var a = RunAnalysis.ForRun(d.RunDirectory);
            if (a is null)
            {
                missing++;
                cells.AddRange(["(no analysis)", "", "", "", ""]);
            }
            else
                cells.AddRange([Numbers.Percent(a.NegativeFraction, 1), Optional(a.KeptOfPositive), Optional(a.KeptOfNegative),
                    Numbers.Percent(a.FlippedChannelFraction, 1), a.MeanAbsScale is { } g ? Numbers.Fixed(g, 2) : ""]);
            table.Row(cells, muted: a is null);
        }
        if (missing > 0)
            table.Note($"{missing} run(s) without {RunAnalysis.AnalysisFile}: `scripts/pemn plan few_values` writes it where the run's checkpoint is.");
        table.Note("kept of positive / negative: of each layer's positive (negative) weights, the share its mask keeps, averaged over layers; empty where no layer has such weights.");
        return table;
    }

    /// <summary>A trained network's masked layers (<see cref="NetworkAnalysis.Layers"/>): values and what the mask kept of each sign, sizes / the layer's Kaiming std.</summary>
    public static HtmlTable Analysis(NetworkAnalysis analysis)
    {
        var table = new HtmlTable($"Run {analysis.RunId}: values and masks per layer (sizes / the layer's Kaiming std)")
            .Column("layer").Column("negative", Align.Right).Column("mean |w| / sigma", Align.Right).Column("kept", Align.Right)
            .Column("kept of +", Align.Right).Column("kept of -", Align.Right).Column("kept mean / sigma", Align.Right);
        foreach (var l in analysis.Layers)
            table.Row(l.Path, Numbers.Percent(l.NegativeFraction, 1), Numbers.Fixed(l.MeanAbs, 2), Numbers.Percent(l.KeptFraction, 1),
                Optional(l.KeptOfPositive), Optional(l.KeptOfNegative), Numbers.Fixed(l.KeptMean, 2));
        return table;
    }

    /// <summary>A trained network's norm layers (<see cref="NetworkAnalysis.Norms"/>): the learned affine and the running statistics.</summary>
    public static HtmlTable Norms(NetworkAnalysis analysis)
    {
        var table = new HtmlTable($"Run {analysis.RunId}: norm layers")
            .Column("layer").Column("kind").Column("channels", Align.Right).Column("negative scale", Align.Right)
            .Column("mean |gamma|", Align.Right).Column("mean beta", Align.Right).Column("running std", Align.Right);
        foreach (var n in analysis.Norms)
            table.Row(n.Path, n.Kind, Numbers.Count(n.Channels), Optional(n.NegativeScaleFraction), n.MeanAbsScale is { } g ? Numbers.Fixed(g, 2) : "",
                n.MeanShift is { } b ? Numbers.Fixed(b, 2) : "", n.MeanRunningStd is { } s ? Numbers.Fixed(s, 3) : "");
        return table;
    }

    private static string Optional(double? fraction) => fraction is { } f ? Numbers.Percent(f, 1) : "";

    /// <summary>The variants tested against RP copy: what each tests and what it costs.</summary>
    public static HtmlTable Variants(IEnumerable<FewValuesVariant> variants)
    {
        var table = new HtmlTable("Variants of RP copy").Column("variant").Column("tests").Column("storage beyond RP copy");
        foreach (var v in variants) table.Row(v.Series, v.Hypothesis, v.StorageCost);
        return table;
    }

    /// <summary>Each variant against RP copy (<see cref="FewValues.Compare"/>): stable or not, mean and largest sd at the few-values end, C_w, and 41+ values.</summary>
    public static HtmlTable Verdicts(IReadOnlyList<VariantVerdict> verdicts)
    {
        var table = new HtmlTable($"The variants against RP copy: {FewValues.FewValuesMax} values or fewer, and {FewValues.ManyValues} or more")
            .Column("variant").Column("stable").Column("mean", Align.Right).Column("copy's mean", Align.Right).Column("largest sd", Align.Right)
            .Column("copy's largest sd", Align.Right).Column("C_w vs copy", Align.Right).Column($"{FewValues.ManyValues}+ values").Column("difference", Align.Right);
        foreach (var v in verdicts)
            table.Row(v.Series, v.Stable ? "yes" : "no", Numbers.Points(v.FewMean), Numbers.Points(v.CopyFewMean), Numbers.Points(v.FewMaxSd),
                Numbers.Points(v.CopyFewMaxSd), v.ExtraPrototypeBits.ToString("+#,0;-#,0;0", CultureInfo.InvariantCulture) + " bits", v.ManyEffect,
                v.ManyDifference is { } d ? $"{Numbers.SignedPoints(d, 2)} (noise ± {Numbers.Points(v.ManyNoise!.Value)})" : "");
        table.Note($"Stable: every point with {FewValues.FewValuesMax} values or fewer has {FewValues.MinSeedsForVerdict} seeds or more and an sd of at most " +
            $"{Numbers.Points(FewValues.StableSd, 1)} point(s). Accuracies in %, sd in points; noise: two standard errors of the difference.");
        return table;
    }
}
