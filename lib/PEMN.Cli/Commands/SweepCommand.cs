using System.CommandLine;
using System.Text.Json;
using PEMN.Cli.Options;
using PEMN.Experiments;

namespace PEMN.Cli.Commands;

/// <summary><c>pemn sweep</c>: the cartesian product of a grid file; runs what is not done, resumes what was interrupted.</summary>
public static class SweepCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("sweep",
            "Run a grid of experiments: {\"preset\": \"quick\", \"base\": {...}, \"grid\": {\"strategy.name\": [\"dense\", \"mask\"], \"training.seed\": [0, 1]}}. " +
            "Run folders go next to the CSV (<csv folder>/runs/<run-id>); complete runs are skipped, interrupted ones resume.");
        var grid = new Option<FileInfo>("--grid") { Description = "Grid JSON file.", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Runs table (CSV) to append to.", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "List the plan (run id, state, varied fields) and exit." };
        var json = new Option<bool>("--json") { Description = "Print one JSON summary line on stdout." };
        command.Options.Add(grid);
        command.Options.Add(output);
        command.Options.Add(dryRun);
        command.Options.Add(json);
        command.SetAction((parse, cancellation) => Task.FromResult(Pemn.Guard(() => Run(parse.GetValue(grid)!, parse.GetValue(output)!,
            parse.GetValue(dryRun), parse.GetValue(json), cancellation), "the same command continues the sweep")));
        return command;
    }

    private static int Run(FileInfo gridFile, FileInfo csvFile, bool dryRun, bool json, CancellationToken cancellation)
    {
        if (Directory.Exists(gridFile.FullName)) throw new UsageException("--grid", $"'{gridFile.FullName}' is a folder; allowed: a grid JSON file.");
        if (!gridFile.Exists) throw new UsageException("--grid", $"'{gridFile.FullName}' does not exist; allowed: a grid JSON file.");
        var plan = SweepPlan.Load(gridFile.FullName);
        var planned = SweepRunner.Describe(plan, csvFile.FullName);
        if (dryRun)
        {
            if (json)
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    csv = csvFile.FullName,
                    runs = planned.Select(p => new { run_id = p.RunId, status = Status(p.Status), lr_max = p.Config.LrMax }),
                }));
            }
            else
            {
                Console.WriteLine($"{planned.Count} runs ({planned.Count(p => p.Status == RunStatus.Complete)} complete, " +
                    $"{planned.Count(p => p.Status == RunStatus.Partial)} to resume, {planned.Count(p => p.Status == RunStatus.New)} new) -> {csvFile.FullName}");
                var flat = planned.Select(p => ExperimentJson.Flatten(ExperimentJson.ToNode(p.Config)).ToDictionary()).ToList();
                var varied = flat[0].Keys.Where(k => flat.Select(f => f[k]).Distinct().Count() > 1).ToList();
                for (var i = 0; i < planned.Count; i++)
                    Console.WriteLine($"  {Status(planned[i].Status),-8} {planned[i].RunId}  lr_max={planned[i].Config.LrMax} " +
                        string.Join(" ", varied.Select(k => $"{k}={flat[i][k]}")));
            }
            return 0;
        }

        var results = new SweepRunner().Run(plan, csvFile.FullName, p => new ConsoleProgress(p.RunId), cancellation);
        foreach (var r in results.Where(r => r.Error is not null))
            Console.Error.WriteLine($"{r.RunId}: failed: {r.Error}");
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                csv = csvFile.FullName,
                runs = results.Select(r => new
                {
                    run_id = r.RunId,
                    status = r.Error is not null ? "failed" : r.Outcome!.Skipped ? "skipped" : "done",
                    best_test_accuracy = r.Outcome?.Metrics.BestTestAccuracy,
                    final_test_accuracy = r.Outcome?.Metrics.FinalTestAccuracy,
                    error = r.Error,
                }),
            }));
        }
        else
        {
            foreach (var r in results.Where(r => r.Outcome is not null))
                Console.WriteLine($"{r.RunId}: best {r.Outcome!.Metrics.BestTestAccuracy:P2}, final {r.Outcome.Metrics.FinalTestAccuracy:P2}{(r.Outcome.Skipped ? " (skipped)" : "")}");
            Console.WriteLine($"{results.Count(r => r.Error is null)}/{results.Count} runs complete; table {csvFile.FullName}");
        }
        return results.Any(r => r.Error is not null) ? ExitCodes.RunFailed : ExitCodes.Ok;
    }

    private static string Status(RunStatus status) => status switch
    {
        RunStatus.Complete => "complete",
        RunStatus.Partial => "resume",
        _ => "new",
    };
}
