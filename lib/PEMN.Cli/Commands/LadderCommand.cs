using System.CommandLine;
using System.Text.Json;
using PEMN.Cli.Options;
using PEMN.Configuration;
using PEMN.Reports;
using PEMN.Runs;
using PEMN.Runtime;
using PEMN.Sweeps;

namespace PEMN.Cli.Commands;

/// <summary>
/// <c>pemn ladder</c>: the paper's Fig. 3 x-axis (Dense, Mask, One-layer, MP, RP 1e-1 ... 1e-5) over one base
/// configuration: trains what is not done, then prints storage and accuracy per rung.
/// </summary>
public static class LadderCommand
{
    /// <summary>Where the ladder's figure comes from (repository paths belong to the command line, not the library).</summary>
    private const string FigureNote = "figure `ladder.png`: drawn from these runs by `notebooks/01_strategy_ladder.ipynb`, " +
        "rendered by `scripts/render-charts.sh` (both steps of `scripts/reproduce.sh`)";

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("ladder",
            "Train the strategy ladder of the paper's Fig. 3 (Dense, Mask, One-layer, MP, RP 1e-1 ... 1e-5) over one base config " +
            "(--preset, --config, any experiment flag but --strategy and --ratio, which the rungs set). Complete runs are skipped, interrupted ones resume.");
        var experiment = new ExperimentOptions { SweepsStrategies = true };
        experiment.AddTo(command);
        var runs = new RunsOptions(required: true, otherTable: false);
        var seeds = new Option<long[]>("--seeds")
        {
            Description = "Seeds of every rung, e.g. --seeds 0 1 2 (default: the config's training.seed).",
            AllowMultipleArgumentsPerToken = true,
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "List the rungs (label, unique values, run id, state per seed) and exit without training." };
        var json = new Option<bool>("--json") { Description = "Print one JSON line (the rungs) on stdout." };
        var restart = RunCommands.RestartOption();
        var slurm = new SlurmCommands();
        slurm.AddTo(command);
        var workers = WorkerProcesses.CreateOption();
        runs.AddTo(command);
        command.Options.Add(seeds);
        command.Options.Add(dryRun);
        command.Options.Add(json);
        command.Options.Add(restart);
        command.Options.Add(workers);
        command.SetAction((parse, cancellation) => Task.FromResult(Pemn.Guard(() =>
        {
            foreach (var path in new[] { "strategy.name", "strategy.ratio" })
                if (experiment.IsGiven(parse, path))
                    throw new UsageException(experiment.FlagOf(path)!, "the ladder sets the strategy and the RP ratio rung by rung; leave it out (or use pemn train for one strategy).");
            var config = experiment.Resolve(parse).Config;
            if (parse.GetValue(seeds) is { Length: > 0 } given && given.Distinct().Count() != given.Length)
                throw new UsageException("--seeds", $"{string.Join(" ", given)} repeats a seed; allowed: distinct seeds.");
            IReadOnlyList<long> seedList = parse.GetValue(seeds) is { Length: > 0 } list ? list : [config.Training.Seed];
            var csv = runs.Resolve(parse).Table;
            var steps = StrategyLadder.Steps(config);
            var plan = StrategyLadder.Plan(steps, seedList);
            // Every run, the outputs and the data are checked before anything is created or trained.
            RunCommands.Check(() => new SweepRunner().Preflight(plan, csv), ("--out", csv));
            if (slurm.IsRequested(parse))
            {
                if (parse.GetValue(dryRun)) throw new UsageException("--dry-run", $"lists the rungs here; with {SlurmCommands.SlurmFlag} use --emit-only to write the job without submitting it.");
                // The rungs train on the cluster; ladder.md is written by this command without --slurm once they are complete.
                return slurm.Run(parse, "ladder-" + config.Name, plan, csv, parse.GetValue(json));
            }
            if (parse.GetValue(dryRun))
            {
                var states = SweepRunner.Describe(plan, csv).ToDictionary(p => p.RunId);
                var lines = seedList.SelectMany(seed => steps.Select(step =>
                {
                    var trained = steps.First(s => s.Label == (step.SameAs ?? step.Label));
                    var id = ExperimentJson.RunId(trained.Config with { Training = trained.Config.Training with { Seed = seed } });
                    return new { label = step.Label, seed, unique_values = step.UniqueValues, run_id = id, status = Names.Of(states[id].Status), same_as = step.SameAs };
                })).ToList();
                if (parse.GetValue(json))
                    Console.WriteLine(JsonSerializer.Serialize(lines));
                else
                    foreach (var l in lines)
                        Console.WriteLine($"{l.label,-10} seed {l.seed,-3} {l.unique_values,10:N0} values  {l.status,-9} {l.run_id}{(l.same_as is null ? "" : $"  (= {l.same_as})")}");
                return ExitCodes.Ok;
            }
            var (workerCount, workerThreads) = WorkerProcesses.Split(parse.GetValue(workers), experiment.IsGiven(parse, "threads") ? config.Threads : 0,
                Environment.ProcessorCount, gpu: config.Device != "cpu");
            using var pool = WorkerProcesses.Start(parse,
                Math.Min(workerCount, SweepRunner.Trainable(SweepRunner.Describe(plan, csv), parse.GetValue(restart))), workerThreads);
            var rows = StrategyLadder.Run(config, seedList, csv, p => new ConsoleProgress(p.RunId), cancellation,
                options: RunCommands.Options(parse.GetValue(restart)));
            pool.Wait();
            // The committed-results table names what produced it (command, commit, machine, date).
            var table = Path.Combine(Path.GetDirectoryName(csv)!, LadderTable.FileName);
            var commandLine = "scripts/pemn " + string.Join(" ", Environment.GetCommandLineArgs().Skip(1));
            var written = ReportFile.Write(table, LadderTable.Markdown(rows, config, commandLine, RunProvenance.Now(), [FigureNote]));
            Console.Error.WriteLine(written ? $"table: {table}" : $"table: {table} (unchanged apart from commit, machine and date: kept)");
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(rows, CliJson.Options));
            else
            {
                Console.WriteLine($"{"rung",-10} {"seed",4} {"unique values",14} {"compression",12} {"best acc",9} {"final acc",10} {"seconds",8}  run");
                foreach (var r in rows)
                    Console.WriteLine($"{r.Label,-10} {r.Seed,4} {r.UniqueValues,14:N0} {r.CompressionRatio,12:P2} {r.BestTestAccuracy,9:P2} {r.FinalTestAccuracy,10:P2} {r.Seconds,8:F0}  " +
                        (r.SameAs is not null ? $"= {r.SameAs}" : r.Reused ? $"reused (trained {r.TrainedAt})" : "trained now"));
            }
            return ExitCodes.Ok;
        })));
        return command;
    }
}
