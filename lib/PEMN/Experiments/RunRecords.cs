using PEMN.Training;

namespace PEMN.Experiments;

/// <summary>The summary of a finished run: metrics.json and the metric columns of the runs CSV.</summary>
/// <param name="BestTestAccuracy">Best test accuracy over epochs (fraction; the paper's metric).</param>
/// <param name="BestEpoch">1-based epoch of the best test accuracy.</param>
/// <param name="FinalTestAccuracy">Test accuracy after the last epoch (fraction).</param>
/// <param name="FinalTrainLoss">Mean training loss of the last epoch.</param>
/// <param name="FinalTrainAccuracy">Training accuracy of the last epoch (fraction).</param>
/// <param name="Epochs">Epochs trained.</param>
/// <param name="Seconds">Training and evaluation wall time over all epochs (summed across resumptions).</param>
/// <param name="ImagesPerSecond">Mean training throughput over the epochs.</param>
/// <param name="TrainableParameters">Values the optimiser updated (scores and norm affine, or all weights when dense).</param>
/// <param name="LrMax">The peak learning rate used.</param>
public sealed record RunMetrics(
    double BestTestAccuracy,
    int BestEpoch,
    double FinalTestAccuracy,
    double FinalTrainLoss,
    double FinalTrainAccuracy,
    int Epochs,
    double Seconds,
    double ImagesPerSecond,
    long TrainableParameters,
    double LrMax);

/// <summary>What the output folder holds for a configuration.</summary>
public enum RunStatus
{
    /// <summary>Nothing yet: the run starts from epoch 0.</summary>
    New,
    /// <summary>A checkpoint without metrics.json: an interrupted run that will resume.</summary>
    Partial,
    /// <summary>metrics.json exists: the run is done and will be skipped.</summary>
    Complete,
}

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
