namespace PEMN.Training;

/// <summary>
/// Receives training progress; a terminal progress line, a notebook live chart or a test can subscribe.
/// Called on the training thread: keep handlers quick.
/// </summary>
public interface ITrainingObserver
{
    /// <summary>After every optimiser step.</summary>
    void StepCompleted(StepProgress step);

    /// <summary>After every epoch's evaluation.</summary>
    void EpochCompleted(EpochRecord epoch);
}

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

/// <summary>One finished epoch: what history.json stores per line and what progress displays show.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Mean training loss over the epoch's images.</param>
/// <param name="TrainAccuracy">Training accuracy over the epoch (fraction in [0, 1]; on augmented images, in train mode).</param>
/// <param name="TestAccuracy">Test accuracy after the epoch (fraction in [0, 1]; eval mode).</param>
/// <param name="LearningRate">Learning rate of the epoch's last step.</param>
/// <param name="Seconds">Wall time of the epoch (training and evaluation).</param>
/// <param name="ImagesPerSecond">Training images per second of the epoch.</param>
public sealed record EpochRecord(
    int Epoch,
    double TrainLoss,
    double TrainAccuracy,
    double TestAccuracy,
    double LearningRate,
    double Seconds,
    double ImagesPerSecond);

/// <summary>An <see cref="ITrainingObserver"/> from delegates (handy in notebooks and tests), and composition of observers.</summary>
public sealed class TrainingObserver(Action<StepProgress>? onStep = null, Action<EpochRecord>? onEpoch = null) : ITrainingObserver
{
    /// <inheritdoc/>
    public void StepCompleted(StepProgress step) => onStep?.Invoke(step);

    /// <inheritdoc/>
    public void EpochCompleted(EpochRecord epoch) => onEpoch?.Invoke(epoch);

    /// <summary>An observer that forwards to every non-null observer given.</summary>
    public static ITrainingObserver Combine(params ITrainingObserver?[] observers)
    {
        var list = observers.OfType<ITrainingObserver>().ToArray();
        return new TrainingObserver(s => { foreach (var o in list) o.StepCompleted(s); },
            e => { foreach (var o in list) o.EpochCompleted(e); });
    }
}
