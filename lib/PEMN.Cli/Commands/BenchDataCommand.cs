using System.CommandLine;
using System.Text.Json;
using PEMN.Benchmarks;
using PEMN.Cli.Options;
using PEMN.Configuration;
using static TorchSharp.torch;

namespace PEMN.Cli.Commands;

/// <summary>
/// <c>pemn bench data</c>: how fast an experiment's training batches are produced against how fast its network consumes
/// them, and the time a training loop waits on the prefetching pipeline (<see cref="DataPipelineBenchmark"/>).
/// </summary>
public static class BenchDataCommand
{
    /// <summary>Creates the sub-command.</summary>
    public static Command Create()
    {
        var command = new Command("data", "Batches/s of an experiment's data pipeline vs. training steps/s of its network, and the headroom ratio (default: the quick preset).");
        var experiment = new ExperimentOptions(ExperimentPresets.Quick, "the quick preset");
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        experiment.AddTo(command);
        command.Options.Add(json);
        command.SetAction(parse => Pemn.Guard(() => Run(experiment.Resolve(parse), parse.GetValue(json))));
        return command;
    }

    private static int Run(ExperimentConfig config, bool json)
    {
        if (config.Threads > 0) set_num_threads(config.Threads);
        DataPipelineResult r;
        try { r = DataPipelineBenchmark.Run(config); }
        catch (ArgumentException e) when (e.ParamName == "data.dataset") { throw new UsageException("--dataset", e.Message); }
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                images = r.Images, batch = r.Batch, threads = r.Threads,
                pipeline_batches_per_second = r.PipelineBatchesPerSecond, training_steps_per_second = r.TrainingStepsPerSecond,
                headroom = r.Headroom, target_headroom = DataPipelineBenchmark.TargetHeadroom, wait_ms_per_step = r.WaitMsPerStep,
            }));
        }
        else
        {
            Console.WriteLine($"{PEMN.Runtime.Names.Label(config.Data.Dataset)} {r.Images:N0} images, batch {r.Batch}, {r.Threads} torch threads");
            Console.WriteLine($"  pipeline:  {r.PipelineBatchesPerSecond,8:F1} batches/s");
            Console.WriteLine($"  training:  {r.TrainingStepsPerSecond,8:F2} steps/s ({config.Strategy.Label()} {config.Model.ShortName}, AdamW)");
            Console.WriteLine($"  headroom:  {r.Headroom,8:F1}x (target >= {DataPipelineBenchmark.TargetHeadroom}x)");
            Console.WriteLine($"  waiting on prefetched batches: {r.WaitMsPerStep:F2} ms per step");
        }
        return ExitCodes.Ok;
    }
}
