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
