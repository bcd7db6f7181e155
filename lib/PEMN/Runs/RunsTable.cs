using System.Text.Json;
using PEMN.Configuration;
using PEMN.Runtime;

namespace PEMN.Runs;

/// <summary>What a rebuild of the runs table did.</summary>
/// <param name="Path">The table.</param>
/// <param name="Rows">Rows in the table now.</param>
/// <param name="Added">Runs that got a row.</param>
/// <param name="Updated">Runs whose row changed (their records did).</param>
/// <param name="Unreadable">Complete-looking run folders left out because a record is damaged: the file and what is wrong.</param>
/// <param name="Written">Whether the file was written (false when nothing changed).</param>
public sealed record RunsTableReport(string Path, int Rows, IReadOnlyList<string> Added, IReadOnlyList<string> Updated,
    IReadOnlyList<CorruptFileException> Unreadable, bool Written);

/// <summary>
/// The runs table (runs.csv), assembled from the run folders: a run's records are its truth, the table a view of them.
/// Any number of processes, on one machine or on shared storage, may finish runs of one output folder at once: each
/// rebuilds the table under an advisory lock (&lt;table&gt;.lock, <see cref="FileLock"/>) and writes it whole and
/// atomically, so no row is torn, duplicated or lost whatever the timing. Rows are never dropped: a row whose run folder
/// is gone or incomplete stays as it is; a complete run's row is replaced by what its records say.
/// </summary>
public static class RunsTable
{

    /// <summary>The lock file of a table: the table's path plus this.</summary>
    public const string LockSuffix = ".lock";

    /// <summary>How long a rebuild waits for another process's rebuild (one takes well under a second; minutes mean a stuck holder).</summary>
    public static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Checks, before any compute, that <paramref name="csvPath"/> can become this program's runs table: writable, and
    /// either absent, empty or a runs table already.
    /// </summary>
    /// <exception cref="OutputPathException">The path cannot be written (a folder, read-only, no writable folder).</exception>
    /// <exception cref="RunsTableException">The file is not a runs table.</exception>
    public static void CheckTarget(string csvPath)
    {
        OutputPaths.CheckFile(csvPath);
        if (File.Exists(csvPath)) RunsCsv.Read(csvPath);
    }

    /// <summary>
    /// Brings the table at <paramref name="csvPath"/> up to date with the complete run folders under
    /// &lt;<paramref name="outDirectory"/>&gt;/runs: every run of <paramref name="runIds"/> (null: every folder) gets exactly
    /// one row, built from its config, metrics and provenance records. Existing rows keep their order; new ones follow in
    /// order of completion. The file is written only when its text changes.
    /// </summary>
    /// <exception cref="RunsTableException">The file at <paramref name="csvPath"/> is not a runs table (it is left untouched).</exception>
    /// <exception cref="TimeoutException">Another process held the table's lock for <see cref="LockTimeout"/>.</exception>
    public static RunsTableReport Rebuild(string outDirectory, string csvPath, IEnumerable<string>? runIds = null, CancellationToken cancellation = default)
    {
        var csv = Path.GetFullPath(csvPath);
        using var held = FileLock.Acquire(csv + LockSuffix, LockTimeout, cancellation);
        var folder = Path.GetDirectoryName(csv)!;
        // Temporary files of this table whose writer was killed: no writer is active while we hold the lock.
        AtomicFile.DeleteTemporaries(folder, Path.GetFileName(csv) + ".");
        var (header, rows) = File.Exists(csv) ? RunsCsv.Read(csv) : ([], []);
        var before = RunsCsv.Text(header, rows);

        var runs = RunsLocation.At(outDirectory).RunsDirectory;
        var ids = runIds?.Distinct(StringComparer.Ordinal).ToList()
            ?? (Directory.Exists(runs) ? Directory.GetDirectories(runs).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList() : []);
        var records = new List<(RunRecord Record, Dictionary<string, string> Row)>();
        var unreadable = new List<CorruptFileException>();
        foreach (var id in ids)
        {
            var run = new RunFolder(Path.Combine(runs, id));
            if (!File.Exists(run.MetricsPath)) continue;
            try
            {
                var record = run.ReadComplete();
                records.Add((record, Row(record)));
            }
            catch (CorruptFileException e)
            {
                unreadable.Add(e);
            }
        }

        var added = new List<string>();
        var updated = new List<string>();
        // New runs in the order they finished (then by id): a table read top-down tells the story of the sweep.
        foreach (var (record, fresh) in records.OrderBy(r => r.Record.Provenance?.Date ?? "", StringComparer.Ordinal).ThenBy(r => r.Record.RunId, StringComparer.Ordinal))
        {
            var matches = rows.Where(r => r.GetValueOrDefault(RunsCsv.RunIdColumn) == record.RunId).ToList();
            if (matches.Count == 0)
            {
                rows.Add(fresh);
                added.Add(record.RunId);
                continue;
            }
            // One row per run: the first keeps its place and takes the records' values (fields the records lack, such as the
            // provenance of a run recorded before provenance.json, keep the row's); repeats of it (an older table's races) go.
            var row = matches[0];
            var changed = false;
            foreach (var (key, value) in fresh)
            {
                if (row.GetValueOrDefault(key) == value) continue;
                row[key] = value;
                changed = true;
            }
            foreach (var repeat in matches.Skip(1)) rows.Remove(repeat);
            if (changed || matches.Count > 1) updated.Add(record.RunId);
        }

        foreach (var key in rows.SelectMany(r => r.Keys))
            if (!header.Contains(key)) header.Add(key);
        if (header.Count > 0 && header[0] != RunsCsv.RunIdColumn)
        {
            header.Remove(RunsCsv.RunIdColumn);
            header.Insert(0, RunsCsv.RunIdColumn);
        }
        var text = RunsCsv.Text(header, rows);
        var written = text != before || !File.Exists(csv);
        if (written && rows.Count > 0) AtomicFile.WriteAllText(csv, text);
        return new RunsTableReport(csv, rows.Count, added, updated, unreadable, written && rows.Count > 0);
    }

    /// <summary>The row of a run: run id, flattened config, metrics and provenance (when recorded).</summary>
    public static Dictionary<string, string> Row(RunRecord record)
    {
        var row = new Dictionary<string, string>(StringComparer.Ordinal) { [RunsCsv.RunIdColumn] = record.RunId };
        foreach (var (key, value) in ExperimentJson.Flatten(ExperimentJson.ToNode(record.Config))) row[key] = value;
        foreach (var (key, value) in ExperimentJson.Flatten(JsonSerializer.SerializeToNode(record.Metrics, ExperimentJson.Options))) row[key] = value;
        if (record.Provenance is { } provenance)
            foreach (var (key, value) in provenance.TableFields()) row[key] = value;
        return row;
    }
}
