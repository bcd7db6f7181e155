using System.Text.Json;
using PEMN.Configuration;
using PEMN.Runtime;
using PEMN.Training;

namespace PEMN.Runs;

/// <summary>
/// A run's records cannot be used as they are (a file damaged by a full disk, an editor, a copy cut short). The runner
/// stops with this instead of crashing on every rerun: it names the run, the file and what is wrong. The way out is to
/// restore the file, or to discard the run's checkpoint and records and train it again (<see cref="RunOptions.Restart"/>).
/// </summary>
/// <param name="runId">The run.</param>
/// <param name="runDirectory">Its folder.</param>
/// <param name="file">The damaged file.</param>
public sealed class CorruptRunException(string runId, string runDirectory, CorruptFileException file)
    : IOException($"run {runId}: {file.Message}", file)
{
    /// <summary>The run.</summary>
    public string RunId { get; } = runId;

    /// <summary>Its folder.</summary>
    public string RunDirectory { get; } = runDirectory;

    /// <summary>The damaged file.</summary>
    public string File { get; } = file.Path;
}

/// <summary>What an inspection of a run folder found.</summary>
/// <param name="Status">New, partial, complete, in progress elsewhere, or corrupt.</param>
/// <param name="EpochsDone">Epochs checkpointed (or recorded, when complete); 0 when new or unknown.</param>
/// <param name="Problem">For <see cref="RunStatus.Corrupt"/>: the damaged file and what is wrong.</param>
public sealed record RunInspection(RunStatus Status, int EpochsDone, CorruptFileException? Problem = null);

/// <summary>The records of a complete run, read and checked.</summary>
/// <param name="RunId">The folder's name.</param>
/// <param name="Config">config.json.</param>
/// <param name="History">history.json: every epoch.</param>
/// <param name="Metrics">metrics.json.</param>
/// <param name="Provenance">provenance.json, or null for a run recorded before it existed (its table row keeps it).</param>
public sealed record RunRecord(string RunId, ExperimentConfig Config, IReadOnlyList<EpochRecord> History, RunMetrics Metrics, RunProvenance? Provenance);

/// <summary>
/// One run folder, &lt;out&gt;/runs/&lt;run id&gt;/, and the rules of its records:
/// <list type="bullet">
/// <item>config.json (written when the run starts), history.json (after every epoch), checkpoint/ (after every epoch),
/// provenance.json (git commit, machine, threads, date, duration) and metrics.json, written last: its presence marks the run
/// complete, and a complete run's records are never rewritten.</item>
/// <item>run.lock: held by the one process that trains the run (<see cref="FileLock"/>); others wait or pass.</item>
/// <item>Every file is written atomically and durably (<see cref="AtomicFile"/>), so a kill leaves each file old or new.</item>
/// </list>
/// </summary>
/// <param name="path">The folder.</param>
public sealed class RunFolder(string path)
{
    /// <summary>The run's config.</summary>
    public const string ConfigFile = "config.json";
    /// <summary>The run's per-epoch records.</summary>
    public const string HistoryFile = "history.json";
    /// <summary>Where, when and how long: git commit, machine, threads, date, duration.</summary>
    public const string ProvenanceFile = "provenance.json";
    /// <summary>The run's summary; written last, it marks the run complete.</summary>
    public const string MetricsFile = "metrics.json";
    /// <summary>The run's checkpoint folder.</summary>
    public const string CheckpointFolder = "checkpoint";
    /// <summary>The lock of the run's one writer.</summary>
    public const string LockFile = "run.lock";

    /// <summary>Settings for reading records: every field of a metrics or history record must be present (a half-written or
    /// hand-cut file must not read as zeros).</summary>
    private static readonly JsonSerializerOptions RecordJson = new(ExperimentJson.Options) { RespectRequiredConstructorParameters = true };

    /// <summary>The folder.</summary>
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>The run id: the folder's name.</summary>
    public string RunId => System.IO.Path.GetFileName(Path);

    /// <summary>config.json.</summary>
    public string ConfigPath => File(ConfigFile);
    /// <summary>history.json.</summary>
    public string HistoryPath => File(HistoryFile);
    /// <summary>provenance.json.</summary>
    public string ProvenancePath => File(ProvenanceFile);
    /// <summary>metrics.json.</summary>
    public string MetricsPath => File(MetricsFile);
    /// <summary>checkpoint/.</summary>
    public string CheckpointPath => File(CheckpointFolder);
    /// <summary>run.lock.</summary>
    public string LockPath => File(LockFile);

