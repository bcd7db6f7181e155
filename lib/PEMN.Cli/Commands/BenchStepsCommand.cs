using System.CommandLine;
using System.Text.Json;
using PEMN.Benchmarks;
using PEMN.Cli.Options;
using PEMN.Experiments;

namespace PEMN.Cli.Commands;

/// <summary>
/// <c>pemn bench steps</c>: training steps dense and masked, the masks by full sort and by selection, and inference, for the
/// two models of the side-by-side benchmark (the quick ConvMixer-64/4 at batch 128 and ConvMixer-256/8 at batch 64), in the
/// record PyTorch's reference writes too (<see cref="StepsMeasurement"/>). One process of <c>pemn bench suite</c>.
/// </summary>
public static class BenchStepsCommand
{
    /// <summary>The models measured, by their benchmark keys: the quick preset and the paper's ConvMixer-256/8 at batch 64, on the CPU.</summary>
    public static IReadOnlyList<(string Key, ExperimentConfig Experiment)> Models { get; } =
    [
        (SideBySide.QuickModel, ExperimentPresets.Quick),
        (SideBySide.PaperModel, MaskBenchmarkOptions.DefaultExperiment),
    ];

    /// <summary>Framework and versions, as the records name them.</summary>
    public static string Version =>
        $"TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(3)}, .NET {Environment.Version}";

    /// <summary>Creates the sub-command.</summary>
    public static Command Create()
    {
        var defaults = new MaskBenchmarkOptions();
        var threads = ThreadsOption();
        var steps = new Option<int>("--steps") { Description = "Timed training steps per model and kind (median reported).", DefaultValueFactory = _ => defaults.Steps };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var command = new Command("steps", "Training steps dense and masked, masks by sort and by selection, and inference, of the quick ConvMixer and ConvMixer-256/8.");
        command.Options.Add(threads);
        command.Options.Add(steps);
        command.Options.Add(json);
        command.SetAction(parse => Pemn.Guard(() =>
        {
            SetThreads(parse.GetValue(threads));
            var options = defaults with { Steps = parse.GetValue(steps) };
            try { options.Validate(); }
            catch (ArgumentOutOfRangeException e) { throw new UsageException("--steps", PEMN.Runtime.ConfigError.Describe(e)); }
            var models = new List<ModelSteps>();
            foreach (var (key, experiment) in Models)
            {
                var r = MaskBenchmark.Run(experiment, options, ExperimentRunner.ResolveDevice(experiment.Device));
                models.Add(new ModelSteps(key, r.Batch, r.StepSDense, r.StepSMasked, r.MaskMsSort, r.MaskMs, r.InferenceDense, r.InferenceMasked, r.TrainingMultiplyAddsPerImage, r.InferenceMaskedLive));
                if (!parse.GetValue(json))
                    Console.WriteLine($"{key,-12} batch {r.Batch,4}: step dense {r.StepSDense:F3} s, masked {r.StepSMasked:F3} s ({r.StepRatio:F3}x); " +
                        $"masks sort {r.MaskMsSort:F2} ms, selection {r.MaskMs:F2} ms; inference dense {r.InferenceDense:F0}, masked {r.InferenceMasked:F0} (live masks {r.InferenceMaskedLive:F0}) images/s; " +
                        $"{r.GflopsAt(r.StepSMasked):F1} GFLOP/s masked");
            }
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(new StepsMeasurement(SideBySide.Ours, Version, TorchSharp.torch.get_num_threads(), models), CliJson.Options));
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>A --threads option of the benchmark processes (0: libtorch's default).</summary>
    public static Option<int> ThreadsOption() => new("--threads")
    {
        Description = "torch threads of this process (0: libtorch's default, the machine's cores).",
    };

    /// <summary>Applies a --threads value; a value outside [0, MaxThreads] is a usage error.</summary>
    public static void SetThreads(int threads)
    {
        if (threads < 0 || threads > ExperimentConfig.MaxThreads)
            throw new UsageException("--threads", $"{threads} is outside the allowed range [0, {ExperimentConfig.MaxThreads}].");
        if (threads > 0) TorchSharp.torch.set_num_threads(threads);
    }
}
