using System.Text.Json;
using System.Text.Json.Nodes;
using PEMN.Configuration;
using PEMN.FileFormat;
using PEMN.Runtime;
using PEMN.Strategies;
using static TorchSharp.torch;

namespace PEMN.Runs;

/// <summary>Where a packed network came from: its run and what the run measured (null fields: not recorded).</summary>
/// <param name="Id">The run id.</param>
/// <param name="FinalTestAccuracy">Test accuracy after the last epoch (metrics.json): what the packed state scores.</param>
/// <param name="BestTestAccuracy">Best test accuracy over the epochs (it may belong to an earlier state than the packed one).</param>
/// <param name="Epochs">Epochs trained.</param>
public sealed record PackedRunInfo(string Id, double? FinalTestAccuracy, double? BestTestAccuracy, int? Epochs);

/// <summary>
/// The configuration section of a file packed from an experiment: one JSON object
/// <c>{"kind": "masked" | "dense" | "sparse", "experiment": {config.json}, "run": {"id", "final_test_accuracy", "best_test_accuracy", "epochs"}}</c>,
/// compact. <c>experiment</c> is the run's config without data.data_dir (a path on the packing machine; <c>pemn eval</c>
/// takes --data-dir); <c>run</c> is absent when the network did not come from a run folder.
/// </summary>
/// <param name="Kind">How the file lays out the weights.</param>
/// <param name="Experiment">The experiment: model, masking, strategy and seed rebuild the network; data names its data set.</param>
/// <param name="Run">The run it was packed from, or null.</param>
public sealed record PackedRunConfig(PackedKind Kind, ExperimentConfig Experiment, PackedRunInfo? Run);

/// <summary>
/// Packs experiment runs into PEMN files and loads them back (<see cref="PemnPacking"/> does the network; this adds the
/// experiment: the configuration JSON, run folders and their checkpoints).
/// </summary>
public static class RunPacking
{
    private const string KindField = "kind";
    private const string ExperimentField = "experiment";
    private const string RunField = "run";

