using System.CommandLine;
using System.Text.Json;
using PEMN.Cli.Options;
using PEMN;
using PEMN.Experiments;

namespace PEMN.Cli.Commands;

/// <summary>
/// <c>pemn ladder</c>: the paper's Fig. 3 x-axis (Dense, Mask, One-layer, MP, RP 1e-1 ... 1e-5) over one base
/// configuration: trains what is not done, then prints storage and accuracy per rung.
/// </summary>
public static class LadderCommand
{
    /// <summary>The markdown summary written next to the runs table.</summary>
    public const string TableFile = "ladder.md";

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("ladder",
            "Train the strategy ladder of the paper's Fig. 3 (Dense, Mask, One-layer, MP, RP 1e-1 ... 1e-5) over one base config " +
            "(--preset, --config, any flag; the strategy flags are replaced rung by rung). Complete runs are skipped, interrupted ones resume.");
        var experiment = new ExperimentOptions();
        experiment.AddTo(command);
        var output = new Option<FileInfo>("--out") { Description = "Runs table (CSV); run folders go next to it.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON line (the rungs) on stdout." };
        command.Options.Add(output);
        command.Options.Add(json);
        command.SetAction((parse, cancellation) => Task.FromResult(Run(parse, experiment, output, json, cancellation)));
        return command;
    }

    private static int Run(ParseResult parse, ExperimentOptions experiment, Option<FileInfo> output, Option<bool> json,
        CancellationToken cancellation)
    {
        try
        {
            var config = experiment.Resolve(parse);
            var csv = parse.GetValue(output)!.FullName;
            var rows = StrategyLadder.Run(config, csv, p => new ConsoleProgress(p.RunId), cancellation);
            // The committed-results table names what produced it (command, commit, machine, date).
            var table = Path.Combine(Path.GetDirectoryName(csv)!, TableFile);
            var command = "scripts/pemn " + string.Join(" ", Environment.GetCommandLineArgs().Skip(1));
            var written = LadderTable.Write(table, LadderTable.Markdown(rows, config, command, RunProvenance.Now()));
            Console.Error.WriteLine(written ? $"table: {table}" : $"table: {table} (unchanged apart from commit, machine and date: kept)");
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(rows, CliJson.Options));
            else
            {
                Console.WriteLine($"{"rung",-10} {"unique values",14} {"compression",12} {"best acc",9} {"final acc",10} {"seconds",8}");
                foreach (var r in rows)
                    Console.WriteLine($"{r.Label,-10} {r.UniqueValues,14:N0} {r.CompressionRatio,12:P2} {r.BestTestAccuracy,9:P2} {r.FinalTestAccuracy,10:P2} {r.Seconds,8:F0}");
            }
            return 0;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("interrupted: finished epochs are checkpointed; run the same command again to resume.");
            return TrainCommand.InterruptedExit;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or PEMN.Data.DataSetException or NotSupportedException or InvalidOperationException or IOException)
        {
            Console.Error.WriteLine($"error: {ConfigError.Describe(e)}");
            return TrainCommand.ErrorExit;
        }
    }
}
