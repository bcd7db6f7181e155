using System.CommandLine;
using PEMN.Experiments;

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
            "Rename recorded run folders (<out>/runs/<id>) and the ids in <out>/runs.csv to the ids their config.json files have now, " +
            "so complete runs keep being reused after the run-id rule changed.");
        var output = new Option<string>("--out") { Description = "The folder holding runs/ and runs.csv.", Required = true };
        var csv = new Option<string>("--csv") { Description = "Its runs table (default <out>/runs.csv)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only list what would be renamed." };
        command.Options.Add(output);
        command.Options.Add(csv);
        command.Options.Add(dryRun);
        command.SetAction(parse => Pemn.Guard(() =>
        {
            var outDir = Path.GetFullPath(parse.GetValue(output)!);
            if (!Directory.Exists(outDir)) throw new Options.UsageException("--out", $"'{outDir}' is not a folder.");
            var renames = RunMigration.Migrate(outDir, parse.GetValue(csv) is { } c ? Path.GetFullPath(c) : null, parse.GetValue(dryRun));
            foreach (var r in renames) Console.WriteLine($"{r.OldId} -> {r.NewId}: {(parse.GetValue(dryRun) ? "would be " : "")}{r.Note}");
            Console.WriteLine($"{renames.Count(r => r.Note == "renamed")} run(s) {(parse.GetValue(dryRun) ? "to rename" : "renamed")} under {outDir}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
