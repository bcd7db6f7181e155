using PEMN.Training;

namespace PEMN.Experiments;

/// <summary>
/// Runs a <see cref="SweepPlan"/>: skips complete runs, resumes interrupted ones, starts the rest; a failing
/// run (divergence, missing data) is recorded and the sweep goes on. Run folders sit next to the CSV
/// (&lt;csv folder&gt;/runs/&lt;run-id&gt;).
/// </summary>
public sealed class SweepRunner(ExperimentRunner? runner = null)
{
    private readonly ExperimentRunner runner = runner ?? new ExperimentRunner();

    /// <summary>One planned run and its state on disk.</summary>
    /// <param name="RunId">Run id.</param>
    /// <param name="Config">Its config.</param>
    /// <param name="Status">New, partial or complete.</param>
    public sealed record PlannedRun(string RunId, ExperimentConfig Config, RunStatus Status);

    /// <summary>The result of one run of the sweep: an outcome or an error message.</summary>
    /// <param name="RunId">Run id.</param>
    /// <param name="Outcome">The outcome, when the run finished.</param>
    /// <param name="Error">The error message, when it failed.</param>
    public sealed record SweepResult(string RunId, RunOutcome? Outcome, string? Error);

    /// <summary>The output folder of a sweep writing to <paramref name="csvPath"/>.</summary>
    public static string OutDirectory(string csvPath) => Path.GetDirectoryName(Path.GetFullPath(csvPath)) ?? ".";

    /// <summary>The plan with each run's state on disk (for --dry-run).</summary>
    public static IReadOnlyList<PlannedRun> Describe(SweepPlan plan, string csvPath) =>
        plan.Runs.Select(c => new PlannedRun(ExperimentJson.RunId(c), c, ExperimentRunner.StatusOf(OutDirectory(csvPath), c))).ToList();

    /// <summary>Runs every configuration of <paramref name="plan"/>; <paramref name="observerFor"/> may give each run its own progress observer.</summary>
    public IReadOnlyList<SweepResult> Run(SweepPlan plan, string csvPath, Func<PlannedRun, ITrainingObserver?>? observerFor = null,
        CancellationToken cancellation = default)
    {
        var results = new List<SweepResult>();
        foreach (var planned in Describe(plan, csvPath))
        {
            cancellation.ThrowIfCancellationRequested();
            try
            {
                var outcome = runner.Run(planned.Config, OutDirectory(csvPath), csvPath, observerFor?.Invoke(planned), cancellation);
                results.Add(new SweepResult(planned.RunId, outcome, null));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                results.Add(new SweepResult(planned.RunId, null, e.Message));
            }
        }
        return results;
    }
}
