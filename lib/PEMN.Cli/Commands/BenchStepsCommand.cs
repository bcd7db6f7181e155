using System.CommandLine;
using System.Text.Json;
using PEMN.Benchmarks;
using PEMN.Cli.Options;
using PEMN.Configuration;
using PEMN.Runs;
using PEMN.Runtime;
using PEMN.Training;

namespace PEMN.Cli.Commands;

/// <summary>
/// <c>pemn bench steps</c>: training steps dense and masked, the masks by full sort and by selection, and inference, for the
/// two models of the side-by-side benchmark (the quick ConvMixer-64/4 at batch 128 and ConvMixer-256/8 at batch 64), in the
/// record PyTorch's reference writes too (<see cref="StepsMeasurement"/>), with the process's peak memory. The training
/// steps run in --precision and --memory-format. One process of <c>pemn bench suite</c> per model and variant.
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
        var model = new Option<string>("--model") { Description = $"The model measured: {string.Join(", ", Models.Select(m => m.Key))} or all.", DefaultValueFactory = _ => "all" };
        var precision = new Option<string>("--precision") { Description = $"Precision of the training steps: {Names.Allowed<Precision>()}.", DefaultValueFactory = _ => Names.Of(Precision.Fp32) };
        var memoryFormat = new Option<string>("--memory-format") { Description = $"Layout of the training steps: {Names.Allowed<MemoryFormat>()}.", DefaultValueFactory = _ => Names.Of(new TrainingConfig().MemoryFormat) };
        var command = new Command("steps", "Training steps dense and masked, masks by sort and by selection, and inference, of the quick ConvMixer and ConvMixer-256/8.");
        foreach (var o in new Option[] { threads, steps, model, precision, memoryFormat, json }) command.Options.Add(o);
        command.SetAction(parse => Pemn.Guard(() =>
        {
            RunCommands.SetThreads(parse.GetValue(threads));
            var options = defaults with { Steps = parse.GetValue(steps) };
            try { options.Validate(); }
            catch (ArgumentOutOfRangeException e) { throw new UsageException("--steps", PEMN.Runtime.ConfigError.Describe(e)); }
            var chosen = parse.GetValue(model)!;
            if (chosen != "all" && Models.All(m => m.Key != chosen))
                throw new UsageException("--model", $"'{chosen}' is not allowed; allowed: {string.Join(", ", Models.Select(m => m.Key))}, all.");
            var p = Choice<Precision>(parse.GetValue(precision), "--precision");
            var f = Choice<MemoryFormat>(parse.GetValue(memoryFormat), "--memory-format");
            var models = new List<ModelSteps>();
            foreach (var (key, measured) in Models.Where(m => chosen == "all" || m.Key == chosen))
            {
                var experiment = measured with { Training = measured.Training with { Precision = p, MemoryFormat = f } };
                var r = MaskBenchmark.Run(experiment, options, ExperimentRunner.ResolveDevice(experiment.Device));
                models.Add(new ModelSteps(key, r.Batch, r.StepSDense, r.StepSMasked, r.MaskMsSort, r.MaskMs, r.InferenceDense, r.InferenceMasked, r.TrainingMultiplyAddsPerImage, r.InferenceMaskedLive));
                if (!parse.GetValue(json))
                    Console.WriteLine($"{key,-12} batch {r.Batch,4}: step dense {r.StepSDense:F3} s, masked {r.StepSMasked:F3} s ({r.StepRatio:F3}x); " +
                        $"masks sort {r.MaskMsSort:F2} ms, selection {r.MaskMs:F2} ms; inference dense {r.InferenceDense:F0}, masked {r.InferenceMasked:F0} (live masks {r.InferenceMaskedLive:F0}) images/s; " +
                        $"{r.GflopsAt(r.StepSMasked):F1} GFLOP/s masked");
            }
            var record = new StepsMeasurement(SideBySide.Ours, Version, TorchSharp.torch.get_num_threads(), models, Names.Of(p), Names.Of(f),
                Machine.Allocator, ProcessMemory.Current()?.PeakRssBytes);
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(record, CliJson.Options));
            else
                Console.WriteLine($"{record.Variant}, {record.Allocator}: peak resident {record.PeakRssBytes / 1048576.0:F0} MiB");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static T Choice<T>(string? text, string flag) where T : struct, Enum =>
        Names.TryParse<T>(text, out var value) ? value : throw new UsageException(flag, $"'{text}' is not allowed; allowed: {Names.Allowed<T>()}.");

    /// <summary>A --threads option of the benchmark processes (0: libtorch's default).</summary>
    public static Option<int> ThreadsOption() => new("--threads")
    {
        Description = "torch threads of this process (0: libtorch's default, the machine's cores).",
    };

}
