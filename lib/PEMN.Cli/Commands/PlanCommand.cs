using System.CommandLine;
using PEMN.Cli.Options;
using PEMN.Configuration;
using PEMN.Plans;
using PEMN.Runs;
using PEMN.Runtime;

namespace PEMN.Cli.Commands;

/// <summary>
/// <c>pemn plan NAME... [--scale quick]</c>: runs figure plans through <see cref="PlanRunner"/> (trains what is missing, writes the
/// tables, packs and analyses) and prints what it did (<see cref="PlanReport"/>); <c>--dry-run</c> lists every run and its state.
/// This command only maps its flags to the library's options.
/// </summary>
public static class PlanCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("plan", "Run the experiment plans of the workbook's figures (or all). Runs go to results/<plan folder>/<scale>/ " +
            "of the repository; complete runs are skipped, interrupted ones resume. Plans:\n" + string.Join("\n", FigurePlans.All.Select(PlanReport.Help)));
        var names = new Argument<string[]>("plans") { Description = "Plan names (or aliases), or 'all'.", Arity = ArgumentArity.OneOrMore };
        var scale = new Option<string>("--scale") { Description = $"Scale: {Names.Allowed<Scale>()}.", DefaultValueFactory = _ => Names.Of(Scales.Default) };
        var results = new Option<string>("--results") { Description = "Results folder (default: results/ of the repository)." };
        var threads = new Option<int>("--threads") { Description = "torch threads of this process (0: libtorch's default, the machine's cores). Not part of any run id." };
        var dryRun = new Option<bool>("--dry-run") { Description = "List each plan's runs and their state (new, partial, complete, or copy: complete in another plan's folder); train nothing." };
        var json = new Option<bool>("--json") { Description = "With --dry-run: one JSON line per plan." };
        var restart = RunCommands.RestartOption();
        var pack = new Option<bool>("--pack")
        {
            Description = $"After training, pack every complete run that has its checkpoint into <run folder>/{TrainedRun.PackedFile}, checked against the run's " +
                $"recorded final test accuracy. Always on for {string.Join(", ", FigurePlans.All.Where(p => p.PacksRuns).Select(p => p.Name))}.",
        };
        var slurm = new SlurmCommands();
        var workers = WorkerProcesses.CreateOption();
        foreach (var option in new Option[] { scale, results, threads, dryRun, json, restart, pack }) command.Options.Add(option);
        command.Arguments.Add(names);
        slurm.AddTo(command);
        command.Options.Add(workers);
        command.SetAction((parse, cancellation) => Task.FromResult(Pemn.Guard(() =>
        {
            var plans = PlanReport.Resolve(parse.GetValue(names)!);
            var s = UsageException.Map(() => Scales.Parse(parse.GetValue(scale)), "--scale");
            var root = parse.GetValue(results) is { } r ? Path.GetFullPath(r) : RunsOptions.ResultsRoot(null, "--results");
            var t = RunCommands.SetThreads(parse.GetValue(threads));
            var missingData = new List<string>();
            // Every run of every plan, the outputs and the data are checked before anything is created or trained.
            IReadOnlyList<PreparedPlan> prepared = [];
            RunCommands.Check(() => prepared = PlanRunner.Prepare(plans, s, root, parse.GetValue(dryRun) ? e => missingData.Add(e.Message.Split('\n')[0]) : null),
                plans.Select(p => ("--results", p.Location(root, s).Table)).ToArray());
            if (slurm.IsRequested(parse))
            {
                if (parse.GetValue(dryRun)) throw new UsageException("--dry-run", $"lists the runs here; with {SlurmCommands.SlurmFlag} use --emit-only to write the jobs without submitting them.");
                // One job folder per plan, beside its table; the tables are written by this command without --slurm once the runs are complete.
                return prepared.Select(p => slurm.Run(parse, $"plan-{p.Plan.Name}-{Names.Of(s)}", p.Runs, p.Csv, parse.GetValue(json))).ToList().Max();
            }
            if (parse.GetValue(dryRun))
            {
                var total = prepared.Sum(p => PlanReport.List(p, PlanRunner.List(p, root), parse.GetValue(json)));
                if (!parse.GetValue(json) && prepared.Count > 1) Console.WriteLine($"all ({Names.Of(s)}): {total} runs in {prepared.Count} plans");
                foreach (var message in missingData.Distinct())
                    Console.Error.WriteLine($"note: these runs cannot train here yet: {message} (`pemn data --dataset NAME` says how to get it)");
                return ExitCodes.Ok;
            }
            var (workerCount, workerThreads) = WorkerProcesses.Split(parse.GetValue(workers), t, Environment.ProcessorCount,
                gpu: prepared.Any(p => p.Runs.Runs.Any(c => c.Device != "cpu")));
            var options = new PlanRunOptions((p, sc) => $"scripts/pemn plan {p.Name} --scale {Names.Of(sc)}", parse.GetValue(restart), parse.GetValue(pack),
                WritesRunFiles: !WorkerProcesses.IsWorker, StartWorkers: trainable => WorkerProcesses.Start(parse, Math.Min(workerCount, trainable), workerThreads));
            foreach (var outcome in PlanRunner.Run(prepared, root, options, new PlanReport(), cancellation)) PlanReport.Finished(outcome);
            return ExitCodes.Ok;
        }, "the same command continues the plan")));
        return command;
    }
}
