using System.CommandLine;
using System.Text.Json;
using PEMN.Benchmarks;
using PEMN.Cli.Options;
using PEMN.Configuration;

namespace PEMN.Cli.Commands;

/// <summary>
/// <c>pemn bench epochs</c>: whole epochs of an experiment (default: the quick preset, masked, for
/// <see cref="DefaultEpochs"/> epochs) as a run trains them, with each epoch's time (training and evaluation) and the
/// process's resident memory after it, in the record PyTorch's reference writes too (<see cref="EpochsMeasurement"/>).
/// One process of <c>pemn bench suite</c>; run on its own, its peak memory is a quick run's.
/// </summary>
public static class BenchEpochsCommand
{
    /// <summary>Epochs by default: enough to see whether memory stays flat (the target is set over 10).</summary>
    public const int DefaultEpochs = 10;

    /// <summary>Creates the sub-command.</summary>
    public static Command Create()
    {
        var quick = ExperimentPresets.Quick;
        var experiment = new ExperimentOptions(quick with { Training = quick.Training with { Epochs = DefaultEpochs } },
            $"the quick preset for {DefaultEpochs} epochs");
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var command = new Command("epochs", "Whole epochs of an experiment (default: quick, masked, 10 epochs): time of training and evaluation, resident memory after each.");
        experiment.AddTo(command);
        command.Options.Add(json);
        command.SetAction(parse => Pemn.Guard(() =>
        {
            var config = experiment.Resolve(parse).Config;
            if (config.Threads > 0) TorchSharp.torch.set_num_threads(config.Threads);
            var r = EpochBenchmark.Run(config);
            var rows = r.Epochs.Select(e => new EpochRow(e.Epoch, e.Seconds, e.TrainSeconds, e.EvalSeconds, e.TestAccuracy,
                e.Memory?.RssBytes ?? 0, e.Memory?.AnonymousBytes ?? 0, e.Memory?.FileBytes ?? 0)).ToList();
            var measurement = new EpochsMeasurement(SideBySide.Ours, BenchStepsCommand.Version, r.Threads,
                config.Model.ShortName, PEMN.Runtime.Names.Of(config.Strategy.Name), r.Batch, r.TrainImages, r.TestImages, rows, r.AtEnd?.PeakRssBytes ?? 0,
                PEMN.Runtime.Machine.Allocator, PEMN.Runtime.Names.Of(config.Training.MemoryFormat));
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(measurement, CliJson.Options));
            else
            {
                Console.WriteLine($"{config.Model.ShortName} {PEMN.Runtime.Names.Of(config.Strategy.Name)}, {r.TrainImages:N0} training and {r.TestImages:N0} test images, batch {r.Batch}, {r.Threads} threads");
                foreach (var e in rows)
                    Console.WriteLine($"  epoch {e.Epoch,3}: {e.Seconds,7:F1} s (training {e.TrainSeconds:F1} s, evaluation {e.EvalSeconds:F1} s), test acc {e.TestAccuracy:P2}, resident {e.RssBytes / 1048576.0:F0} MiB");
                Console.WriteLine($"  peak resident {measurement.PeakRssBytes / 1048576.0:F0} MiB; growth of its high level {100 * measurement.RssGrowth:F1} %");
            }
            return ExitCodes.Ok;
        }));
        return command;
    }
}
