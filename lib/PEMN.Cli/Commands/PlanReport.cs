using System.Globalization;
using PEMN.Analysis;
using PEMN.Plans;
using PEMN.Runs;
using PEMN.Runtime;
using PEMN.Sweeps;
using PEMN.Training;

namespace PEMN.Cli.Commands;

/// <summary>
/// What <c>pemn plan</c> prints while <see cref="PlanRunner"/> runs and after: progress on stderr, a line per table, packed file
/// and analysis on stdout, and the listing of <c>--dry-run</c>; remedies in the command line's own words.
/// </summary>
public sealed class PlanReport : IPlanObserver
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <inheritdoc/>
    public ITrainingObserver? Training(SweepRunner.PlannedRun run) => new ConsoleProgress(run.RunId);

    /// <inheritdoc/>
    public void Started(FigurePlan plan, Configuration.Scale scale) =>
        Console.Error.WriteLine($"plan {plan.Name} ({Names.Of(scale)}): {plan.Description}");

    /// <inheritdoc/>
    public void Compared(FigurePlan plan, CompressionResult result) => Console.WriteLine(CompressionComparison.Describe(result.Rows));

    /// <inheritdoc/>
    public void Table(FigurePlan plan, PlanTable t)
    {
        foreach (var line in t.Conclusions) Console.WriteLine($"{plan.Name}: {line}");
        Console.WriteLine($"{plan.Name}: {t.TrainedNow} trained now, {t.Reused} reused; table {t.Path}{(t.Written ? "" : " (unchanged)")}");
    }

    /// <inheritdoc/>
    public void Packed(FigurePlan plan, RunFile f)
    {
        if (f.Status is RunFileStatus.Written)
            Console.WriteLine(string.Format(C, "  packed {0}: {1:N0} bytes, scores {2:P2} = the run's recorded final test accuracy", f.RunId, f.Bytes, f.Accuracy));
        else if (f.Status is RunFileStatus.Copied)
            Console.WriteLine(string.Format(C, "  copied {0}: {1:N0} bytes, from the folder it was trained in", f.RunId, f.Bytes));
    }

    /// <inheritdoc/>
    public void Notice(string message) => Console.Error.WriteLine(message);

    /// <summary>The lines after a plan: its packed files per status and its analyses, with what to do about runs without a checkpoint.</summary>
    public static void Finished(PlanOutcome outcome)
    {
        var name = outcome.Plan.Name;
        if (outcome.Packed is { } files)
        {
            var counts = string.Join(", ", files.GroupBy(f => f.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} {Names.Of(g.Key).Replace('_', ' ')}"));
            Console.WriteLine($"{name}: {TrainedRun.PackedFile} of {files.Count} runs: {counts}" +
                (files.Any(f => f.Status == RunFileStatus.NoCheckpoint) ? " (no checkpoint: pack those where they were trained, with the same command)" : ""));
        }
        if (outcome.Analyses is { } a)
            Console.WriteLine($"{name}: {RunAnalysis.AnalysisFile} written for {a.Written} run(s), present in {a.Present}" +
                (a.Missing > 0 ? $", missing in {a.Missing} (no checkpoint here: run the same command where they were trained)" : "") + ".");
    }

    /// <summary>The plans named on the command line (names or aliases, or 'all'), each once, in the order given.</summary>
    public static IReadOnlyList<FigurePlan> Resolve(IReadOnlyList<string> names) =>
        names.Contains("all") ? FigurePlans.All : names.Select(n => Options.UsageException.Map(() => FigurePlans.Get(n), "plans")).Distinct().ToList();

    /// <summary>A plan's line in <c>pemn plan --help</c>: its name, aliases, results folder and what it shows.</summary>
    public static string Help(FigurePlan plan)
    {
        var aliases = Names.Aliases(plan.Id);
        return $"  {plan.Name}{(aliases.Count == 0 ? "" : $" (also {string.Join(", ", aliases)})")}: results/{plan.Folder}/<scale>/; {plan.Description}";
    }

    /// <summary>The <c>--dry-run</c> listing of a plan: a line per run and its state (new, partial, complete, copy), or one JSON line.</summary>
    public static int List(PreparedPlan plan, IReadOnlyList<ListedRun> runs, bool json)
    {
        var complete = runs.Count(r => r.Run.Status == RunStatus.Complete && r.CopyFrom is null);
        var copies = runs.Count(r => r.CopyFrom is not null);
        string State(ListedRun r) => r.CopyFrom is null ? Names.Of(r.Run.Status) : "copy";
        var cost = RunCost.Of(runs.Where(r => r.Run.Status != RunStatus.Complete && r.CopyFrom is null).Select(r => r.Run.Config));
        if (json)
            Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
            {
                plan = plan.Plan.Name, csv = plan.Csv, count = runs.Count, complete, copy = copies, train = runs.Count - complete - copies,
                train_flops = cost.Flops, train_gpu_hours = cost.Hours(), assumed_gpu_tflops = RunCost.AssumedGpuTflops,
                runs = runs.Select(r => new { run_id = r.Run.RunId, status = State(r), copy_from = r.CopyFrom }),
            }));
        else
        {
            Console.WriteLine($"{plan.Plan.Name} ({Names.Of(plan.Scale)}): {runs.Count} runs, {complete} complete, {copies} to copy from other plans, " +
                $"{runs.Count - complete - copies} to train -> {plan.Csv}");
            if (cost.Runs > 0)
                Console.WriteLine($"  to train: {cost.Flops:0.0e0} FLOPs, about {cost.Hours():0.0} GPU-hours at an assumed {RunCost.AssumedGpuTflops:0} TFLOP/s sustained " +
                    $"(weight FLOPs counted from the models, an estimate{(cost.Uncounted > 0 ? $"; {cost.Uncounted} run(s) of unknown size left out" : "")})");
            foreach (var r in runs)
                Console.WriteLine($"  {State(r),-9} {r.Run.RunId}{(r.CopyFrom is { } from ? $" (from {from})" : "")}");
        }
        return runs.Count;
    }
}
