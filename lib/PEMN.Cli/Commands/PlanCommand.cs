using System.CommandLine;
using System.Text.Json;
using PEMN.Analysis;
using PEMN.Cli.Options;
using PEMN.Plans;
using PEMN.Reports;
using PEMN.Runs;
using PEMN.Runtime;
using PEMN.Sweeps;

namespace PEMN.Cli.Commands;

/// <summary>
/// <c>pemn plan NAME... [--scale quick]</c>: trains what a figure's plan (<see cref="FigurePlans"/>) is missing at a scale,
/// skipping complete runs and resuming interrupted ones, and writes each ladder's table next to its runs; the notebooks
/// then draw from the same runs (compression panels also write a table per panel). <c>--dry-run</c> lists every run and
/// its state (new, partial, complete, or copy: complete in another plan's folder), with the counts per plan. <c>--pack</c>
/// (always on for plans whose figures read files, <see cref="FigurePlan.PacksRuns"/>) then packs every complete run that has
/// its checkpoint into &lt;run folder&gt;/network.pemn, checked against the run's recorded final test accuracy (<see cref="PlanPacking"/>).
/// FigurePlans whose notebook explains single runs (<see cref="FigurePlan.AnalysesRuns"/>) get each complete run's analysis.json the same way.
/// </summary>
public static class PlanCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("plan",
            $"Run the experiment plans of the workbook's figures: {string.Join(", ", FigurePlans.All.Select(p => p.Name))} (or all). " +
            "Runs go to results/<plan folder>/<scale>/ of the repository; complete runs are skipped, interrupted ones resume.");
        var names = new Argument<string[]>("plans") { Description = "Plan names, or 'all'.", Arity = ArgumentArity.OneOrMore };
        var scale = new Option<string>("--scale") { Description = $"Scale: {string.Join(", ", FigurePlans.Scales)}.", DefaultValueFactory = _ => "quick" };
        var results = new Option<string>("--results") { Description = "Results folder (default: results/ of the repository)." };
        var threads = new Option<int>("--threads") { Description = "torch threads of this process (0: libtorch's default, the machine's cores). Not part of any run id." };
        var dryRun = new Option<bool>("--dry-run") { Description = "List each plan's runs and their state; train nothing." };
        var json = new Option<bool>("--json") { Description = "With --dry-run: one JSON line per plan." };
        var restart = RunCommands.RestartOption();
        var pack = new Option<bool>("--pack")
        {
            Description = $"After training, pack every complete run that has its checkpoint into <run folder>/{TrainedRun.PackedFile} (committable where " +
                "checkpoints are not); a file whose network does not score the run's recorded final test accuracy is an error and is not written. " +
                $"Always on for plans whose figures read the files ({string.Join(", ", FigurePlans.All.Where(p => p.PacksRuns).Select(p => p.Name))}).",
        };
        var slurm = new SlurmCommands();
        var workers = WorkerProcesses.CreateOption();
        command.Arguments.Add(names);
        command.Options.Add(scale);
        command.Options.Add(results);
        command.Options.Add(threads);
        command.Options.Add(dryRun);
        command.Options.Add(json);
        command.Options.Add(restart);
        command.Options.Add(pack);
        slurm.AddTo(command);
        command.Options.Add(workers);
        command.SetAction((parse, cancellation) => Task.FromResult(Pemn.Guard(() =>
        {
            var requested = parse.GetValue(names)!;
            var plans = requested.Contains("all") ? FigurePlans.All : requested.Select(n => Resolve(() => FigurePlans.Get(n), "plans")).Distinct().ToList();
            var s = Resolve(() => FigurePlans.ValidateScale(parse.GetValue(scale)!), "--scale");
            var resultsDir = parse.GetValue(results) is { } r ? Path.GetFullPath(r) : TrainCommand.OutFolder(null);
            if (parse.GetValue(threads) is var t and not 0)
                TorchSharp.torch.set_num_threads(t > 0 && t <= Configuration.ExperimentConfig.MaxThreads ? t
                    : throw new UsageException("--threads", $"{t} is outside the allowed range [0, {Configuration.ExperimentConfig.MaxThreads}]."));
            // Every run of every plan, the outputs and the data are checked before anything is created or trained.
            var runs = plans.Select(plan => (Plan: plan, Csv: plan.CsvPath(resultsDir, s), Runs: plan.Runs(s))).ToList();
            // A dry run only lists: a missing data set is said after the listing, not in its place (paper-scale plans on a laptop).
            var missingData = new List<string>();
            foreach (var (_, csv, planRuns) in runs)
                RunCommands.Check(() => new SweepRunner().Preflight(planRuns, csv,
                    parse.GetValue(dryRun) ? e => missingData.Add(e.Message.Split('\n')[0]) : null), ("--results", csv));
            if (slurm.IsRequested(parse))
            {
                if (parse.GetValue(dryRun)) throw new UsageException("--dry-run", $"lists the runs here; with {SlurmCommands.SlurmFlag} use --emit-only to write the jobs without submitting them.");
                // One job folder per plan, beside its table; the ladder tables are written by this command without --slurm once the runs are complete.
                return runs.Select(r => slurm.Run(parse, $"plan-{r.Plan.Name}-{s}", r.Runs, r.Csv, parse.GetValue(json))).ToList().Max();
            }
            var total = 0;
            var (workerCount, workerThreads) = WorkerProcesses.Split(parse.GetValue(workers), parse.GetValue(threads), Environment.ProcessorCount,
                gpu: runs.Any(r => r.Runs.Runs.Any(c => c.Device != "cpu")));
            var trainable = runs.Sum(r => WorkerProcesses.Trainable(SweepRunner.Describe(r.Runs, r.Csv), parse.GetValue(restart)));
            using var pool = parse.GetValue(dryRun) ? null : WorkerProcesses.Start(parse, Math.Min(workerCount, trainable), workerThreads);
            foreach (var (plan, csv, planRuns) in runs)
            {
                if (parse.GetValue(dryRun))
                {
                    var planned = SweepRunner.Describe(planRuns, csv);
                    total += planned.Count;
                    // A new run that another plan's folder has complete is copied, not trained (RunReuse; compression panels and points parts).
                    var copies = plan.ReusesRuns
                        ? RunReuse.Copyable(planRuns, csv, resultsDir, s).ToDictionary(x => x.Run.RunId, x => Path.GetRelativePath(resultsDir, x.Source))
                        : [];
                    string State(SweepRunner.PlannedRun p) => copies.ContainsKey(p.RunId) ? "copy" : Names.Of(p.Status);
                    var complete = planned.Count(p => p.Status == RunStatus.Complete);
                    if (parse.GetValue(json))
                        Console.WriteLine(JsonSerializer.Serialize(new
                        {
                            plan = plan.Name, csv, count = planned.Count, complete, copy = copies.Count, train = planned.Count - complete - copies.Count,
                            runs = planned.Select(p => new { run_id = p.RunId, status = State(p), copy_from = copies.GetValueOrDefault(p.RunId) }),
                        }));
                    else
                    {
                        Console.WriteLine($"{plan.Name} ({s}): {planned.Count} runs, {complete} complete, {copies.Count} to copy from other plans, " +
                            $"{planned.Count - complete - copies.Count} to train -> {csv}");
                        foreach (var p in planned)
                            Console.WriteLine($"  {State(p),-9} {p.RunId}{(copies.TryGetValue(p.RunId, out var from) ? $" (from {from})" : "")}");
                    }
                    continue;
                }
                Console.Error.WriteLine($"plan {plan.Name} ({s}): {plan.Description}");
                var ladders = plan.RunLadders(s, resultsDir, p => new ConsoleProgress(p.RunId), cancellation, RunCommands.Options(parse.GetValue(restart)));
                foreach (var (part, rows) in plan.Ladders.Zip(ladders))
                {
                    var table = Path.Combine(Path.GetDirectoryName(csv)!, plan.Ladders.Count == 1 ? LadderCommand.TableFile : $"ladder-{part.Variant}.md");
                    var written = LadderTable.Write(table, LadderTable.Markdown(rows, part.Base(s), $"scripts/pemn plan {plan.Name} --scale {s}", RunProvenance.Now()));
                    Console.WriteLine($"{plan.Name}: {rows.Count(r => r.SameAs is null && !r.Reused)} trained now, {rows.Count(r => r.SameAs is null && r.Reused)} reused; table {table}{(written ? "" : " (unchanged)")}");
                }
                var pointResults = plan.RunPoints(s, resultsDir, observerFor: p => new ConsoleProgress(p.RunId), cancellation: cancellation,
                    options: RunCommands.Options(parse.GetValue(restart)));
                foreach (var (part, rows) in plan.Points.Zip(pointResults))
                {
                    var table = Path.Combine(Path.GetDirectoryName(csv)!, $"{part.Name}.md");
                    var written = LadderTable.Write(table, PointPlan.Markdown($"{plan.Description} ({s})", rows, $"scripts/pemn plan {plan.Name} --scale {s}", RunProvenance.Now(), part.Conclusions?.Invoke(rows)));
                    foreach (var line in part.Conclusions?.Invoke(rows) ?? []) Console.WriteLine($"{plan.Name}: {line}");
                    Console.WriteLine($"{plan.Name}: {rows.Count(r => r.SameAs is null && !r.Reused)} trained now, {rows.Count(r => r.SameAs is null && r.Reused)} reused; table {table}{(written ? "" : " (unchanged)")}");
                }
                foreach (var (panel, points) in plan.RunComparisons(s, resultsDir, p => new ConsoleProgress(p.RunId), cancellation, RunCommands.Options(parse.GetValue(restart))))
                {
                    Console.WriteLine(CompressionComparison.Describe(CompressionComparison.Rows(points)));
                    var table = Path.Combine(Path.GetDirectoryName(csv)!, CompressionTable.FileName(panel));
                    var written = LadderTable.Write(table, CompressionTable.Markdown(panel, points, $"scripts/pemn plan {plan.Name} --scale {s}", RunProvenance.Now()));
                    var panelRuns = points.DistinctBy(p => p.RunId).ToList();
                    Console.WriteLine($"{plan.Name} {panel.Key}: {panelRuns.Count(p => !p.Reused)} trained now, {panelRuns.Count(p => p.Reused)} reused; table {table}{(written ? "" : " (unchanged)")}");
                }
                // Workers train; the first process, which waits for every run, packs them once.
                if ((parse.GetValue(pack) || plan.PacksRuns) && !WorkerProcesses.IsWorker) Pack(plan, s, resultsDir, cancellation);
                if (plan.AnalysesRuns && !WorkerProcesses.IsWorker)
                {
                    var a = RunAnalysis.ForPlan(plan, s, resultsDir, cancellation);
                    Console.WriteLine($"{plan.Name}: {RunAnalysis.AnalysisFile} written for {a.Written} run(s), present in {a.Present}" +
                        (a.Missing > 0 ? $", missing in {a.Missing} (no checkpoint here: run the same command where they were trained)" : "") + ".");
                }
            }
            pool?.Wait();
            if (parse.GetValue(dryRun) && !parse.GetValue(json) && plans.Count > 1)
                Console.WriteLine($"all ({s}): {total} runs in {plans.Count} plans");
            foreach (var message in missingData.Distinct())
                Console.Error.WriteLine($"note: these runs cannot train here yet: {message} (`pemn data --dataset NAME` says how to get it)");
            return ExitCodes.Ok;
        }, "the same command continues the plan")));
        return command;
    }

    /// <summary>Packs the plan's complete runs (<see cref="PlanPacking"/>), a line per file written and a count per status.</summary>
    private static void Pack(FigurePlan plan, string scale, string results, CancellationToken cancellation)
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        var files = PlanPacking.Pack(plan, scale, results, onRun: f =>
        {
            if (f.Status is RunFileStatus.Written)
                Console.WriteLine(string.Format(c, "  packed {0}: {1:N0} bytes, scores {2:P2} = the run's recorded final test accuracy", f.RunId, f.Bytes, f.Accuracy));
            else if (f.Status is RunFileStatus.Copied)
                Console.WriteLine(string.Format(c, "  copied {0}: {1:N0} bytes, from the folder it was trained in", f.RunId, f.Bytes));
        }, cancellation: cancellation);
        var counts = string.Join(", ", files.GroupBy(f => f.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} {Names.Of(g.Key).Replace('_', ' ')}"));
        Console.WriteLine($"{plan.Name}: {TrainedRun.PackedFile} of {files.Count} runs: {counts}" +
            (files.Any(f => f.Status == RunFileStatus.NoCheckpoint) ? " (no checkpoint: pack those where they were trained, with the same command)" : ""));
    }

    private static T Resolve<T>(Func<T> get, string flag)
    {
        try { return get(); }
        catch (ArgumentException e) { throw new UsageException(flag, ConfigError.Describe(e)); }
    }
}
