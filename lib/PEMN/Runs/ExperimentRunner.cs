using System.Diagnostics;
using System.Text.RegularExpressions;
using PEMN.Configuration;
using PEMN.Runtime;
using PEMN.Strategies;
using PEMN.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PEMN.Runs;

/// <summary>
/// Runs one experiment end to end with records that survive anything: checks every input and output before compute,
/// takes the run's lock (one writer per run, across processes and machines), trains with checkpoints, writes the run
/// folder (<see cref="RunFolder"/>: config, history, provenance, metrics last; parent.json for a run that starts from a
/// trained parent run, <see cref="ParentRun"/>) and brings the runs table up to date (<see cref="RunsTable.Rebuild"/>).
/// The same config maps to the same run id: a complete run is skipped, an interrupted one resumes, one being trained by
/// another process is waited for.
/// </summary>
/// <param name="data">Where the images come from (default: <see cref="ExperimentData"/>, offline).</param>
public sealed partial class ExperimentRunner(IDataProvider? data = null)
{
    /// <summary>The run's config (<see cref="RunFolder.ConfigFile"/>).</summary>
    public const string ConfigFile = RunFolder.ConfigFile;
    /// <summary>The run's per-epoch records (<see cref="RunFolder.HistoryFile"/>).</summary>
    public const string HistoryFile = RunFolder.HistoryFile;
    /// <summary>The run's summary; written last, it marks the run complete (<see cref="RunFolder.MetricsFile"/>).</summary>
    public const string MetricsFile = RunFolder.MetricsFile;
    /// <summary>The run's checkpoint folder (<see cref="RunFolder.CheckpointFolder"/>).</summary>
    public const string CheckpointFolder = RunFolder.CheckpointFolder;

    private readonly IDataProvider data = data ?? new ExperimentData();

    /// <summary>New, partial, complete, in progress elsewhere or corrupt, from the files in the run folder (nothing is changed).</summary>
    public static RunStatus StatusOf(string outDirectory, ExperimentConfig config) => RunsLocation.At(outDirectory).Run(config).Inspect().Status;

    /// <summary>
    /// Everything that can be checked before compute, for each of <paramref name="configs"/> (valid already, by their
    /// type): the output folder and the table can be written and the table is a runs table, and the data files are present
    /// and readable. Nothing is created or changed.
    /// </summary>
    /// <exception cref="OutputPathException">The output folder or the table cannot be written.</exception>
    /// <exception cref="RunsTableException">The table file is not a runs table.</exception>
    /// <param name="configs">The runs to check.</param>
    /// <param name="outDirectory">Their output folder.</param>
    /// <param name="csvPath">Their runs table.</param>
    /// <param name="onMissingData">When given, each data set that is missing or unreadable is passed here and the check
    /// goes on to the next (a dry run lists them all); otherwise the first one throws.</param>
    /// <exception cref="Data.DataSetException">A data set is missing or unreadable (without <paramref name="onMissingData"/>).</exception>
    public void Preflight(IEnumerable<ValidatedConfig> configs, string outDirectory, string csvPath,
        Action<Data.DataSetException>? onMissingData = null)
    {
        var list = configs.Select(c => c.Config).ToList();
        OutputPaths.CheckFolder(outDirectory);
        RunsTable.CheckTarget(csvPath);
        // One check per distinct data source: a sweep over seeds reads the same files.
        foreach (var config in list.DistinctBy(c => (c.Data.Dataset, c.Data.DataDir)))
            try { data.Check(config); }
            catch (Data.DataSetException e) when (onMissingData is not null) { onMissingData(e); }
    }

    /// <summary>
    /// Runs (or resumes, or skips) <paramref name="config"/> under <paramref name="outDirectory"/> and brings the runs table
    /// (<paramref name="csvPath"/>, default &lt;out&gt;/runs.csv) up to date. When another process is training the same run,
    /// waits for it (and trains only if that process stopped before finishing).
    /// </summary>
    /// <exception cref="CorruptRunException">A record of the run is damaged; <see cref="RunOptions.Restart"/> discards them.</exception>
    /// <exception cref="OperationCanceledException">Cancelled: the last finished epoch is checkpointed; the same call resumes.</exception>
    public RunOutcome Run(ValidatedConfig config, string outDirectory, string? csvPath = null,
        ITrainingObserver? observer = null, CancellationToken cancellation = default, RunOptions? options = null)
    {
        var csv = RunsLocation.At(outDirectory, csvPath).Table;
        Preflight([config], outDirectory, csv);
        return Execute(config, outDirectory, csv, observer, cancellation, options ?? RunOptions.Default, waitIfBusy: true)!;
    }

    /// <summary>As <see cref="Run(ValidatedConfig, string, string?, ITrainingObserver?, CancellationToken, RunOptions?)"/>, after validating <paramref name="config"/>.</summary>
    /// <exception cref="ArgumentException">A config field is invalid (its JSON path is the ParamName).</exception>
    public RunOutcome Run(ExperimentConfig config, string outDirectory, string? csvPath = null,
        ITrainingObserver? observer = null, CancellationToken cancellation = default, RunOptions? options = null) =>
        Run(config.Validate(), outDirectory, csvPath, observer, cancellation, options);

