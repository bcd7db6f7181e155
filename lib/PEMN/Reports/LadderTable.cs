using System.Globalization;
using System.Text;
using PEMN.Configuration;
using PEMN.Runs;
using PEMN.Runtime;
using PEMN.Sweeps;

namespace PEMN.Reports;

/// <summary>
/// The ladder's results as a committed-results table: a markdown file that names the command, commit, machine
/// and date that produced it, next to the runs table it summarises.
/// </summary>
public static class LadderTable
{
    /// <summary>The file name of a plan's ladder table in its scale folder (a plan of several ladders: ladder-&lt;variant&gt;.md).</summary>
    public const string FileName = "ladder.md";

    /// <summary>
    /// Markdown: provenance, base configuration, the caller's notes (e.g. which figure is drawn from it), one row per rung
    /// (unique values, compression, mean and standard deviation of the best test accuracy over the seeds, each seed's
    /// value) and one row per run (seed, run id, training seconds, when it was trained). The content depends only on the
    /// runs, so rerunning on reused runs leaves it as it was (<see cref="ReportFile.Write"/>).
    /// </summary>
    public static string Markdown(IReadOnlyList<LadderResult> rows, ExperimentConfig baseConfig, string command, RunProvenance provenance,
        IEnumerable<string>? notes = null)
    {
        var c = CultureInfo.InvariantCulture;
        var seeds = rows.Select(r => r.Seed).Distinct().Order().ToList();
        var text = new StringBuilder();
        ReportFile.AppendHeader(text, $"Strategy ladder: {baseConfig.Name}, {baseConfig.Model.ShortName}", command, provenance);
        text.AppendLine(c, $"- data: {Names.Label(baseConfig.Data.Dataset)}, model: {baseConfig.Model.ShortName}, " +
            $"{baseConfig.Training.Epochs} epochs, batch {baseConfig.Training.BatchSize}, k = {baseConfig.Masking.KeepFraction}, seeds {string.Join(", ", seeds)}");
        text.AppendLine("- accuracy: best test accuracy over epochs (the paper's metric), mean and sample standard deviation over the n seeds (none for one seed); " +
            "compression: of the conv and linear weights (C_w + C_m against 32 bits per weight, as the paper)");
        foreach (var note in notes ?? []) text.AppendLine(c, $"- {note}");
        text.AppendLine("- every run's config, per-epoch history and metrics: `runs/<run id>/`; one row per run: `runs.csv`");
        text.AppendLine();
        text.AppendLine(c, $"| rung | unique values | compression | n | mean best acc | sd | {string.Join(" | ", seeds.Select(s => $"seed {s}"))} |");
        text.AppendLine(c, $"|---|---:|---:|---:|---:|---:|{string.Concat(seeds.Select(_ => "---:|"))}");
        foreach (var r in StrategyLadder.Summarize(rows))
        {
            var unique = r.Label == StrategyLadder.Rungs[0].Label ? "(trained)" : r.UniqueValues.ToString("N0", c);
            var same = r.SameAs is null ? "" : $" (= {r.SameAs})";
            text.AppendLine(c, $"| {r.Label}{same} | {unique} | {r.CompressionRatio:P2} | {r.PerSeed.Count} | {r.Mean:P2} | {ReportFile.Sd(r.Sd, r.PerSeed.Count)} | {string.Join(" | ", r.PerSeed.Select(a => a.ToString("P2", c)))} |");
        }
        text.AppendLine();
        text.AppendLine("| rung | seed | run id | train s | trained (UTC) |");
        text.AppendLine("|---|---:|---|---:|---|");
        foreach (var r in rows.Where(r => r.SameAs is null))
            text.AppendLine(c, $"| {r.Label} | {r.Seed} | {r.RunId} | {r.Seconds:F0} | {r.TrainedAt} |");
        return text.ToString();
    }
}
