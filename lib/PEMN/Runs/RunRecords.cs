using PEMN.Training;

namespace PEMN.Runs;

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
    /// <summary>metrics.json and the other records read back: the run is done and will be skipped.</summary>
    Complete,
    /// <summary>Another process holds the run's lock and is training it.</summary>
    InProgress,
    /// <summary>A record is damaged (<see cref="RunInspection.Problem"/> names it): the run needs the file restored or a restart.</summary>
    Corrupt,
}

/// <summary>What a call of the runner did with a run.</summary>
public enum RunOutcomeKind
{
    /// <summary>Trained from epoch 0 in this call.</summary>
    Trained,
    /// <summary>Resumed from a checkpoint and finished in this call.</summary>
    Resumed,
    /// <summary>Complete already: nothing trained.</summary>
    Skipped,
    /// <summary>Another process was training it; this call waited and found it complete: nothing trained here.</summary>
    FinishedElsewhere,
}

/// <summary>How the runner treats what it finds in a run folder.</summary>
/// <param name="Restart">Runs that are not complete and readable (partial, or with a damaged record) lose their checkpoint and
/// partial records and train from epoch 0. Complete runs are never discarded (delete the folder to train one again).</param>
/// <param name="Notice">Receives one-line messages for people: waiting for another process, records discarded.</param>
public sealed record RunOptions(bool Restart = false, Action<string>? Notice = null)
{
    /// <summary>Resume what is partial, stop on damaged records, say nothing.</summary>
    public static RunOptions Default { get; } = new();
}

/// <summary>The result of <see cref="ExperimentRunner.Run(PEMN.Configuration.ValidatedConfig, string, string?, PEMN.Training.ITrainingObserver?, CancellationToken, RunOptions?)"/>.</summary>
/// <param name="RunId">Run id derived from the config.</param>
/// <param name="RunDirectory">&lt;out&gt;/runs/&lt;run-id&gt;.</param>
/// <param name="StatusBefore">What was on disk when this call took the run: new, partial (resumed) or complete (skipped).</param>
/// <param name="Metrics">The run's summary.</param>
/// <param name="History">Every epoch.</param>
/// <param name="Kind">What this call did: trained, resumed, skipped, or waited for another process that finished it.</param>
public sealed record RunOutcome(string RunId, string RunDirectory, RunStatus StatusBefore, RunMetrics Metrics, IReadOnlyList<EpochRecord> History,
    RunOutcomeKind Kind = RunOutcomeKind.Trained)
{
    /// <summary>True when nothing was trained by this call (complete already, or finished by another process).</summary>
    public bool Skipped => Kind is RunOutcomeKind.Skipped or RunOutcomeKind.FinishedElsewhere;
}
