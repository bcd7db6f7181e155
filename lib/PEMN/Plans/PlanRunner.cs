using PEMN.Analysis;
using PEMN.Configuration;
using PEMN.Data;
using PEMN.Reports;
using PEMN.Runtime;
using PEMN.Runs;
using PEMN.Sweeps;
using PEMN.Training;

namespace PEMN.Plans;

/// <summary>
/// What running a plan reports while it goes (<see cref="PlanRunner"/>). Every member has a default that does nothing, so an
/// observer implements only what it shows: the command line prints lines, a notebook updates its progress cell.
/// </summary>
public interface IPlanObserver
{
    /// <summary>The progress observer of one run about to train, or null for none.</summary>
    ITrainingObserver? Training(SweepRunner.PlannedRun run) => null;

    /// <summary>A plan starts (its runs are checked; nothing is trained yet).</summary>
    void Started(FigurePlan plan, Scale scale) { }

    /// <summary>A table of the plan was written, or found unchanged (<see cref="PlanTable.Written"/>).</summary>
    void Table(FigurePlan plan, PlanTable table) { }

    /// <summary>A compression panel's runs are complete: its points, before its table is written.</summary>
    void Compared(FigurePlan plan, CompressionResult result) { }

    /// <summary>One run folder's packed file (<see cref="PlanPacking"/>), in the plan's order.</summary>
    void Packed(FigurePlan plan, RunFile file) { }

    /// <summary>A notice to show as it comes (a damaged run restarted, say).</summary>
    void Notice(string message) { }
}

/// <summary>Processes that train the same plans beside this one, through the run locks (the command line's <c>--workers</c>).</summary>
public interface IPlanWorkers : IDisposable
{
    /// <summary>Waits for every worker to finish; called once this process has trained or waited for every run.</summary>
    void Wait();
}

/// <summary>How <see cref="PlanRunner.Run"/> runs plans.</summary>
/// <param name="MadeBy">What a table says made it, per plan and scale (the command line: its own command).</param>
/// <param name="Restart">Discard and retrain damaged runs instead of stopping at them.</param>
/// <param name="Pack">Pack every plan's complete runs, not only those of plans whose figures read files (<see cref="FigurePlan.PacksRuns"/>).</param>
/// <param name="WritesRunFiles">
/// Whether this process packs and analyses runs after training: true in one process only when several train a plan side by side
/// (the one that waits for every run), so each file is written once.
/// </param>
/// <param name="StartWorkers">Starts processes beside this one for the given number of runs left to train, or null: this process alone.</param>
public sealed record PlanRunOptions(Func<FigurePlan, Scale, string> MadeBy, bool Restart = false, bool Pack = false,
    bool WritesRunFiles = true, Func<int, IPlanWorkers?>? StartWorkers = null);

/// <summary>One of a plan's Markdown tables.</summary>
/// <param name="Path">The file.</param>
/// <param name="TrainedNow">Runs of the table trained by this call.</param>
/// <param name="Reused">Runs of the table that were complete (or copied from another plan's folder).</param>
/// <param name="Written">Whether the file was written; false when only its provenance lines would have changed.</param>
/// <param name="Conclusions">The sentences the table states (a points part's verdict), if any.</param>
public sealed record PlanTable(string Path, int TrainedNow, int Reused, bool Written, IReadOnlyList<string> Conclusions);

/// <summary>A plan at a scale, checked: its runs table and every run it needs.</summary>
/// <param name="Plan">The plan.</param>
/// <param name="Scale">The scale.</param>
/// <param name="Csv">Its runs table, results/&lt;plan folder&gt;/&lt;scale&gt;/runs.csv; the run folders are beside it.</param>
/// <param name="Runs">Every run, a parent before its children.</param>
public sealed record PreparedPlan(FigurePlan Plan, Scale Scale, string Csv, SweepPlan Runs);

/// <summary>A run of a plan and its state: a run that another plan's folder has complete is copied (<see cref="CopyFrom"/>), not trained.</summary>
/// <param name="Run">The run and its status here.</param>
/// <param name="CopyFrom">The folder, relative to the results folder, that it would be copied from; null when it is not copied.</param>
public sealed record ListedRun(SweepRunner.PlannedRun Run, string? CopyFrom);

