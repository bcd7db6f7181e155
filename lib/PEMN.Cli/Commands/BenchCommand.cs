using System.CommandLine;
using System.Text.Json;
using PEMN.Benchmarks;
using PEMN.Cli.Options;

namespace PEMN.Cli.Commands;

/// <summary><c>pemn bench</c>: benchmarks that print numbers (never timed unit tests).</summary>
public static class BenchCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("bench", "Benchmarks that print timings; `bench suite` runs them side by side with PyTorch (scripts/bench.sh).");
        command.Subcommands.Add(Masks());
        command.Subcommands.Add(BenchDataCommand.Create());
        command.Subcommands.Add(BenchStepsCommand.Create());
        command.Subcommands.Add(BenchEpochsCommand.Create());
        command.Subcommands.Add(BenchSuiteCommand.Create());
        return command;
    }

    private static Command Masks()
    {
        var defaults = new MaskBenchmarkOptions();
        var experiment = new ExperimentOptions(MaskBenchmarkOptions.DefaultExperiment, "the paper's ConvMixer-256/8 at batch 64 on the CPU");
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var steps = new Option<int>("--steps") { Description = "Timed training steps per model (median reported).", DefaultValueFactory = _ => defaults.Steps };
        var command = new Command("masks",
            "Mask computation per step (full sort vs selection) and a training step masked vs dense, on the experiment's model, k, batch and seed.");
        experiment.AddTo(command);
        command.Options.Add(json);
        command.Options.Add(steps);
        command.SetAction(parse => Pemn.Guard(() =>
        {
            var config = experiment.Resolve(parse).Config;
            var options = defaults with { Steps = parse.GetValue(steps) };
            try { options.Validate(); }
            catch (ArgumentOutOfRangeException e) { throw new UsageException("--steps", PEMN.Runtime.ConfigError.Describe(e)); }
            if (config.Threads > 0) TorchSharp.torch.set_num_threads(config.Threads);
            var result = MaskBenchmark.Run(config, options, PEMN.Runs.ExperimentRunner.ResolveDevice(config.Device));
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(result, CliJson.Options));
            else
            {
                Console.WriteLine($"{config.Model.ShortName}, batch {config.Training.BatchSize}, {result.Layers} masked layers, {result.MaskedWeights:N0} masked weights, {result.Threads} threads");
                Console.WriteLine($"mask per step   full sort {result.MaskMsSort,8:F2} ms   selection {result.MaskMs,8:F2} ms   speed-up {result.MaskSpeedup:F2}x");
                Console.WriteLine($"training step   dense     {result.StepSDense,8:F3} s    masked    {result.StepSMasked,8:F3} s    ratio    {result.StepRatio:F3}x");
                Console.WriteLine($"inference       dense     {result.InferenceDense,8:F0} images/s    masked    {result.InferenceMasked,8:F0} images/s");
                if (result.GflopsAt(result.StepSMasked) is { } gflops)
                    Console.WriteLine($"training        {gflops:F1} GFLOP/s masked, {result.GflopsAt(result.StepSDense):F1} GFLOP/s dense ({result.TrainingMultiplyAddsPerImage:N0} multiply-adds per image)");
            }
            return ExitCodes.Ok;
        }));
        return command;
    }
}
