using System.CommandLine;
using System.Text.Json;
using PEMN.Cli.Options;
using PEMN.Configuration;
using PEMN.Runs;
using PEMN.Sweeps;

namespace PEMN.Cli.Commands;

/// <summary><c>pemn sweep</c>: the cartesian product of a grid file; runs what is not done, resumes what was interrupted.</summary>
public static class SweepCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("sweep",
            "Run a grid of experiments: {\"preset\": \"quick\", \"base\": {...}, \"grid\": {\"strategy.name\": [\"dense\", \"mask\"], \"training.seed\": [0, 1]}}. " +
            "Run folders go to <out>/runs/<run-id>, the table to <out>/runs.csv; complete runs are skipped, interrupted ones resume. " +
            "With --slurm the points go to a Slurm job array instead; --collect gathers them.");
        var grid = new Option<FileInfo>("--grid") { Description = "Grid JSON file.", Required = true };
        var runs = new RunsOptions(required: true, otherTable: false);
        var dryRun = new Option<bool>("--dry-run") { Description = "List the plan (run id, state, varied fields) and exit." };
        var json = new Option<bool>("--json") { Description = "Print one JSON summary line on stdout." };
        var restart = RunCommands.RestartOption();
        var slurm = new SlurmCommands();
        var workers = WorkerProcesses.CreateOption();
        command.Options.Add(grid);
        runs.AddTo(command);
        command.Options.Add(dryRun);
        command.Options.Add(json);
        command.Options.Add(restart);
        command.Options.Add(workers);
        slurm.AddTo(command);
        command.SetAction((parse, cancellation) => Task.FromResult(Pemn.Guard(() =>
        {
            var gridFile = parse.GetValue(grid)!;
            var csvFile = new FileInfo(runs.Resolve(parse).Table);
            if (slurm.IsRequested(parse))
            {
                if (parse.GetValue(dryRun)) throw new UsageException("--dry-run", $"lists the plan here; with {SlurmCommands.SlurmFlag} use --emit-only to write the job without submitting it.");
                var plan = LoadPlan(gridFile);
                RunCommands.Check(() => new SweepRunner().Preflight(plan, csvFile.FullName), ("--out", csvFile.FullName));
                return slurm.Run(parse, "sweep-" + Path.GetFileNameWithoutExtension(gridFile.Name), plan, csvFile.FullName, parse.GetValue(json));
            }
            return Run(gridFile, csvFile, parse.GetValue(dryRun), parse.GetValue(json), parse.GetValue(restart), cancellation, parse, workers);
        }, "the same command continues the sweep")));
        return command;
    }

    /// <summary>Reads a grid file; every problem is a usage error naming --grid, the file and what is allowed.</summary>
    public static SweepPlan LoadPlan(FileInfo gridFile)
    {
        if (Directory.Exists(gridFile.FullName)) throw new UsageException("--grid", $"'{gridFile.FullName}' is a folder; allowed: a grid JSON file.");
        if (!gridFile.Exists) throw new UsageException("--grid", $"'{gridFile.FullName}' does not exist; allowed: a grid JSON file.");
        try
        {
            return SweepPlan.Load(gridFile.FullName);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new UsageException("--grid", PEMN.Runtime.ConfigError.Describe(e));
        }
    }

    private static int Run(FileInfo gridFile, FileInfo csvFile, bool dryRun, bool json, bool restart, CancellationToken cancellation,
        ParseResult parse, Option<int?> workers)
    {
        var plan = LoadPlan(gridFile);
        var sweep = new SweepRunner();
        // Every point, the outputs and the data are checked before anything is created or computed.
        RunCommands.Check(() => sweep.Preflight(plan, csvFile.FullName), ("--out", csvFile.FullName));
        var planned = SweepRunner.Describe(plan, csvFile.FullName);
        if (dryRun)
        {
            if (json)
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    csv = csvFile.FullName,
                    runs = planned.Select(p => new { run_id = p.RunId, status = PEMN.Runtime.Names.Of(p.Status), lr_max = p.Config.LrMax }),
                }));
            }
            else
            {
                Console.WriteLine($"{planned.Count} runs ({string.Join(", ", planned.GroupBy(p => p.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} {PEMN.Runtime.Names.Of(g.Key)}"))}) -> {csvFile.FullName}");
                var flat = planned.Select(p => ExperimentJson.Flatten(ExperimentJson.ToNode(p.Config)).ToDictionary()).ToList();
                var varied = flat[0].Keys.Where(k => flat.Select(f => f[k]).Distinct().Count() > 1).ToList();
                for (var i = 0; i < planned.Count; i++)
                    Console.WriteLine($"  {PEMN.Runtime.Names.Of(planned[i].Status),-11} {planned[i].RunId}  lr_max={planned[i].Config.LrMax} " +
                        string.Join(" ", varied.Select(k => $"{k}={flat[i][k]}")));
            }
            return 0;
        }

        var (workerCount, workerThreads) = WorkerProcesses.Split(parse.GetValue(workers), 0, Environment.ProcessorCount,
            gpu: plan.Runs.Any(c => c.Device != "cpu"));
        using var pool = WorkerProcesses.Start(parse, Math.Min(workerCount, SweepRunner.Trainable(planned, restart)), workerThreads);
        var results = sweep.Run(plan, csvFile.FullName, p => new ConsoleProgress(p.RunId), cancellation, RunCommands.Options(restart));
        pool.Wait();
        foreach (var r in results.Where(r => r.Error is not null))
        {
            Console.Error.WriteLine($"{r.RunId}: failed: {r.Error}");
            if (r.Exception is CorruptRunException corrupt) Console.Error.WriteLine($"  {RunCommands.Remedy(corrupt)}");
        }
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                csv = csvFile.FullName,
                runs = results.Select(r => new
                {
                    run_id = r.RunId,
                    status = r.Error is not null ? "failed" : PEMN.Runtime.Names.Of(r.Outcome!.Kind),
                    best_test_accuracy = r.Outcome?.Metrics.BestTestAccuracy,
                    final_test_accuracy = r.Outcome?.Metrics.FinalTestAccuracy,
                    error = r.Error,
                }),
            }));
        }
        else
        {
            foreach (var r in results.Where(r => r.Outcome is not null))
                Console.WriteLine($"{r.RunId}: best {r.Outcome!.Metrics.BestTestAccuracy:P2}, final {r.Outcome.Metrics.FinalTestAccuracy:P2} ({PEMN.Runtime.Names.Of(r.Outcome.Kind)})");
            Console.WriteLine($"{results.Count(r => r.Error is null)}/{results.Count} runs complete; table {csvFile.FullName}");
        }
        return results.Any(r => r.Error is not null) ? ExitCodes.RunFailed : ExitCodes.Ok;
    }
}
