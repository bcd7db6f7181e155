using System.Globalization;
using System.Text;
using PEMN.Analysis;
using PEMN.Runs;
using PEMN.Runtime;

namespace PEMN.Reports;

/// <summary>
/// A compression panel's results as a committed-results table (like <see cref="LadderTable"/>): provenance, the base
/// configuration, how storage is counted, one row per point and the verdict of <see cref="CompressionComparison.Describe"/>.
/// Written with <see cref="ReportFile.Write"/>, so rerunning on reused runs leaves a committed table as it was.
/// </summary>
public static class CompressionTable
{
    /// <summary>The file name of a panel's table in the plan's scale folder.</summary>
    public static string FileName(CompressionPanel panel) => $"compression-{panel.Key}.md";

    /// <summary>Markdown of <paramref name="points"/> (one panel) made by <paramref name="command"/>.</summary>
    public static string Markdown(CompressionPanel panel, IReadOnlyList<CompressionPoint> points, string command, RunProvenance provenance)
    {
        var c = CultureInfo.InvariantCulture;
        var b = panel.Base;
        var text = new StringBuilder();
        ReportFile.AppendHeader(text, $"Compression against sparse baselines: {panel.Title}", command, provenance);
        text.AppendLine(string.Create(c, $"- data: {Names.Label(b.Data.Dataset)}, model: {b.Model.ShortName}, {b.Training.Epochs} epochs, batch {b.Training.BatchSize}, ")
            + string.Create(c, $"PEMN k = {b.Masking.KeepFraction}, seeds {string.Join(", ", panel.Seeds)}"));
        text.AppendLine("- storage: compression of the conv and linear weights, 1 - (C_w + C_m) / (32 p) as the paper; PEMN: C_w = 32 bits per unique "
            + $"random value, C_m = 1 bit per weight; sparse: C_w = 32 bits per kept weight, C_m = their positions in {Names.Of(panel.SparseIndex)}; "
            + "a target's q is the largest keeping the compression at or above it");
        text.AppendLine("- accuracy: best test accuracy over epochs (the paper's metric), mean and sample standard deviation over the n seeds (none for one seed); stored values: PEMN's unique random values, " +
            "a sparse network's kept weights, every weight of the dense network");
        text.AppendLine("- every run's config, per-epoch history and metrics: `runs/<run id>/` (`parent.json`: the dense run a magnitude-after-training run pruned); one row per run: `runs.csv`");
        text.AppendLine();
        text.AppendLine("| method | point | target | k or q | compression | stored values | n | mean best acc | sd |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        var rows = CompressionComparison.Rows(points);
        foreach (var r in rows)
            text.AppendLine(c, $"| {Names.Label(r.Method)} | {r.Label} | {(r.Target is { } t ? CompressionComparison.Percent(t) : "")} | {r.Keep:0.######} | {r.CompressionRatio:P2} | {r.StoredValues:N0} | {r.Seeds} | {r.Mean:P2} | {ReportFile.Sd(r.Sd, r.Seeds)} |");
        text.AppendLine();
        foreach (var line in CompressionComparison.Describe(rows).Split(Environment.NewLine)) text.AppendLine(c, $"- {line}");
        text.AppendLine();
        text.AppendLine("| point | seed | run id | parent run | train s |");
        text.AppendLine("|---|---:|---|---|---:|");
        foreach (var p in points.DistinctBy(p => p.RunId))
            text.AppendLine(c, $"| {p.Label} | {p.Seed} | {p.RunId} | {p.ParentRunId ?? ""} | {p.Seconds:F0} |");
        return text.ToString();
    }
}
