using System.Globalization;
using System.Text;
using PEMN.Configuration;
using PEMN.Plans;
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
    // The lines that say where and when the table was written. They change on every run, also when every run
    // was reused and nothing else in the table did; Write ignores them when deciding whether to replace a file.
    // Internal: the compression tables (CompressionTable) write the same lines, so that Write treats them alike.
    internal const string CommitLine = "- table written at commit: ";
    internal const string MachineLine = "- machine: ";
    internal const string DateLine = "- date: ";

    /// <summary>
    /// Markdown: provenance, base configuration, the caller's notes (e.g. which figure is drawn from it), one row per rung
    /// (unique values, compression, mean and standard deviation of the best test accuracy over the seeds, each seed's
    /// value) and one row per run (seed, run id, training seconds, when it was trained). The content depends only on the
    /// runs, so rerunning on reused runs leaves it as it was (<see cref="Write"/>).
    /// </summary>
    public static string Markdown(IReadOnlyList<LadderResult> rows, ExperimentConfig baseConfig, string command, RunProvenance provenance,
        IEnumerable<string>? notes = null)
    {
        var c = CultureInfo.InvariantCulture;
        var seeds = rows.Select(r => r.Seed).Distinct().Order().ToList();
        var text = new StringBuilder();
        text.AppendLine(c, $"# Strategy ladder: {baseConfig.Name}, {baseConfig.Model.ShortName}");
        text.AppendLine();
        text.AppendLine(c, $"- command: `{command}`");
        text.AppendLine(c, $"{CommitLine}{provenance.GitCommit} (each run's own commit is in runs.csv)");
        text.AppendLine(c, $"{MachineLine}{provenance.Machine}, {provenance.Threads} torch threads, {Environment.ProcessorCount} cores");
        text.AppendLine(c, $"{DateLine}{provenance.Date}");
        text.AppendLine(c, $"- data: {Names.Label(baseConfig.Data.Dataset)}, model: {baseConfig.Model.ShortName}, " +
            $"{baseConfig.Training.Epochs} epochs, batch {baseConfig.Training.BatchSize}, k = {baseConfig.Masking.KeepFraction}, seeds {string.Join(", ", seeds)}");
        text.AppendLine("- accuracy: best test accuracy over epochs (the paper's metric), mean and sample standard deviation over the seeds; " +
            "compression: of the conv and linear weights (C_w + C_m against 32 bits per weight, as the paper)");
        foreach (var note in notes ?? []) text.AppendLine(c, $"- {note}");
        text.AppendLine("- every run's config, per-epoch history and metrics: `runs/<run id>/`; one row per run: `runs.csv`");
        text.AppendLine();
        text.AppendLine(c, $"| rung | unique values | compression | mean best acc | sd | {string.Join(" | ", seeds.Select(s => $"seed {s}"))} |");
        text.AppendLine(c, $"|---|---:|---:|---:|---:|{string.Concat(seeds.Select(_ => "---:|"))}");
        foreach (var r in StrategyLadder.Summarize(rows))
        {
            var unique = r.Label == StrategyLadder.Rungs[0].Label ? "(trained)" : r.UniqueValues.ToString("N0", c);
            var same = r.SameAs is null ? "" : $" (= {r.SameAs})";
            text.AppendLine(c, $"| {r.Label}{same} | {unique} | {r.CompressionRatio:P2} | {r.Mean:P2} | {100 * r.Sd:0.00} | {string.Join(" | ", r.PerSeed.Select(a => a.ToString("P2", c)))} |");
        }
        text.AppendLine();
        text.AppendLine("| rung | seed | run id | train s | trained (UTC) |");
        text.AppendLine("|---|---:|---|---:|---|");
        foreach (var r in rows.Where(r => r.SameAs is null))
            text.AppendLine(c, $"| {r.Label} | {r.Seed} | {r.RunId} | {r.Seconds:F0} | {r.TrainedAt} |");
        return text.ToString();
    }

    /// <summary>
    /// Writes <paramref name="markdown"/> to <paramref name="path"/> unless the file there differs from it only in
    /// the commit, machine and date lines: rerunning the ladder on reused runs then leaves a committed table (and a
    /// clean checkout) as it was. Returns true when the file was written.
    /// </summary>
    public static bool Write(string path, string markdown)
    {
        if (File.Exists(path) && WithoutProvenance(File.ReadAllText(path)) == WithoutProvenance(markdown))
            return false;
        AtomicFile.WriteAllText(path, markdown);
        return true;
    }

    private static string WithoutProvenance(string markdown) =>
        string.Join("\n", markdown.Split('\n').Select(line => line.TrimEnd('\r'))
            .Where(line => !line.StartsWith(CommitLine, StringComparison.Ordinal) && !line.StartsWith(MachineLine, StringComparison.Ordinal)
                && !line.StartsWith(DateLine, StringComparison.Ordinal)));
}
