using System.Globalization;
using PEMN.Configuration;
using PEMN.Runtime;
using PEMN.Strategies;
using PEMN.Sweeps;

namespace PEMN.Analysis;

/// <summary>
/// Does bf16 mixed precision (training.precision = bf16) train to the accuracy of fp32? Dense, Mask and RP 1e-2 on the
/// scale's ConvMixer over the ladder's seeds, in both precisions: the fp32 runs are the strategy ladder's own (copied, not
/// trained again), the bf16 runs differ from them in the precision only. The verdict counts a rung as the same when its
/// bf16 mean lies within fp32's seed standard deviation of the fp32 mean.
/// </summary>
public static class PrecisionComparison
{
    /// <summary>The plan's results folder under results/.</summary>
    public const string Folder = "precision";

    /// <summary>The rungs compared: the ends of the ladder that matter most (trained weights, masks alone, 41 shared values at quick scale).</summary>
    public static IReadOnlyList<LadderRung> Rungs { get; } =
    [
        StrategyLadder.Rungs[0], StrategyLadder.Rungs[1],
        new(new StrategyConfig(StrategyName.RandomVectorPadding, 1e-2)),
    ];

    /// <summary>The precisions compared, in the order of the table.</summary>
    public static IReadOnlyList<Precision> Precisions { get; } = [Precision.Fp32, Precision.Bf16];

    /// <summary>Every run at a scale: each rung in both precisions at every seed of the ladder.</summary>
    public static IReadOnlyList<PointRun> Runs(Scale scale)
    {
        var steps = StrategyLadder.Steps(ExperimentPresets.Get(scale), Rungs);
        return Scales.LadderSeeds(scale).SelectMany(seed => steps.SelectMany(step => Precisions.Select(precision => new PointRun(
            new PlanPoint(Names.Of(precision), step.Label, step.Config with { Training = step.Config.Training with { Precision = precision } }), seed)))).ToList();
    }

    /// <summary>One rung: fp32 and bf16 over their seeds, and whether they agree.</summary>
    /// <param name="Rung">The rung's label.</param>
    /// <param name="Fp32">fp32's summary.</param>
    /// <param name="Bf16">bf16's summary.</param>
    public sealed record Row(string Rung, PointSummary Fp32, PointSummary Bf16)
    {
        /// <summary>bf16's mean minus fp32's, in accuracy (fraction).</summary>
        public double Difference => Bf16.Mean - Fp32.Mean;

        /// <summary>Whether bf16's mean lies within fp32's seed standard deviation (never with fewer than two seeds of fp32).</summary>
        public bool Same => Fp32.Seeds.Count >= 2 && Math.Abs(Difference) <= Fp32.Sd;
    }

    /// <summary>The rows of every rung that has results in both precisions.</summary>
    public static IReadOnlyList<Row> Compare(IEnumerable<PointResult> results)
    {
        var summaries = PointPlan.Summarize(results);
        return summaries.Where(s => s.Series == Names.Of(Precision.Fp32))
            .Select(f => (f, b: summaries.FirstOrDefault(s => s.Series == Names.Of(Precision.Bf16) && s.Label == f.Label)))
            .Where(p => p.b is not null)
            .Select(p => new Row(p.f.Label, p.f, p.b!)).ToList();
    }

    /// <summary>The verdict, one line per rung and a conclusion: the notes of the plan's table.</summary>
    public static IReadOnlyList<string> Verdict(IEnumerable<PointResult> results)
    {
        var c = CultureInfo.InvariantCulture;
        var rows = Compare(results);
        if (rows.Count == 0) return ["verdict: no rung has runs in both precisions yet"];
        var lines = rows.Select(r => string.Create(c,
            $"{r.Rung}: bf16 {100 * r.Bf16.Mean:F2} +- {100 * r.Bf16.Sd:F2} % (n = {r.Bf16.Seeds.Count}) against fp32 {100 * r.Fp32.Mean:F2} +- {100 * r.Fp32.Sd:F2} % " +
            $"(n = {r.Fp32.Seeds.Count}): {100 * r.Difference:+0.00;-0.00} points, {(r.Same ? "within" : "outside")} fp32's seed sd")).ToList();
        var same = rows.Count(r => r.Same);
        lines.Add(same == rows.Count
            ? $"verdict: bf16 trains to fp32's accuracy within fp32's seed sd on all {rows.Count} rungs"
            : $"verdict: bf16 differs from fp32 by more than fp32's seed sd on {rows.Count - same} of {rows.Count} rungs ({string.Join(", ", rows.Where(r => !r.Same).Select(r => r.Rung))})");
        return lines;
    }
}
