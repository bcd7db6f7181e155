using PEMN.Configuration;
using PEMN.Runs;
using PEMN.Runtime;
using PEMN.Training;

namespace PEMN.Tests.Runs;

/// <summary>The runs table assembled from run folders: one row per complete run, no row ever dropped, only its own table written.</summary>
public class RunsTableTests : IDisposable
{
    private readonly string folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "pemn-table-" + Guid.NewGuid().ToString("N"))).FullName;
    private string Csv => Path.Combine(folder, RunsLocation.TableName);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>The records of a complete run, written as the runner writes them (no training: the table only reads records).</summary>
    private string CompleteRun(long seed, string date, double accuracy = 0.5)
    {
        var config = ExperimentPresets.Smoke with { Training = ExperimentPresets.Smoke.Training with { Seed = seed } };
        var run = RunsLocation.At(folder).Run(config);
        Directory.CreateDirectory(run.Path);
        ExperimentJson.Save(config, run.ConfigPath);
        var epochs = config.Training.Epochs;
        RunFolder.Save(run.HistoryPath, Enumerable.Range(1, epochs).Select(e => new EpochRecord(e, 1.0 / e, 0.4, accuracy, 0.05, 0.1, 1000)).ToList());
        RunFolder.Save(run.ProvenancePath, new RunProvenance("abc", "vm", 1, date, 1.5));
        RunFolder.Save(run.MetricsPath, new RunMetrics(accuracy, epochs, accuracy, 0.5, 0.4, epochs, 0.2, 1000, 1088, 0.05));
        return run.RunId;
    }

    private List<string> Ids() => RunsCsv.Read(Csv).Rows.Select(r => r[RunsCsv.RunIdColumn]).ToList();

    [Fact]
    public void TheTableHasOneRowPerCompleteRunInTheOrderTheyFinished()
    {
        var late = CompleteRun(0, "2026-01-02T00:00:00Z");
        var early = CompleteRun(1, "2026-01-01T00:00:00Z");
        // A partial run (no metrics.json) has no row.
        var partial = RunsLocation.At(folder).Run(ExperimentPresets.Smoke with { Training = ExperimentPresets.Smoke.Training with { Seed = 2 } });
        Directory.CreateDirectory(partial.Path);
        var report = RunsTable.Rebuild(folder, Csv);
        Assert.Equal([early, late], Ids());
        Assert.Equal([early, late], report.Added);
        var (header, rows) = RunsCsv.Read(Csv);
        Assert.Equal(RunsCsv.RunIdColumn, header[0]);
        Assert.Equal("vm", rows[0]["machine"]);
        Assert.Equal("1.5", rows[0]["duration_seconds"]);
        Assert.Equal("1", rows[0]["training.seed"]); // early is seed 1
        Assert.Equal("0.5", rows[1]["best_test_accuracy"]);
    }

    [Fact]
    public void RowsAreNeverDroppedAndRepeatsOfARunCollapseToOne()
    {
        var id = CompleteRun(0, "2026-01-01T00:00:00Z");
        // A row of a run recorded elsewhere, and the same run twice (what the old appending writer's races left), last line unterminated.
        File.WriteAllText(Csv, $"run_id,best_test_accuracy,note\nforeign-run,0.9,kept\n{id},0.1,old\n{id},0.2,old");
        var report = RunsTable.Rebuild(folder, Csv);
        Assert.Equal(["foreign-run", id], Ids());
        Assert.Equal([id], report.Updated);
        var rows = RunsCsv.Read(Csv).Rows;
        Assert.Equal("kept", rows[0]["note"]);
        Assert.Equal("0.5", rows[1]["best_test_accuracy"]); // the records win over the stale row
        Assert.Equal("old", rows[1]["note"]);             // a column the records lack keeps the row's value
    }

    [Fact]
    public void AnUpToDateTableIsNotRewritten()
    {
        CompleteRun(0, "2026-01-01T00:00:00Z");
        Assert.True(RunsTable.Rebuild(folder, Csv).Written);
        var written = File.GetLastWriteTimeUtc(Csv);
        File.SetLastWriteTimeUtc(Csv, written.AddHours(-1));
        var again = RunsTable.Rebuild(folder, Csv);
        Assert.False(again.Written);
        Assert.Equal(written.AddHours(-1), File.GetLastWriteTimeUtc(Csv));
    }

    [Fact]
    public void AFileThatIsNotARunsTableIsLeftUntouched()
    {
        CompleteRun(0, "2026-01-01T00:00:00Z");
        File.WriteAllText(Csv, "# Notes\nsome text\n");
        Assert.Throws<RunsTableException>(() => RunsTable.Rebuild(folder, Csv));
        Assert.Throws<RunsTableException>(() => RunsTable.CheckTarget(Csv));
        Assert.Equal("# Notes\nsome text\n", File.ReadAllText(Csv));
    }

    [Fact]
    public void ADamagedRunIsLeftOutAndNamedWhileTheOthersGetTheirRows()
    {
        var good = CompleteRun(0, "2026-01-01T00:00:00Z");
        var bad = CompleteRun(1, "2026-01-02T00:00:00Z");
        var metrics = Path.Combine(folder, RunsLocation.RunsFolderName, bad, RunFolder.MetricsFile);
        File.WriteAllText(metrics, "{ \"best_test_accuracy\": 0.5 }"); // fields missing: not a metrics record
        var report = RunsTable.Rebuild(folder, Csv);
        Assert.Equal([good], Ids());
        Assert.Equal(metrics, Assert.Single(report.Unreadable).Path);
    }

    [Fact]
    public void TemporaryFilesOfAKilledTableWriteAreRemoved()
    {
        CompleteRun(0, "2026-01-01T00:00:00Z");
        var debris = Csv + ".1234.0123456789abcdef" + AtomicFile.TemporarySuffix;
        File.WriteAllText(debris, "run_id,half");
        var other = Path.Combine(folder, "ladder.md.1.2" + AtomicFile.TemporarySuffix); // another file's: not the table's to remove
        File.WriteAllText(other, "x");
        RunsTable.Rebuild(folder, Csv);
        Assert.False(File.Exists(debris));
        Assert.True(File.Exists(other));
    }
}