    /// <summary>The run section is informational: fields a later version adds are skipped, not refused.</summary>
    private static readonly JsonSerializerOptions LenientJson = new(ExperimentJson.Options)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip,
    };

    /// <summary>Why <paramref name="runDirectory"/> cannot be packed (not a folder, no config, not complete, no checkpoint), or null when it can.</summary>
    public static string? IncompleteReason(string runDirectory)
    {
        var dir = FullPath(runDirectory);
        if (!Directory.Exists(dir)) return $"'{dir}' is not a folder; allowed: a run folder (<out>/{RunsLocation.RunsFolderName}/<run id>)";
        if (!File.Exists(Path.Combine(dir, ExperimentRunner.ConfigFile)))
            return $"'{dir}' is not a run folder: it has no {ExperimentRunner.ConfigFile}";
        if (!File.Exists(Path.Combine(dir, ExperimentRunner.MetricsFile)))
            return $"'{dir}' is not a complete run: it has no {ExperimentRunner.MetricsFile} (finish it first: the command that started it resumes it)";
        if (Training.Checkpoint.TryReadState(Path.Combine(dir, ExperimentRunner.CheckpointFolder)) is null)
            return $"'{dir}' has no model state: {ExperimentRunner.CheckpointFolder}/{Training.Checkpoint.StateFile} is missing";
        return null;
    }

    /// <summary>
    /// The trained network of a complete run: its config built on the CPU (<see cref="PemnPacking.BuildForState"/>: a sparse run
    /// pruned from a trained parent loads without its parent), its last checkpoint loaded.
    /// </summary>
    /// <exception cref="ArgumentException">The folder is not a complete run (the message names it and what is missing).</exception>
    public static (ExperimentConfig Config, PemnNetwork Network) LoadRun(string runDirectory)
    {
        var dir = FullPath(runDirectory);
        if (IncompleteReason(dir) is { } reason) throw new ArgumentException(reason, nameof(runDirectory));
        var config = ExperimentJson.Load(Path.Combine(dir, ExperimentRunner.ConfigFile));
        var checkpoint = Path.Combine(dir, ExperimentRunner.CheckpointFolder);
        var state = Training.Checkpoint.TryReadState(checkpoint)!;
        var network = PemnPacking.BuildForState(config.Network);
        try
        {
            using (NewDisposeScope()) network.Model.load(Path.Combine(checkpoint, state.ModelFile));
            return (config, network);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>The run info recorded in a complete run folder: the id of its config (the folder's name under the current run-id rule) and metrics.json.</summary>
    public static PackedRunInfo RunInfo(string runDirectory)
    {
        var dir = FullPath(runDirectory);
        var id = ExperimentJson.RunId(ExperimentJson.Load(Path.Combine(dir, ExperimentRunner.ConfigFile)));
        // Read field by field rather than as RunMetrics: the file may carry fields this version does not know.
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, ExperimentRunner.MetricsFile))) as JsonObject;
        double? Number(string name) => metrics?[name] is JsonValue v && v.TryGetValue<double>(out var x) ? x : null;
        return new PackedRunInfo(id, Number("final_test_accuracy"), Number("best_test_accuracy"), (int?)Number("epochs"));
    }

    /// <summary>Packs the complete run in <paramref name="runDirectory"/>: its config and its last checkpoint.</summary>
    /// <exception cref="ArgumentException">The folder is not a complete run, or its config is invalid.</exception>
    public static PackedNetwork PackRun(string runDirectory, PemnPackOptions? options = null)
    {
        var (config, network) = LoadRun(runDirectory);
        using (network) return Pack(network, config, RunInfo(runDirectory), options);
    }

    /// <summary>Packs a trained <paramref name="network"/> built from <paramref name="config"/>'s network spec.</summary>
    /// <exception cref="ArgumentException">The network was not built from this config.</exception>
    public static PackedNetwork Pack(PemnNetwork network, ExperimentConfig config, PackedRunInfo? run = null, PemnPackOptions? options = null)
    {
        if (network.Spec != config.Network)
            throw new ArgumentException($"The network was built from another spec than the config's ({network.Spec} vs {config.Network}).", nameof(network));
        return PemnPacking.Pack(network, ConfigJson(config, run), options);
    }

    /// <summary>The configuration JSON of a file packed from <paramref name="config"/> (see <see cref="PackedRunConfig"/>).</summary>
    public static string ConfigJson(ExperimentConfig config, PackedRunInfo? run)
    {
        var root = new JsonObject
        {
            [KindField] = Names.Of(PemnPacking.KindOf(config.Network)),
            [ExperimentField] = ExperimentJson.ToNode(config with { Data = config.Data with { DataDir = null } }),
        };
        if (run is not null) root[RunField] = JsonSerializer.SerializeToNode(run, ExperimentJson.Options);
        return root.ToJsonString();
    }

    /// <summary>The experiment configuration of a packed network.</summary>
    /// <exception cref="PemnFileException">The configuration is not one this code packs: not an object with kind and experiment, an invalid experiment, or a kind that does not fit its strategy.</exception>
    public static PackedRunConfig ConfigOf(PackedNetwork packed)
    {
        JsonObject? root;
        try
        {
            root = JsonNode.Parse(packed.ConfigJson, documentOptions: ExperimentJson.DocumentOptions) as JsonObject;
        }
        catch (JsonException e)
        {
            throw ConfigError("", $"not valid JSON ({e.Message})");
        }
        if (root is null) throw ConfigError("", "not a JSON object");
        var kindText = root[KindField] is JsonValue k && k.TryGetValue<string>(out var s) ? s : null;
        if (!Names.TryParse<PackedKind>(kindText, out var kind))
            throw ConfigError(KindField, (kindText is null ? "missing" : $"'{kindText}' is not allowed") +
                $"; allowed: {Names.Allowed<PackedKind>()} (a file packed from an experiment names it; was this one?)");
        if (root[ExperimentField] is not JsonObject experimentNode)
            throw ConfigError(ExperimentField, "missing; a file packed from an experiment holds its config there");
        ExperimentConfig experiment;
        try
        {
            experiment = ExperimentJson.FromNode((JsonObject)experimentNode.DeepClone(), "").Validate();
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw ConfigError(ExperimentField, Runtime.ConfigError.Describe(e));
        }
        if (PemnPacking.KindOf(experiment.Network) != kind)
            throw ConfigError(KindField, $"'{Names.Of(kind)}' does not fit strategy {Names.Of(experiment.Strategy.Name)}, which packs as '{Names.Of(PemnPacking.KindOf(experiment.Network))}'");
        PackedRunInfo? run = null;
        if (root[RunField] is JsonObject runNode)
        {
            try
            {
                run = runNode.Deserialize<PackedRunInfo>(LenientJson);
            }
            catch (JsonException e)
            {
                throw ConfigError(RunField, e.Message);
            }
        }
        return new PackedRunConfig(kind, experiment, run);
    }

    /// <summary>The working network a packed file describes, on <paramref name="device"/> (null: the CPU), and its configuration.</summary>
    /// <exception cref="PemnFileException">The configuration is not an experiment's, or the network does not fit it.</exception>
    public static (PackedRunConfig Config, PemnNetwork Network) Load(PackedNetwork packed, Device? device = null)
    {
        var config = ConfigOf(packed);
        return (config, PemnPacking.Unpack(packed, config.Experiment.Network, device));
    }

    /// <summary>Reads the PEMN file at <paramref name="path"/> and loads it (<see cref="Load(PackedNetwork, Device?)"/>).</summary>
    /// <exception cref="PemnFileException">The file is not a valid PEMN file of an experiment's network.</exception>
    public static (PackedRunConfig Config, PemnNetwork Network) LoadFile(string path, Device? device = null) =>
        Load(PemnFile.ReadFile(path), device);

    /// <summary>The full path without a trailing separator ("runs/x/" and "runs/x" are one folder).</summary>
    private static string FullPath(string directory) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));

    private static PemnFileException ConfigError(string field, string detail) =>
        new(PemnFileError.InvalidField, field.Length == 0 ? "Config" : $"Config: {field}", -1, detail);
}
