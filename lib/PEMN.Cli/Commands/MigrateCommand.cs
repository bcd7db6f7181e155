using System.CommandLine;
using PEMN.Cli.Options;
using PEMN.Runs;

namespace PEMN.Cli.Commands;

/// <summary>
/// <c>pemn migrate --out FOLDER</c>: renames recorded run folders (and the runs table's ids) to the ids their configs
/// have under the current run-id rule, so complete runs keep being reused after an upgrade. Nothing is retrained.
/// </summary>
public static class MigrateCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("migrate",
            "Bring recorded runs up to the current rules: rename run folders (<out>/runs/<id>) and the ids in <out>/runs.csv to the ids their " +
            "config.json files have now, give runs recorded before provenance.json one from their table row, and rebuild the table from the run folders. " +
            "Nothing is retrained.");
        var runs = new RunsOptions(required: true, otherTable: true);
        var dryRun = new Option<bool>("--dry-run") { Description = "Only list what would be renamed." };
        runs.AddTo(command);
        command.Options.Add(dryRun);
        command.SetAction(parse => Pemn.Guard(() =>
        {
            var location = runs.Resolve(parse);
            var (outDir, table) = (location.Directory, location.Table);
            if (!Directory.Exists(outDir)) throw new UsageException("--out", $"'{outDir}' is not a folder.");
            var dry = parse.GetValue(dryRun);
            if (!dry) RunCommands.Check(() => RunsTable.CheckTarget(table), ("--csv", table));
            var report = RunMigration.Migrate(outDir, table, dry);
            foreach (var r in report.Renames) Console.WriteLine($"{r.OldId} -> {r.NewId}: {(dry ? "would be " : "")}{r.Note}");
            foreach (var id in report.ProvenanceRecorded) Console.WriteLine($"{id}: provenance.json {(dry ? "would be " : "")}written from its table row");
            Console.WriteLine($"{report.Renames.Count(r => r.Note == "renamed")} run(s) {(dry ? "to rename" : "renamed")}, " +
                $"{report.ProvenanceRecorded.Count} provenance record(s) {(dry ? "to write" : "written")} under {outDir}");
            if (!dry)
            {
                // The table, assembled again from the (renamed, completed) run folders.
                var rebuilt = RunsTable.Rebuild(outDir, table);
                Console.WriteLine($"table {table}: {rebuilt.Rows} rows{(rebuilt.Written ? "" : " (unchanged)")}");
                foreach (var problem in rebuilt.Unreadable) Console.Error.WriteLine($"left out of the table: {problem.Message}");
            }
            return ExitCodes.Ok;
        }));
        return command;
    }
}