    /// <summary>What the folder holds, without changing anything and without throwing on damaged files.</summary>
    /// <param name="lockHeld">The caller holds the run's lock (so a held lock is not another process at work).</param>
    public RunInspection Inspect(bool lockHeld = false)
    {
        if (System.IO.File.Exists(MetricsPath))
        {
            try
            {
                return new RunInspection(RunStatus.Complete, ReadComplete().Metrics.Epochs);
            }
            catch (CorruptFileException e)
            {
                return new RunInspection(RunStatus.Corrupt, 0, e);
            }
        }
        if (!lockHeld && FileLock.IsHeld(LockPath)) return new RunInspection(RunStatus.InProgress, 0);
        try
        {
            return Checkpoint.TryReadState(CheckpointPath) is { } state
                ? new RunInspection(RunStatus.Partial, state.Epoch)
                : new RunInspection(RunStatus.New, 0);
        }
        catch (CorruptFileException e)
        {
            return new RunInspection(RunStatus.Corrupt, 0, e);
        }
    }

    /// <summary>
    /// The records of a complete run, checked for consistency: every file parses, the config describes this folder's run,
    /// the history has one record per epoch the metrics report, and those are the epochs the config asked for.
    /// </summary>
    /// <exception cref="CorruptFileException">A file is missing, damaged or inconsistent; it names the file.</exception>
    public RunRecord ReadComplete()
    {
        var metrics = Read<RunMetrics>(MetricsPath, "a metrics record");
        if (metrics.Epochs < 1) throw new CorruptFileException(MetricsPath, $"epochs = {metrics.Epochs}; a complete run has at least one epoch.");
        var config = ReadConfig();
        var history = Read<List<EpochRecord>>(HistoryPath, "a list of epoch records");
        if (history.Count != metrics.Epochs || config.Training.Epochs != metrics.Epochs)
            throw new CorruptFileException(HistoryPath, $"{history.Count} epoch records, {System.IO.Path.GetFileName(MetricsPath)} reports {metrics.Epochs} " +
                $"and the config asks for training.epochs = {config.Training.Epochs}; a complete run has one record per epoch.");
        var provenance = System.IO.File.Exists(ProvenancePath) ? Read<RunProvenance>(ProvenancePath, "a provenance record") : null;
        return new RunRecord(RunId, config, history, metrics, provenance);
    }

    /// <summary>config.json, checked to describe this folder's run.</summary>
    /// <exception cref="CorruptFileException">It is missing, damaged or describes another run.</exception>
    public ExperimentConfig ReadConfig()
    {
        var text = ReadText(ConfigPath);
        ExperimentConfig config;
        try
        {
            config = ExperimentJson.Deserialize(text, "");
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new CorruptFileException(ConfigPath, $"not a config ({ConfigError.Describe(e)}).", e);
        }
        var id = ExperimentJson.RunId(config);
        if (id != RunId)
            throw new CorruptFileException(ConfigPath, $"it describes run {id}, not this folder's run (after a change of the run-id rule, migrate the folder).");
        return config;
    }

    /// <summary>
    /// Discards the run's checkpoint and records of its progress (metrics first, so that a kill midway never leaves a
    /// "complete" run without its history), so that it trains again from epoch 0. config.json is rewritten by the next run.
    /// Call only while holding the run's lock.
    /// </summary>
    public void Discard()
    {
        foreach (var file in new[] { MetricsPath, ProvenancePath, HistoryPath })
            if (System.IO.File.Exists(file)) System.IO.File.Delete(file);
        Checkpoint.Discard(CheckpointPath);
        DeleteTemporaries();
    }

    /// <summary>Deletes temporary files of interrupted writes. Call only while holding the run's lock.</summary>
    public void DeleteTemporaries()
    {
        AtomicFile.DeleteTemporaries(Path);
        AtomicFile.DeleteTemporaries(CheckpointPath);
    }

    /// <summary>Writes <paramref name="value"/> as JSON to a file of this folder, atomically and durably.</summary>
    public static void Save<T>(string file, T value) => AtomicFile.WriteAllText(file, ExperimentJson.Serialize(value));

    private string File(string name) => System.IO.Path.Combine(Path, name);

    private static string ReadText(string file)
    {
        if (!System.IO.File.Exists(file)) throw new CorruptFileException(file, "missing.");
        var text = System.IO.File.ReadAllText(file);
        if (text.Trim().Length == 0) throw new CorruptFileException(file, "empty.");
        return text;
    }

    private static T Read<T>(string file, string kind)
    {
        var text = ReadText(file);
        try
        {
            return JsonSerializer.Deserialize<T>(text, RecordJson) ?? throw new CorruptFileException(file, "it holds null.");
        }
        catch (JsonException e)
        {
            throw new CorruptFileException(file, $"not {kind} ({e.Message}).", e);
        }
    }
}
