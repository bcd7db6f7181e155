namespace PEMN.Training;

/// <summary>One finished optimiser step, for live progress displays.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Epochs">Epochs of the run.</param>
/// <param name="Step">1-based step within the epoch.</param>
/// <param name="StepsPerEpoch">Steps per epoch.</param>
/// <param name="Loss">This step's loss.</param>
/// <param name="RunningLoss">Mean loss of the epoch so far.</param>
/// <param name="RunningAccuracy">Training accuracy of the epoch so far (fraction).</param>
/// <param name="LearningRate">Learning rate used by this step.</param>
/// <param name="Elapsed">Wall time since this run (or its resumption) started.</param>
/// <param name="Remaining">Estimated time to the end of the run, from the steps done since (re)start.</param>
public sealed record StepProgress(
    int Epoch,
    int Epochs,
    int Step,
    int StepsPerEpoch,
    double Loss,
    double RunningLoss,
    double RunningAccuracy,
    double LearningRate,
    TimeSpan Elapsed,
    TimeSpan Remaining);
