using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using PEMN.Runtime;
using PEMN.Strategies;
using PEMN.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PEMN.Experiments;

/// <summary>
/// Runs one experiment end to end with honest records: validates the config, builds data and model, trains
/// with checkpoints, and writes &lt;out&gt;/runs/&lt;run-id&gt;/{config.json, history.json, metrics.json} plus one row
/// of the runs CSV. The same config maps to the same run id: a complete run is skipped, an interrupted one resumes.
/// </summary>
/// <param name="data">Where the images come from (default: <see cref="ExperimentData"/>, offline).</param>
public sealed partial class ExperimentRunner(IDataProvider? data = null)
{
    /// <summary>Folder of run folders under the output folder.</summary>
    public const string RunsFolder = "runs";
    /// <summary>The run's config.</summary>
    public const string ConfigFile = "config.json";
    /// <summary>The run's per-epoch records.</summary>
    public const string HistoryFile = "history.json";
    /// <summary>The run's summary; written last, it marks the run complete.</summary>
    public const string MetricsFile = "metrics.json";
    /// <summary>The run's checkpoint folder.</summary>
    public const string CheckpointFolder = "checkpoint";
    /// <summary>The default runs table under the output folder.</summary>
    public const string CsvFile = "runs.csv";

    private readonly IDataProvider data = data ?? new ExperimentData();

    /// <summary>&lt;out&gt;/runs/&lt;run-id&gt; of <paramref name="config"/>.</summary>
    public static string RunDirectory(string outDirectory, ExperimentConfig config) =>
        Path.Combine(outDirectory, RunsFolder, ExperimentJson.RunId(config));

    /// <summary>New, partial or complete, from the files in the run folder.</summary>
    public static RunStatus StatusOf(string outDirectory, ExperimentConfig config)
    {
        var dir = RunDirectory(outDirectory, config);
        if (File.Exists(Path.Combine(dir, MetricsFile))) return RunStatus.Complete;
        return Checkpoint.TryReadState(Path.Combine(dir, CheckpointFolder)) is null ? RunStatus.New : RunStatus.Partial;
    }

    /// <summary>
    /// Runs (or resumes, or skips) <paramref name="config"/> under <paramref name="outDirectory"/> and makes sure the
    /// runs CSV (<paramref name="csvPath"/>, default &lt;out&gt;/runs.csv) has its row.
    /// </summary>
    public RunOutcome Run(ExperimentConfig config, string outDirectory, string? csvPath = null,
        ITrainingObserver? observer = null, CancellationToken cancellation = default)
    {
        config.Validate();
        var clock = Stopwatch.StartNew();
        var runId = ExperimentJson.RunId(config);
        var runDir = RunDirectory(outDirectory, config);
        var csv = csvPath ?? Path.Combine(outDirectory, CsvFile);
        var status = StatusOf(outDirectory, config);
        if (status == RunStatus.Complete)
        {
            var metrics = Read<RunMetrics>(Path.Combine(runDir, MetricsFile));
            var history = Read<List<EpochRecord>>(Path.Combine(runDir, HistoryFile));
            EnsureCsvRow(csv, runId, config, metrics, clock.Elapsed.TotalSeconds);
            return new RunOutcome(runId, runDir, status, metrics, history);
        }

        var device = ResolveDevice(config.Device);
        if (config.Threads > 0) set_num_threads(config.Threads);
        Directory.CreateDirectory(runDir);
        ExperimentJson.Save(config, Path.Combine(runDir, ConfigFile));
        var seed = config.Training.Seed;
        // The global generator feeds anything that draws without its own generator (dropout, some augmentations).
        manual_seed(seed);
        var (train, test) = data.Load(config, device);
        try
        {
            using var network = PemnNetwork.Build(config.Network, device);
            var trainer = new Trainer(network.Model, config.Training, config.LrMax);
            var checkpointDir = Path.Combine(runDir, CheckpointFolder);
            // history.json grows after every epoch (readable while a long run goes on), restored epochs included.
            var history = Checkpoint.TryReadState(checkpointDir)?.History ?? [];
            var historyWriter = new TrainingObserver(onEpoch: e =>
            {
                history.Add(e);
                AtomicFile.WriteAllText(Path.Combine(runDir, HistoryFile), ExperimentJson.Serialize(history));
            });
            var result = trainer.Fit(train, test, checkpointDir, TrainingObserver.Combine(historyWriter, observer), cancellation);
            var metrics = new RunMetrics(result.BestTestAccuracy, result.BestEpoch, result.FinalTestAccuracy,
                result.FinalTrainLoss, result.History[^1].TrainAccuracy, result.History.Count, result.Seconds,
                result.History.Average(e => e.ImagesPerSecond), result.TrainableParameters, config.LrMax);
            AtomicFile.WriteAllText(Path.Combine(runDir, HistoryFile), ExperimentJson.Serialize(result.History));
            AtomicFile.WriteAllText(Path.Combine(runDir, MetricsFile), ExperimentJson.Serialize(metrics));
            EnsureCsvRow(csv, runId, config, metrics, clock.Elapsed.TotalSeconds);
            return new RunOutcome(runId, runDir, status, metrics, result.History);
        }
        finally
        {
            (train as IDisposable)?.Dispose();
            (test as IDisposable)?.Dispose();
        }
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

    /// <summary>The CSV row of a run: run id, flattened config, metrics and provenance.</summary>
    public static Dictionary<string, string> CsvRow(string runId, ExperimentConfig config, RunMetrics metrics, RunProvenance provenance, double durationSeconds)
    {
        var row = new Dictionary<string, string>(StringComparer.Ordinal) { [RunsCsv.RunIdColumn] = runId };
        foreach (var (key, value) in ExperimentJson.Flatten(ExperimentJson.ToNode(config))) row[key] = value;
        foreach (var (key, value) in ExperimentJson.Flatten(JsonSerializer.SerializeToNode(metrics, ExperimentJson.Options))) row[key] = value;
        row["git_commit"] = provenance.GitCommit;
        row["machine"] = provenance.Machine;
        row["threads_used"] = provenance.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        row["date"] = provenance.Date;
        row["duration_seconds"] = durationSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        return row;
    }

    private static void EnsureCsvRow(string csv, string runId, ExperimentConfig config, RunMetrics metrics, double durationSeconds)
    {
        if (File.Exists(csv) && RunsCsv.Read(csv).Rows.Any(r => r.GetValueOrDefault(RunsCsv.RunIdColumn) == runId)) return;
        RunsCsv.Append(csv, CsvRow(runId, config, metrics, RunProvenance.Now(), durationSeconds));
    }

    private static T Read<T>(string path) =>
        JsonSerializer.Deserialize<T>(File.ReadAllText(path), ExperimentJson.Options)
            ?? throw new InvalidDataException($"'{path}' holds no value.");

    [GeneratedRegex("^(cpu|cuda)(?::([0-9]+))?$")]
    private static partial Regex DevicePattern();
}
