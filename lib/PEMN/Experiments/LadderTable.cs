using System.Globalization;
using System.Text;

namespace PEMN.Experiments;

/// <summary>
/// The ladder's results as a committed-results table: a markdown file that names the command, commit, machine
/// and date that produced it, next to the runs table it summarises.
/// </summary>
public static class LadderTable
{
    /// <summary>Markdown: provenance, base configuration and one row per rung.</summary>
    public static string Markdown(IReadOnlyList<LadderResult> rows, ExperimentConfig baseConfig, string command, RunProvenance provenance)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"# Strategy ladder: {baseConfig.Name}");
        text.AppendLine();
        text.AppendLine(c, $"- command: `{command}`");
        text.AppendLine(c, $"- table written at commit: {provenance.GitCommit} (each run's own commit is in runs.csv)");
        text.AppendLine(c, $"- machine: {provenance.Machine}, {provenance.Threads} torch threads, {Environment.ProcessorCount} cores");
        text.AppendLine(c, $"- date: {provenance.Date}");
        text.AppendLine(c, $"- data: {baseConfig.Data.Dataset}, model: {baseConfig.Model.Name} dim {baseConfig.Model.Dim} depth {baseConfig.Model.Depth}, " +
            $"{baseConfig.Training.Epochs} epochs, batch {baseConfig.Training.BatchSize}, k = {baseConfig.Masking.KeepFraction}, seed {baseConfig.Training.Seed}");
        text.AppendLine("- figure `ladder.png`: drawn from these runs by `notebooks/01_strategy_ladder.ipynb`, rendered by `scripts/render-charts.sh` (both steps of `scripts/reproduce.sh`)");
        text.AppendLine("- every run's config, per-epoch history and metrics: `runs/<run id>/`; one row per run: `runs.csv`");
        text.AppendLine();
        text.AppendLine("| rung | unique values | compression | best test acc | final test acc | train s | run id |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (var r in rows)
            text.AppendLine(c, $"| {r.Label} | {(r.Label == StrategyLadder.Rungs[0].Label ? "(trained)" : r.UniqueValues.ToString("N0", c))} | {r.CompressionRatio:P2} | {r.BestTestAccuracy:P2} | {r.FinalTestAccuracy:P2} | {r.Seconds:F0} | {r.RunId} |");
        return text.ToString();
    }
}
