using System.Globalization;
using System.Text;
using PEMN.Runs;
using PEMN.Sweeps;

namespace PEMN.Reports;

/// <summary>The Markdown table of a points part (<see cref="PointsPart"/>): the few-values study, the k sweep, the precision comparison.</summary>
public static class PointTable
{
    /// <summary>
    /// Markdown of a points part's results: provenance (the lines <see cref="ReportFile.Write"/> ignores), one row per point
    /// (stored values, C_w, compression, mean and sd, each seed) and one row per trained run.
    /// </summary>
    public static string Markdown(string title, IReadOnlyList<PointResult> results, string command, RunProvenance provenance, IEnumerable<string>? notes = null)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        ReportFile.AppendHeader(text, title, command, provenance);
        text.AppendLine("- accuracy: best test accuracy over epochs, mean and sample standard deviation over the n seeds (none for one seed); C_w: bits of the stored random values " +
            "(and of a permutation seed); compression: of the conv and linear weights");
        foreach (var note in notes ?? []) text.AppendLine(c, $"- {note}");
        text.AppendLine();
        text.AppendLine("| series | point | stored values | C_w bits | compression | n | mean best acc | sd | per seed |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var s in PointPlan.Summarize(results))
            text.AppendLine(c, $"| {s.Series} | {s.Label} | {s.StoredValues:N0} | {s.PrototypeBits:N0} | {s.CompressionRatio:P2} | {s.Seeds.Count} | {s.Mean:P2} | " +
                $"{ReportFile.Sd(s.Sd, s.Seeds.Count)} | {string.Join(", ", s.Seeds.Zip(s.PerSeed, (seed, a) => $"{seed}: {a.ToString("P2", c)}"))} |");
        text.AppendLine();
        text.AppendLine("| series | point | seed | run id | train s |");
        text.AppendLine("|---|---|---:|---|---:|");
        foreach (var r in results)
            text.AppendLine(c, $"| {r.Series} | {r.Label} | {r.Seed} | {r.RunId}{(r.SameAs is null ? "" : " (same network)")} | {r.Seconds:F0} |");
        return text.ToString();
    }
}
