using PEMN.Training;

namespace PEMN.Experiments;

/// <summary>The result of <see cref="ExperimentRunner.Run"/>.</summary>
/// <param name="RunId">Run id derived from the config.</param>
/// <param name="RunDirectory">&lt;out&gt;/runs/&lt;run-id&gt;.</param>
/// <param name="StatusBefore">What was on disk before: new, partial (resumed) or complete (skipped).</param>
/// <param name="Metrics">The run's summary.</param>
/// <param name="History">Every epoch.</param>
public sealed record RunOutcome(string RunId, string RunDirectory, RunStatus StatusBefore, RunMetrics Metrics, IReadOnlyList<EpochRecord> History)
{
    /// <summary>True when the run was complete already and nothing was trained.</summary>
    public bool Skipped => StatusBefore == RunStatus.Complete;
}
