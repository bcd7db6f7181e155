using PEMN.Configuration;
using PEMN.Runs;

namespace PEMN.Tests.Runs;

public class RunMigrationTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "pemn-migrate-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void RunsRecordedUnderAnOldIdAreRenamedAndReusedWithoutRetraining()
    {
        var config = ExperimentPresets.Smoke with { Training = ExperimentPresets.Smoke.Training with { Epochs = 1 } };
        var first = new ExperimentRunner().Run(config, folder);
        // As an older id rule would have named it.
        const string oldId = "mask-convmixer16x2-0123456789";
        Directory.Move(first.RunDirectory, Path.Combine(folder, RunsLocation.RunsFolderName, oldId));
        var csv = Path.Combine(folder, RunsLocation.TableName);
        File.WriteAllText(csv, File.ReadAllText(csv).Replace(first.RunId, oldId));
        Assert.Equal(RunStatus.New, ExperimentRunner.StatusOf(folder, config));

        Assert.Equal([new RunRename(oldId, first.RunId, "renamed")], RunMigration.Migrate(folder, dryRun: true).Renames);
        Assert.True(Directory.Exists(Path.Combine(folder, RunsLocation.RunsFolderName, oldId)), "a dry run changes nothing");

        Assert.Equal([new RunRename(oldId, first.RunId, "renamed")], RunMigration.Migrate(folder).Renames);
        Assert.Equal(RunStatus.Complete, ExperimentRunner.StatusOf(folder, config));
        Assert.Equal([first.RunId], RunsCsv.Read(csv).Rows.Select(r => r[RunsCsv.RunIdColumn]));
        var again = new ExperimentRunner().Run(config, folder);
        Assert.True(again.Skipped);
        Assert.Equal(first.Metrics, again.Metrics);
        Assert.Empty(RunMigration.Migrate(folder).Renames); // idempotent
    }

    [Fact]
    public void AFolderWhoseNewIdIsTakenIsKeptAndReported()
    {
        var config = ExperimentPresets.Smoke with { Training = ExperimentPresets.Smoke.Training with { Epochs = 1 } };
        var run = new ExperimentRunner().Run(config, folder);
        var copy = Path.Combine(folder, RunsLocation.RunsFolderName, "mask-old-copy");
        Directory.CreateDirectory(copy);
        File.Copy(Path.Combine(run.RunDirectory, ExperimentRunner.ConfigFile), Path.Combine(copy, ExperimentRunner.ConfigFile));
        var rename = Assert.Single(RunMigration.Migrate(folder).Renames);
        Assert.StartsWith("kept", rename.Note);
        Assert.True(Directory.Exists(copy));
        Assert.True(Directory.Exists(run.RunDirectory));
    }

    [Fact]
    public void RunsRecordedBeforeProvenanceJsonGetItFromTheirTableRowAndTheTableIsUnchanged()
    {
        var config = ExperimentPresets.Smoke with { Training = ExperimentPresets.Smoke.Training with { Epochs = 1 } };
        var run = new ExperimentRunner().Run(config, folder);
        var csv = Path.Combine(folder, RunsLocation.TableName);
        var table = File.ReadAllText(csv);
        var provenance = Path.Combine(run.RunDirectory, RunFolder.ProvenanceFile);
        var recorded = File.ReadAllText(provenance);
        // As a run folder of the older layout: provenance only in the table.
        File.Delete(provenance);
        Assert.Equal(RunStatus.Complete, ExperimentRunner.StatusOf(folder, config));
        Assert.Equal(table, File.ReadAllText(csv)); // a rebuild keeps the row's provenance when the folder has none
        RunsTable.Rebuild(folder, csv);
        Assert.Equal(table, File.ReadAllText(csv));

        Assert.Equal([run.RunId], RunMigration.Migrate(folder, dryRun: true).ProvenanceRecorded);
        Assert.False(File.Exists(provenance), "a dry run writes nothing");
        Assert.Equal([run.RunId], RunMigration.Migrate(folder).ProvenanceRecorded);
        var restored = System.Text.Json.JsonSerializer.Deserialize<RunProvenance>(File.ReadAllText(provenance), ExperimentJson.Options)!;
        var original = System.Text.Json.JsonSerializer.Deserialize<RunProvenance>(recorded, ExperimentJson.Options)!;
        // The table keeps commit, machine, threads, date and the duration to the millisecond: that is what comes back (the
        // allocator, memory format and numerics identity are in provenance.json only).
        Assert.Equal(original with { DurationSeconds = Math.Round(original.DurationSeconds!.Value, 3), Allocator = null, MemoryFormat = null, Numerics = null }, restored);
        Assert.Equal(PEMN.Runtime.MemoryFormat.ChannelsLast, original.MemoryFormat);
        Assert.Equal(PEMN.Runtime.Machine.Identity(original.Numerics!.Threads), original.Numerics);
        RunsTable.Rebuild(folder, csv);
        Assert.Equal(table, File.ReadAllText(csv));
        Assert.Empty(RunMigration.Migrate(folder).ProvenanceRecorded); // idempotent
    }
}
