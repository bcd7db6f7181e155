namespace PEMN.Training;

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
