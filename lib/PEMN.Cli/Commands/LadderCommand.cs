using System.CommandLine;
using System.Text.Json;
using PEMN.Cli.Options;
using PEMN.Experiments;
using PEMN.Runtime;

namespace PEMN.Cli.Commands;

/// <summary>
/// <c>pemn ladder</c>: the paper's Fig. 3 x-axis (Dense, Mask, One-layer, MP, RP 1e-1 ... 1e-5) over one base
/// configuration: trains what is not done, then prints storage and accuracy per rung.
/// </summary>
public static class LadderCommand
{
    /// <summary>The markdown summary written next to the runs table.</summary>
    public const string TableFile = "ladder.md";

    /// <summary>Where the ladder's figure comes from (repository paths belong to the command line, not the library).</summary>
    private const string FigureNote = "figure `ladder.png`: drawn from these runs by `notebooks/01_strategy_ladder.ipynb`, " +
        "rendered by `scripts/render-charts.sh` (both steps of `scripts/reproduce.sh`)";

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("ladder",
            "Train the strategy ladder of the paper's Fig. 3 (Dense, Mask, One-layer, MP, RP 1e-1 ... 1e-5) over one base config " +
            "(--preset, --config, any experiment flag but --strategy and --ratio, which the rungs set). Complete runs are skipped, interrupted ones resume.");
        var experiment = new ExperimentOptions();
        experiment.AddTo(command);
        var output = new Option<string>("--out") { Description = "Runs table (CSV); run folders go next to it.", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "List the rungs (label, run id, state) and exit without training." };
        var json = new Option<bool>("--json") { Description = "Print one JSON line (the rungs) on stdout." };
        command.Options.Add(output);
        command.Options.Add(dryRun);
        command.Options.Add(json);
        command.SetAction((parse, cancellation) => Task.FromResult(Pemn.Guard(() =>
        {
            foreach (var path in new[] { "strategy.name", "strategy.ratio" })
                if (experiment.IsGiven(parse, path))
                    throw new UsageException(experiment.FlagOf(path)!, "the ladder sets the strategy and the RP ratio rung by rung; leave it out (or use pemn train for one strategy).");
            var config = experiment.Resolve(parse);
            var csv = Path.GetFullPath(parse.GetValue(output)!);
            if (parse.GetValue(dryRun))
            {
                var planned = SweepRunner.Describe(StrategyLadder.Plan(config), csv);
                if (parse.GetValue(json))
                    Console.WriteLine(JsonSerializer.Serialize(planned.Select(p => new { label = p.Config.Strategy.Label(), run_id = p.RunId, status = Names.Of(p.Status) })));
                else
                    foreach (var p in planned) Console.WriteLine($"{p.Config.Strategy.Label(),-10} {Names.Of(p.Status),-9} {p.RunId}");
                return ExitCodes.Ok;
            }
            var rows = StrategyLadder.Run(config, csv, p => new ConsoleProgress(p.RunId), cancellation);
            // The committed-results table names what produced it (command, commit, machine, date).
            var table = Path.Combine(Path.GetDirectoryName(csv)!, TableFile);
            var commandLine = "scripts/pemn " + string.Join(" ", Environment.GetCommandLineArgs().Skip(1));
            var written = LadderTable.Write(table, LadderTable.Markdown(rows, config, commandLine, RunProvenance.Now(), [FigureNote]));
            Console.Error.WriteLine(written ? $"table: {table}" : $"table: {table} (unchanged apart from commit, machine and date: kept)");
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(rows, CliJson.Options));
            else
            {
                Console.WriteLine($"{"rung",-10} {"unique values",14} {"compression",12} {"best acc",9} {"final acc",10} {"seconds",8}");
                foreach (var r in rows)
                    Console.WriteLine($"{r.Label,-10} {r.UniqueValues,14:N0} {r.CompressionRatio,12:P2} {r.BestTestAccuracy,9:P2} {r.FinalTestAccuracy,10:P2} {r.Seconds,8:F0}");
            }
            return ExitCodes.Ok;
        })));
        return command;
    }
}
