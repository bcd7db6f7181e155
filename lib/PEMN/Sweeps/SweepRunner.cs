using PEMN.Configuration;
using PEMN.Runs;
using PEMN.Training;

namespace PEMN.Sweeps;

/// <summary>
/// Runs a <see cref="SweepPlan"/>: checks every point before any compute (configs, output folder, table, data), then
/// skips complete runs, resumes interrupted ones and starts the rest; a failing run (divergence, a damaged record) is
/// recorded and the sweep goes on. Run folders sit next to the CSV (&lt;csv folder&gt;/runs/&lt;run-id&gt;).
/// Any number of processes may run the same plan at once (on one machine, or several sharing the folder): each point is
/// trained by whichever process takes its lock first; the others pass it, work on other points, and at the end wait for
/// the points still in progress, so every process returns with the whole plan done and no run trained twice.
/// </summary>
public sealed class SweepRunner(ExperimentRunner? runner = null)
{
    private readonly ExperimentRunner runner = runner ?? new ExperimentRunner();

    /// <summary>One planned run and its state on disk.</summary>
    /// <param name="RunId">Run id.</param>
    /// <param name="Config">Its config.</param>
    /// <param name="Status">New, partial, complete, in progress elsewhere or corrupt.</param>
    public sealed record PlannedRun(string RunId, ExperimentConfig Config, RunStatus Status);

    /// <summary>The result of one run of the sweep: an outcome or an error.</summary>
    /// <param name="RunId">Run id.</param>
    /// <param name="Outcome">The outcome, when the run finished.</param>
    /// <param name="Error">The error message, when it failed.</param>
    /// <param name="Exception">The error itself, when it failed (a <see cref="CorruptRunException"/> names the damaged file).</param>
    public sealed record SweepResult(string RunId, RunOutcome? Outcome, string? Error, Exception? Exception = null);

    /// <summary>The plan with each run's state on disk (for --dry-run); nothing is changed.</summary>
    public static IReadOnlyList<PlannedRun> Describe(SweepPlan plan, string csvPath) =>
        plan.Runs.Select(c => new PlannedRun(ExperimentJson.RunId(c), c, ExperimentRunner.StatusOf(RunsLocation.OfTable(csvPath).Directory, c))).ToList();

    /// <summary>Runs of <paramref name="planned"/> that training would start now: new or partial, and damaged ones with <paramref name="restart"/>.</summary>
    public static int Trainable(IEnumerable<PlannedRun> planned, bool restart) =>
        planned.Count(p => p.Status is RunStatus.New or RunStatus.Partial || restart && p.Status == RunStatus.Corrupt);

    /// <summary>
    /// The runs of <paramref name="plan"/> that are complete in the folder of <paramref name="csvPath"/>, in plan order, read
    /// from their run folders without a lock and without writing anything (not even the runs table): what a report over
    /// another plan's runs reads while that plan may still be training. Runs that are not complete are left out; a complete
    /// run whose records are damaged raises its <see cref="CorruptRunException"/>.
    /// </summary>
    public static IReadOnlyList<SweepResult> ReadComplete(SweepPlan plan, string csvPath)
    {
        var location = RunsLocation.OfTable(csvPath);
        var results = new List<SweepResult>();
        foreach (var config in plan.Runs)
        {
            var folder = location.Run(config);
            var found = folder.Inspect();
            if (found.Status == RunStatus.Corrupt && found.Problem is { } problem) throw new CorruptRunException(folder.RunId, folder.Path, problem);
            if (found.Status != RunStatus.Complete) continue;
            var record = folder.ReadComplete();
            results.Add(new SweepResult(folder.RunId, new RunOutcome(folder.RunId, folder.Path, RunStatus.Complete, record.Metrics, record.History, RunOutcomeKind.Skipped), null));
        }
        return results;
    }

    /// <summary>Checks every point of <paramref name="plan"/> before compute (see <see cref="ExperimentRunner.Preflight"/>).</summary>
    public void Preflight(SweepPlan plan, string csvPath, Action<Data.DataSetException>? onMissingData = null) =>
        runner.Preflight(plan.Validated, RunsLocation.OfTable(csvPath).Directory, Path.GetFullPath(csvPath), onMissingData);

    /// <summary>
    /// Runs every configuration of <paramref name="plan"/>, in plan order (results too); <paramref name="observerFor"/> may
    /// give each run its own progress observer. Cancellation stops the sweep at the next step boundary.
    /// </summary>
    public IReadOnlyList<SweepResult> Run(SweepPlan plan, string csvPath, Func<PlannedRun, ITrainingObserver?>? observerFor = null,
        CancellationToken cancellation = default, RunOptions? options = null)
    {
        options ??= RunOptions.Default;
        var csv = Path.GetFullPath(csvPath);
        var outDirectory = RunsLocation.OfTable(csv).Directory;
        Preflight(plan, csv);
        var planned = Describe(plan, csv);
        var results = new SweepResult?[planned.Count];
        var busy = new List<int>();
        // First pass: take every point no other process holds.
        for (var i = 0; i < planned.Count; i++)
        {
            var outcome = Attempt(planned[i], i, results, () =>
                runner.TryRun(plan.Validated[i], outDirectory, csv, observerFor?.Invoke(planned[i]), cancellation, options), cancellation);
            if (outcome is null && results[i] is null) busy.Add(i);
        }
        // Second pass: wait for the points others were training (and finish any they gave up on).
        foreach (var i in busy)
        {
            options.Notice?.Invoke($"{planned[i].RunId}: in progress in another process; waiting for it.");
            Attempt(planned[i], i, results, () =>
                runner.RunChecked(plan.Validated[i], outDirectory, csv, observerFor?.Invoke(planned[i]), cancellation, options), cancellation);
        }
        // Every complete point's row, whoever finished it (a point finished elsewhere after our first pass is included too).
        RunsTable.Rebuild(outDirectory, csv, planned.Select(p => p.RunId), cancellation);
        return results.Select(r => r!).ToList();
    }

    private static RunOutcome? Attempt(PlannedRun planned, int index, SweepResult?[] results, Func<RunOutcome?> run, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        try
        {
            var outcome = run();
            if (outcome is not null) results[index] = new SweepResult(planned.RunId, outcome, null);
            return outcome;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            results[index] = new SweepResult(planned.RunId, null, e.Message, e);
            return null;
        }
    }
}