/// <summary>What running one plan did.</summary>
/// <param name="Plan">The plan.</param>
/// <param name="Tables">Its tables, in the order written.</param>
/// <param name="Packed">Every run's packed file, when the plan packs (<see cref="FigurePlan.PacksRuns"/> or <see cref="PlanRunOptions.Pack"/>).</param>
/// <param name="Analyses">The runs' analyses, when the plan's notebook explains single runs (<see cref="FigurePlan.AnalysesRuns"/>).</param>
public sealed record PlanOutcome(FigurePlan Plan, IReadOnlyList<PlanTable> Tables, IReadOnlyList<RunFile>? Packed, PlanAnalyses? Analyses);

/// <summary>
/// Runs figure plans: the one call that the command line (<c>pemn plan</c>), the notebooks and the main job go through. For each plan
/// it copies in runs that another plan's folder has complete, trains what is missing (skipping complete runs, resuming
/// interrupted ones, with workers beside it when asked), writes the plan's tables next to its runs, then packs and analyses the
/// runs its figures read. Every run of every plan, the outputs and the data are checked before anything is created or trained.
/// </summary>
public static class PlanRunner
{
    /// <summary>
    /// Checks <paramref name="plans"/> at <paramref name="scale"/> under the results folder <paramref name="results"/>: every run's
    /// config, the tables' paths and the data. With <paramref name="onMissingData"/> a missing data set is reported there instead
    /// of thrown (a listing of paper-scale plans on a laptop).
    /// </summary>
    /// <exception cref="DataSetException">A data set is missing and <paramref name="onMissingData"/> is null.</exception>
    public static IReadOnlyList<PreparedPlan> Prepare(IReadOnlyList<FigurePlan> plans, Scale scale, string results,
        Action<DataSetException>? onMissingData = null)
    {
        var prepared = plans.Select(p => new PreparedPlan(p, scale, p.Location(results, scale).Table, p.Runs(scale))).ToList();
        foreach (var p in prepared) new SweepRunner().Preflight(p.Runs, p.Csv, onMissingData);
        return prepared;
    }

    /// <summary>Every run of a prepared plan and its state, in the plan's order; trains nothing.</summary>
    public static IReadOnlyList<ListedRun> List(PreparedPlan plan, string results)
    {
        var planned = SweepRunner.Describe(plan.Runs, plan.Csv);
        var copies = plan.Plan.ReusesRuns
            ? RunReuse.Copyable(plan.Runs, plan.Csv, results, plan.Scale).ToDictionary(x => x.Run.RunId, x => Path.GetRelativePath(results, x.Source))
            : [];
        return planned.Select(p => new ListedRun(p, copies.GetValueOrDefault(p.RunId))).ToList();
    }

    /// <summary>Runs of <paramref name="plans"/> that training would start now: new or partial, and damaged ones with <paramref name="restart"/>.</summary>
    public static int Trainable(IEnumerable<PreparedPlan> plans, bool restart) =>
        SweepRunner.Trainable(plans.SelectMany(p => SweepRunner.Describe(p.Runs, p.Csv)), restart);

    /// <summary>Runs every prepared plan (see <see cref="PlanRunner"/>) and returns what each did, in order.</summary>
    /// <exception cref="OperationCanceledException">Cancelled: finished epochs are checkpointed, the same call resumes.</exception>
    public static IReadOnlyList<PlanOutcome> Run(IReadOnlyList<PreparedPlan> plans, string results, PlanRunOptions options,
        IPlanObserver? observer = null, CancellationToken cancellation = default)
    {
        observer ??= new SilentObserver();
        var trainable = Trainable(plans, options.Restart);
        using var workers = options.StartWorkers?.Invoke(trainable);
        var outcomes = plans.Select(p => RunOne(p, results, options, observer, cancellation)).ToList();
        workers?.Wait();
        return outcomes;
    }

