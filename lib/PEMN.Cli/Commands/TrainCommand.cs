using System.CommandLine;
using System.Text.Json;
using PEMN.Cli.Options;
using PEMN.Experiments;

namespace PEMN.Cli.Commands;

/// <summary><c>pemn train</c>: one experiment (preset, config file and flags), resumable, with records under --out.</summary>
public static class TrainCommand
{
    /// <summary>Exit code of a configuration or data error.</summary>
    public const int ErrorExit = 1;
    /// <summary>Exit code after Ctrl+C (128 + SIGINT, the shell convention).</summary>
    public const int InterruptedExit = 130;

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("train",
            "Train one experiment. Records go to <out>/runs/<run-id>/ (config.json, history.json, metrics.json, checkpoint/) and a row of <out>/runs.csv. " +
            "Rerunning the same config resumes an interrupted run and skips a complete one.");
        var experiment = new ExperimentOptions();
        experiment.AddTo(command);
        var output = new Option<DirectoryInfo>("--out") { Description = "Output folder.", DefaultValueFactory = _ => new DirectoryInfo("out") };
        var csv = new Option<FileInfo>("--csv") { Description = "Runs table to append to (default <out>/runs.csv)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON summary line on stdout (progress stays on stderr)." };
        command.Options.Add(output);
        command.Options.Add(csv);
        command.Options.Add(json);
        command.SetAction((parse, cancellation) => Task.FromResult(Run(parse, experiment, output, csv, json, cancellation)));
        return command;
    }

    private static int Run(ParseResult parse, ExperimentOptions experiment, Option<DirectoryInfo> output, Option<FileInfo> csv,
        Option<bool> json, CancellationToken cancellation)
    {
        try
        {
            var config = experiment.Resolve(parse);
            var outDir = parse.GetValue(output)!.FullName;
            var runId = ExperimentJson.RunId(config);
            var status = ExperimentRunner.StatusOf(outDir, config);
            Console.Error.WriteLine($"{runId}: {status.ToString().ToLowerInvariant()} ({config.Name}, {config.Strategy.Name}, {config.Training.Epochs} epochs, device {config.Device})");
            var outcome = new ExperimentRunner().Run(config, outDir, parse.GetValue(csv)?.FullName, new ConsoleProgress(runId), cancellation);
            var m = outcome.Metrics;
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    run_id = outcome.RunId,
                    run_dir = outcome.RunDirectory,
                    status_before = outcome.StatusBefore.ToString().ToLowerInvariant(),
                    best_test_accuracy = m.BestTestAccuracy,
                    final_test_accuracy = m.FinalTestAccuracy,
                    best_epoch = m.BestEpoch,
                    epochs = m.Epochs,
                    seconds = m.Seconds,
                    images_per_second = m.ImagesPerSecond,
                    trainable_parameters = m.TrainableParameters,
                    lr_max = m.LrMax,
                }));
            }
            else
            {
                Console.WriteLine($"run {outcome.RunId}{(outcome.Skipped ? " (already complete, skipped)" : "")}");
                Console.WriteLine($"  best test accuracy  {m.BestTestAccuracy:P2} (epoch {m.BestEpoch})");
                Console.WriteLine($"  final test accuracy {m.FinalTestAccuracy:P2}");
                Console.WriteLine($"  {m.Epochs} epochs, {m.Seconds:F1} s, {m.ImagesPerSecond:F0} img/s, {m.TrainableParameters:N0} trainable values");
                Console.WriteLine($"  records in {outcome.RunDirectory}");
            }
            return 0;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine();
            Console.Error.WriteLine("interrupted: the last finished epoch is checkpointed; run the same command again to resume.");
            return InterruptedExit;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or PEMN.Data.DataSetException or NotSupportedException or InvalidOperationException or IOException)
        {
            Console.Error.WriteLine();
            Console.Error.WriteLine($"error: {ConfigError.Describe(e)}");
            return ErrorExit;
        }
    }
}
