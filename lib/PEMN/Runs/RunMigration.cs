using PEMN.Configuration;

namespace PEMN.Runs;

/// <summary>One run folder whose id changed.</summary>
/// <param name="OldId">The folder's name before.</param>
/// <param name="NewId">The id its config has now.</param>
/// <param name="Note">What was done: "renamed", or why not (the new id's folder exists already).</param>
public sealed record RunRename(string OldId, string NewId, string Note);

/// <summary>What a migration changed (or, in a dry run, would change).</summary>
/// <param name="Renames">Every run whose id changed.</param>
/// <param name="ProvenanceRecorded">Complete runs that got a provenance.json from their row of the runs table.</param>
public sealed record RunMigrationReport(IReadOnlyList<RunRename> Renames, IReadOnlyList<string> ProvenanceRecorded);

/// <summary>
/// Keeps recorded runs recognised when the run-id rule or the record layout changes:
/// <list type="bullet">
/// <item>every run folder under &lt;out&gt;/runs/ is renamed to the id its own config.json has under the current rule
/// (<see cref="ExperimentJson.RunId"/>), and the runs table's run_id column follows;</item>
/// <item>a complete run recorded before provenance.json existed (its provenance lived only in the table) gets one, from its
/// table row, so that the table can be rebuilt from the run folders alone (<see cref="RunsTable.Rebuild"/>).</item>
/// </list>
/// Nothing is retrained; configs, histories and metrics are untouched.
/// </summary>
public static class RunMigration
{
    /// <summary>Migrates an output folder and its runs table.</summary>
    /// <param name="outDirectory">The folder holding runs/ (the parent of the run folders).</param>
    /// <param name="csvPath">Its runs table (default &lt;out&gt;/runs.csv).</param>
    /// <param name="dryRun">Only report what would change.</param>
    public static RunMigrationReport Migrate(string outDirectory, string? csvPath = null, bool dryRun = false)
    {
        var runs = RunsLocation.At(outDirectory).RunsDirectory;
        if (!Directory.Exists(runs)) return new RunMigrationReport([], []);
        var csv = csvPath ?? RunsLocation.At(outDirectory).Table;
        var renames = Rename(runs, csv, dryRun);
        var recorded = RecordProvenance(runs, csv, dryRun);
        return new RunMigrationReport(renames, recorded);
    }

    private static List<RunRename> Rename(string runs, string csv, bool dryRun)
    {
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

    // Folder names and table ids agree here: both renamed, or (dry run) neither.
    private static List<string> RecordProvenance(string runs, string csv, bool dryRun)
    {
        if (!File.Exists(csv)) return [];
        var rows = RunsCsv.Read(csv).Rows;
        var recorded = new List<string>();
        foreach (var folder in Directory.GetDirectories(runs).Order(StringComparer.Ordinal))
        {
            var run = new RunFolder(folder);
            if (!File.Exists(run.MetricsPath) || File.Exists(run.ProvenancePath)) continue;
            if (rows.FirstOrDefault(r => r.GetValueOrDefault(RunsCsv.RunIdColumn) == run.RunId) is not { } row
                || RunProvenance.FromTableRow(row) is not { } provenance)
                continue;
            if (!dryRun) RunFolder.Save(run.ProvenancePath, provenance);
            recorded.Add(run.RunId);
        }
        return recorded;
    }
}