    private static PlanOutcome RunOne(PreparedPlan prepared, string results, PlanRunOptions options, IPlanObserver observer, CancellationToken cancellation)
    {
        var (plan, scale, csv, _) = prepared;
        observer.Started(plan, scale);
        var runOptions = new RunOptions(options.Restart, observer.Notice);
        Func<SweepRunner.PlannedRun, ITrainingObserver?> progress = observer.Training;
        var folder = Path.GetDirectoryName(csv)!;
        var madeBy = options.MadeBy(plan, scale);
        var provenance = RunProvenance.Now();
        var tables = new List<PlanTable>();
        void Add(string file, string markdown, int trained, int reused, IReadOnlyList<string>? conclusions = null)
        {
            var table = new PlanTable(Path.Combine(folder, file), trained, reused, ReportFile.Write(Path.Combine(folder, file), markdown), conclusions ?? []);
            tables.Add(table);
            observer.Table(plan, table);
        }

        foreach (var (part, rows) in plan.Ladders.Zip(plan.RunLadders(scale, results, progress, cancellation, runOptions)))
        {
            var file = plan.Ladders.Count == 1 ? LadderTable.FileName : $"ladder-{Names.Of(part.Variant)}.md";
            Add(file, LadderTable.Markdown(rows, part.Base(scale), madeBy, provenance),
                rows.Count(r => r.SameAs is null && !r.Reused), rows.Count(r => r.SameAs is null && r.Reused));
        }
        foreach (var (part, rows) in plan.Points.Zip(plan.RunPoints(scale, results, observerFor: progress, cancellation: cancellation, options: runOptions)))
        {
            var conclusions = part.Conclusions?.Invoke(rows) ?? [];
            Add($"{part.Name}.md", PointTable.Markdown($"{plan.Description} ({Runtime.Names.Of(scale)})", rows, madeBy, provenance, conclusions),
                rows.Count(r => r.SameAs is null && !r.Reused), rows.Count(r => r.SameAs is null && r.Reused), conclusions);
        }
        foreach (var result in plan.RunComparisons(scale, results, progress, cancellation, runOptions))
        {
            observer.Compared(plan, result);
            var runs = result.Points.DistinctBy(p => p.RunId).ToList();
            Add(CompressionTable.FileName(result.Panel), CompressionTable.Markdown(result.Panel, result.Points, madeBy, provenance),
                runs.Count(p => !p.Reused), runs.Count(p => p.Reused));
        }
        // Tables over other plans' runs: read-only, written once by the process that writes run files (the others would race it).
        if (options.WritesRunFiles)
            foreach (var part in plan.Reports)
            {
                var report = part.Write(scale, results, madeBy, provenance);
                Add(part.FileName, report.Markdown, 0, 0, report.Conclusions);
            }
        var packed = options.WritesRunFiles && (options.Pack || plan.PacksRuns)
            ? PlanPacking.Pack(plan, scale, results, onRun: f => observer.Packed(plan, f), cancellation: cancellation)
            : null;
        var analyses = options.WritesRunFiles && plan.AnalysesRuns ? Analyse(plan, scale, results, cancellation) : null;
        return new PlanOutcome(plan, tables, packed, analyses);
    }

    /// <summary>
    /// Writes the analysis of every complete run of <paramref name="plan"/> at <paramref name="scale"/> that has its checkpoint and no
    /// analysis yet (<see cref="RunAnalysis.ForRun"/>), for plans whose notebook explains runs (<see cref="FigurePlan.AnalysesRuns"/>),
    /// so that the analyses can be committed with the runs where checkpoints are not.
    /// </summary>
    public static PlanAnalyses Analyse(FigurePlan plan, Scale scale, string results, CancellationToken cancellation = default)
    {
        var outDirectory = plan.Location(results, scale).Directory;
        int written = 0, present = 0, missing = 0, incomplete = 0;
        foreach (var config in plan.Runs(scale).Runs)
        {
            cancellation.ThrowIfCancellationRequested();
            var run = RunsLocation.At(outDirectory).Run(config).Path;
            if (File.Exists(Path.Combine(run, RunAnalysis.AnalysisFile))) present++;
            else if (!File.Exists(Path.Combine(run, ExperimentRunner.MetricsFile))) incomplete++;
            else if (RunAnalysis.ForRun(run) is null) missing++;
            else written++;
        }
        return new PlanAnalyses(written, present, missing, incomplete);
    }

    private sealed class SilentObserver : IPlanObserver;
}