    /// <summary>
    /// As <see cref="Run(ValidatedConfig, string, string?, ITrainingObserver?, CancellationToken, RunOptions?)"/>, after <see cref="Preflight"/> has passed, but returns null at once when another process holds
    /// the run (a sweep then takes its next point and comes back later).
    /// </summary>
    public RunOutcome? TryRun(ValidatedConfig config, string outDirectory, string csvPath,
        ITrainingObserver? observer = null, CancellationToken cancellation = default, RunOptions? options = null) =>
        Execute(config, outDirectory, Path.GetFullPath(csvPath), observer, cancellation, options ?? RunOptions.Default, waitIfBusy: false);

    /// <summary>As <see cref="Run(ValidatedConfig, string, string?, ITrainingObserver?, CancellationToken, RunOptions?)"/> after <see cref="Preflight"/> has passed (a sweep checks every point first).</summary>
    internal RunOutcome RunChecked(ValidatedConfig config, string outDirectory, string csvPath,
        ITrainingObserver? observer, CancellationToken cancellation, RunOptions options) =>
        Execute(config, outDirectory, Path.GetFullPath(csvPath), observer, cancellation, options, waitIfBusy: true)!;

    private RunOutcome? Execute(ValidatedConfig validated, string outDirectory, string csv, ITrainingObserver? observer,
        CancellationToken cancellation, RunOptions options, bool waitIfBusy)
    {
        var clock = Stopwatch.StartNew();
        var config = validated.Config;
        var folder = RunsLocation.At(outDirectory).Run(config);
        // A complete run's records never change again: read them without the lock.
        if (folder.Inspect() is { Status: RunStatus.Complete })
            return Finish(folder, outDirectory, csv, RunStatus.Complete, RunOutcomeKind.Skipped, cancellation);

        FileLock? held;
        if (waitIfBusy)
            held = FileLock.Acquire(folder.LockPath, cancellation: cancellation,
                onWait: () => options.Notice?.Invoke($"{folder.RunId}: another process is training it (see {folder.LockPath}); waiting for it."));
        else
            held = FileLock.TryAcquire(folder.LockPath);
        if (held is null) return null;
        using (held)
        {
            // Under the lock the folder is ours; what another process did before we got it counts.
            var found = folder.Inspect(lockHeld: true);
            if (found.Status == RunStatus.Complete)
                return Finish(folder, outDirectory, csv, RunStatus.Complete, RunOutcomeKind.FinishedElsewhere, cancellation);
            if (found.Status == RunStatus.Corrupt && !options.Restart)
                throw new CorruptRunException(folder.RunId, folder.Path, found.Problem!);
            if (options.Restart && found.Status is RunStatus.Corrupt or RunStatus.Partial)
            {
                folder.Discard();
                options.Notice?.Invoke($"{folder.RunId}: discarded its {(found.Status == RunStatus.Corrupt ? "damaged" : "partial")} checkpoint and records; training from epoch 0.");
                found = folder.Inspect(lockHeld: true);
            }
            folder.DeleteTemporaries();
            if (ComputeScope.SlowPrecisionWarning(config.Training.Precision, ResolveDevice(config.Device)) is { } warning)
                options.Notice?.Invoke($"{folder.RunId}: {warning}");
            var metrics = Train(config, outDirectory, folder, observer, cancellation);
            RunFolder.Save(folder.ProvenancePath, RunProvenance.Now(clock.Elapsed.TotalSeconds, config.Training.MemoryFormat));
            // metrics.json last: its presence marks the run complete.
            RunFolder.Save(folder.MetricsPath, metrics);
            folder.DeleteTemporaries();
            var kind = found.Status == RunStatus.Partial ? RunOutcomeKind.Resumed : RunOutcomeKind.Trained;
            return Finish(folder, outDirectory, csv, found.Status, kind, cancellation);
        }
    }

    private RunMetrics Train(ExperimentConfig config, string outDirectory, RunFolder folder, ITrainingObserver? observer, CancellationToken cancellation)
    {
        var device = ResolveDevice(config.Device);
        if (config.Threads > 0) set_num_threads(config.Threads);
        Directory.CreateDirectory(folder.Path);
        ExperimentJson.Save(config, folder.ConfigPath);
        // A run that starts from a trained network (magnitude pruning after training) needs its parent run complete first.
        var parent = config.Strategy.Name.NeedsParent() ? ParentRun.Require(outDirectory, config, folder.ConfigPath, cancellation) : null;
        // A damaged checkpoint is found before the data are loaded.
        var restored = ReadCheckpoint(folder);
        var (train, test) = SeededData(config, device);
        try
        {
            using var network = parent is null ? PemnNetwork.Build(config.Network, device) : ParentRun.BuildChild(outDirectory, config, parent, device);
            if (parent is not null) ParentRun.WriteRecord(folder.Path, parent);
            var trainer = new Trainer(network.Model, config.Training, config.LrMax);
            // history.json grows after every epoch (readable while a long run goes on), restored epochs included.
            var history = restored?.History ?? [];
            var historyWriter = new TrainingObserver(onEpoch: e =>
            {
                history.Add(e);
                RunFolder.Save(folder.HistoryPath, history);
            });
            TrainingResult result;
            try
            {
                result = trainer.Fit(train, test, folder.CheckpointPath, TrainingObserver.Combine(historyWriter, observer), cancellation);
            }
            catch (CorruptFileException e)
            {
                throw new CorruptRunException(folder.RunId, folder.Path, e);
            }
            RunFolder.Save(folder.HistoryPath, result.History);
            return new RunMetrics(result.BestTestAccuracy, result.BestEpoch, result.FinalTestAccuracy,
                result.FinalTrainLoss, result.History[^1].TrainAccuracy, result.History.Count, result.Seconds,
                result.History.Average(e => e.ImagesPerSecond), result.TrainableParameters, config.LrMax);
        }
        finally
        {
            (train as IDisposable)?.Dispose();
            (test as IDisposable)?.Dispose();
        }
    }

