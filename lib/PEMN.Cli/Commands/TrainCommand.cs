using System.CommandLine;
using System.Text.Json;
using PEMN.Cli.Options;
using PEMN.Configuration;
using PEMN.Runs;
using PEMN.Runtime;

namespace PEMN.Cli.Commands;

/// <summary><c>pemn train</c>: one experiment (preset, config file and flags), resumable, with records under --out.</summary>
public static class TrainCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("train",
            "Train one experiment. Records go to <out>/runs/<run-id>/ (config.json, history.json, provenance.json, metrics.json, checkpoint/) and a row of <out>/runs.csv. " +
            "Rerunning the same config resumes an interrupted run and skips a complete one; while another process trains it, waits for that process.");
        var experiment = new ExperimentOptions();
        experiment.AddTo(command);
        var runs = new RunsOptions(required: false, otherTable: true);
        var json = new Option<bool>("--json") { Description = "Print one JSON summary line on stdout (progress stays on stderr)." };
        var restart = RunCommands.RestartOption();
        runs.AddTo(command);
        command.Options.Add(json);
        command.Options.Add(restart);
        command.SetAction((parse, cancellation) => Task.FromResult(Pemn.Guard(() =>
        {
            var validated = experiment.Resolve(parse);
            var config = validated.Config;
            var location = runs.Resolve(parse);
            var (outDir, table) = (location.Directory, location.Table);
            var runner = new ExperimentRunner();
            // Outputs and data are checked before anything is created or computed.
            RunCommands.Check(() => runner.Preflight([validated], outDir, table), ("--out", outDir), ("--csv", table));
            var runId = ExperimentJson.RunId(config);
            var status = ExperimentRunner.StatusOf(outDir, config);
            Console.Error.WriteLine($"{runId}: {Names.Of(status)} ({config.Name}, {config.Strategy.Label()}, {config.Training.Epochs} epoch(s), device {config.Device}); records in {location.Run(config).Path}");
            var outcome = runner.Run(validated, outDir, table, new ConsoleProgress(runId), cancellation, RunCommands.Options(parse.GetValue(restart)));
            Print(outcome, parse.GetValue(json));
            return ExitCodes.Ok;
        })));
        return command;
    }

    private static void Print(RunOutcome outcome, bool json)
    {
        var m = outcome.Metrics;
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                run_id = outcome.RunId,
                run_dir = outcome.RunDirectory,
                status_before = Names.Of(outcome.StatusBefore),
                outcome = Names.Of(outcome.Kind),
                best_test_accuracy = m.BestTestAccuracy,
                final_test_accuracy = m.FinalTestAccuracy,
                best_epoch = m.BestEpoch,
                epochs = m.Epochs,
                seconds = m.Seconds,
                images_per_second = m.ImagesPerSecond,
                trainable_parameters = m.TrainableParameters,
                lr_max = m.LrMax,
            }));
            return;
        }
        Console.WriteLine($"run {outcome.RunId}{outcome.Kind switch
        {
            RunOutcomeKind.Skipped => " (already complete, skipped)",
            RunOutcomeKind.FinishedElsewhere => " (finished by another process, not trained here)",
            RunOutcomeKind.Resumed => " (resumed from its checkpoint)",
            _ => "",
        }}");
        Console.WriteLine($"  best test accuracy  {m.BestTestAccuracy:P2} (epoch {m.BestEpoch})");
        Console.WriteLine($"  final test accuracy {m.FinalTestAccuracy:P2}");
        Console.WriteLine($"  {m.Epochs} epochs, {m.Seconds:F1} s, {m.ImagesPerSecond:F0} img/s, {m.TrainableParameters:N0} trainable values");
        Console.WriteLine($"  records in {outcome.RunDirectory}");
    }
}
