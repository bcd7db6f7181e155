using PEMN.Runtime;

namespace PEMN.Experiments;

/// <summary>One run folder whose id changed.</summary>
/// <param name="OldId">The folder's name before.</param>
/// <param name="NewId">The id its config has now.</param>
/// <param name="Note">What was done: "renamed", or why not (the new id's folder exists already).</param>
public sealed record RunRename(string OldId, string NewId, string Note);

/// <summary>
/// Keeps recorded runs recognised when the run-id rule changes (<see cref="ExperimentJson.RunId"/>): every run folder
/// under &lt;out&gt;/runs/ is renamed to the id its own config.json has under the current rule, and the runs table's
/// run_id column follows. Nothing is retrained; configs, histories and metrics are untouched.
/// </summary>
public static class RunMigration
{
    /// <summary>Migrates an output folder and its runs table.</summary>
    /// <param name="outDirectory">The folder holding runs/ (the parent of the run folders).</param>
    /// <param name="csvPath">Its runs table (default &lt;out&gt;/runs.csv).</param>
    /// <param name="dryRun">Only report what would change.</param>
    /// <returns>Every run whose id changed.</returns>
    public static IReadOnlyList<RunRename> Migrate(string outDirectory, string? csvPath = null, bool dryRun = false)
    {
        var runs = Path.Combine(outDirectory, ExperimentRunner.RunsFolder);
        if (!Directory.Exists(runs)) return [];
        var renames = new List<RunRename>();
        foreach (var folder in Directory.GetDirectories(runs).Order(StringComparer.Ordinal))
        {
            var configFile = Path.Combine(folder, ExperimentRunner.ConfigFile);
            if (!File.Exists(configFile)) continue;
            var oldId = Path.GetFileName(folder);
            var newId = ExperimentJson.RunId(ExperimentJson.Load(configFile));
            if (newId == oldId) continue;
            var target = Path.Combine(runs, newId);
            if (Directory.Exists(target))
            {
                renames.Add(new RunRename(oldId, newId, $"kept: {newId} exists already (the same experiment recorded twice)"));
                continue;
            }
            if (!dryRun) Directory.Move(folder, target);
            renames.Add(new RunRename(oldId, newId, "renamed"));
        }
        var csv = csvPath ?? Path.Combine(outDirectory, ExperimentRunner.CsvFile);
        var renamed = renames.Where(r => r.Note == "renamed").ToDictionary(r => r.OldId, r => r.NewId);
        if (!dryRun && renamed.Count > 0 && File.Exists(csv))
        {
            var (header, rows) = RunsCsv.Read(csv);
            foreach (var row in rows)
                if (renamed.TryGetValue(row.GetValueOrDefault(RunsCsv.RunIdColumn, ""), out var id)) row[RunsCsv.RunIdColumn] = id;
            RunsCsv.Write(csv, header, rows);
        }
        return renames;
    }
}