    /// <summary>
    /// Trains <paramref name="config"/> in memory, without a run folder, records or checkpoints (a notebook's live
    /// demonstration): the same start as a run (threads, the global seed, the data by seed, the network from its seed) and
    /// the same training, and returns the trained network, which the caller owns and disposes.
    /// </summary>
    /// <param name="config">The experiment (a PEMN or dense network built from its config; not a child of a parent run).</param>
    /// <param name="device">Where to train (default: the config's device).</param>
    /// <param name="observerFor">The training's observer, given the network before it trains (to watch its masks, say).</param>
    /// <param name="cancellation">Stops at the next step boundary.</param>
    /// <exception cref="ArgumentException">The strategy trains from a parent run's network, which needs a run folder.</exception>
    public (PemnNetwork Network, TrainingResult Result) TrainInMemory(ValidatedConfig config, Device? device = null,
        Func<PemnNetwork, ITrainingObserver?>? observerFor = null, CancellationToken cancellation = default)
    {
        var experiment = config.Config;
        if (experiment.Strategy.Name.NeedsParent())
            throw new ArgumentException($"strategy {Names.Of(experiment.Strategy.Name)} prunes a trained parent run; allowed: a strategy without a parent (train it with Run).", nameof(config));
        device ??= ResolveDevice(experiment.Device);
        if (experiment.Threads > 0) set_num_threads(experiment.Threads);
        var (train, test) = SeededData(experiment, device);
        try
        {
            var network = PemnNetwork.Build(experiment.Network, device);
            try
            {
                var result = new Trainer(network.Model, experiment.Training, experiment.LrMax)
                    .Fit(train, test, observer: observerFor?.Invoke(network), cancellation: cancellation);
                return (network, result);
            }
            catch
            {
                network.Dispose();
                throw;
            }
        }
        finally
        {
            (train as IDisposable)?.Dispose();
            (test as IDisposable)?.Dispose();
        }
    }

    /// <summary>The run's data, after seeding the global generator, which feeds anything that draws without its own (dropout, some augmentations).</summary>
    private (Data.IBatchSource Train, Data.IBatchSource Test) SeededData(ExperimentConfig config, Device device)
    {
        manual_seed(config.Training.Seed);
        return data.Load(config, device);
    }

    private static Checkpoint.State? ReadCheckpoint(RunFolder folder)
    {
        try
        {
            return Checkpoint.TryReadState(folder.CheckpointPath);
        }
        catch (CorruptFileException e)
        {
            throw new CorruptRunException(folder.RunId, folder.Path, e);
        }
    }

    private static RunOutcome Finish(RunFolder folder, string outDirectory, string csv, RunStatus before, RunOutcomeKind kind, CancellationToken cancellation)
    {
        RunRecord record;
        try
        {
            record = folder.ReadComplete();
        }
        catch (CorruptFileException e)
        {
            throw new CorruptRunException(folder.RunId, folder.Path, e);
        }
        RunsTable.Rebuild(outDirectory, csv, [folder.RunId], cancellation);
        return new RunOutcome(folder.RunId, folder.Path, before, record.Metrics, record.History, kind);
    }

    /// <summary>The device named by <paramref name="device"/> ("cpu", "cuda", "cuda:N"), checking that CUDA is available.</summary>
    public static Device ResolveDevice(string device)
    {
        var match = DevicePattern().Match(device);
        if (!match.Success)
            throw new ArgumentException($"device = '{device}' is not allowed; allowed: cpu, cuda, cuda:N.", nameof(device));
        if (match.Groups[1].Value == "cpu") return CPU;
        if (!cuda.is_available())
            throw new InvalidOperationException(
                $"device = '{device}' was requested but torch.cuda.is_available() is false: this build uses the CPU libtorch or no GPU is visible. " +
                "Build with -p:TorchBackend=cuda on a machine with an NVIDIA GPU, or use device cpu.");
        return match.Groups[2].Success ? torch.device(DeviceType.CUDA, int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)) : CUDA;
    }

    [GeneratedRegex("^(cpu|cuda)(?::([0-9]+))?$")]
    private static partial Regex DevicePattern();
}
