using System.CommandLine;
using System.Text.Json;
using PEMN.Benchmarks;

namespace PEMN.Cli.Commands;

/// <summary><c>pemn bench</c>: benchmarks that print numbers (never timed unit tests).</summary>
public static class BenchCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("bench", "Benchmarks that print timings.");
        command.Subcommands.Add(Masks());
        command.Subcommands.Add(BenchDataCommand.Create());
        return command;
    }

    private static Command Masks()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var steps = new Option<int>("--steps") { Description = "Timed training steps per model (median reported).", DefaultValueFactory = _ => MaskBenchmarkOptions.Default.Steps };
        var threads = new Option<int>("--threads") { Description = "Torch intra-op threads (0: the machine's cores).", DefaultValueFactory = _ => 0 };
        var command = new Command("masks",
            "Mask computation per step (full sort vs selection) and a training step masked vs dense: ConvMixer-256/8, 3x32x32, batch 64, CPU.")
        { json, steps, threads };
        command.SetAction(parse =>
        {
            var t = parse.GetValue(threads);
            if (t < 0) { Console.Error.WriteLine($"--threads must be >= 0; got {t}."); return 2; }
            if (t > 0) TorchSharp.torch.set_num_threads(t);
            var options = MaskBenchmarkOptions.Default with { Steps = parse.GetValue(steps) };
            MaskBenchmarkResult result;
            try { result = MaskBenchmark.Run(options, TorchSharp.torch.CPU); }
            catch (ArgumentOutOfRangeException e) { Console.Error.WriteLine(e.Message); return 2; }
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(result, CliJson.Options));
            else
            {
                Console.WriteLine($"ConvMixer-256/8, batch {options.Batch}, {result.Layers} masked layers, {result.MaskedWeights:N0} masked weights, {result.Threads} threads");
                Console.WriteLine($"mask per step   full sort {result.MaskMsSort,8:F2} ms   selection {result.MaskMs,8:F2} ms   speed-up {result.MaskSpeedup:F2}x");
                Console.WriteLine($"training step   dense     {result.StepSDense,8:F3} s    masked    {result.StepSMasked,8:F3} s    ratio    {result.StepRatio:F3}x");
            }
            return 0;
        });
        return command;
    }
}
