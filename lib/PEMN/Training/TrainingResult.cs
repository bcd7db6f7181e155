namespace PEMN.Training;

/// <summary>The outcome of a finished training run.</summary>
/// <param name="History">Every epoch, in order (including epochs restored from a checkpoint).</param>
/// <param name="Seconds">Wall time summed over the epochs (across resumptions).</param>
/// <param name="ResumedFromEpoch">The epoch count restored from a checkpoint (0 for a fresh run).</param>
/// <param name="TrainableParameters">Number of values the optimiser updates.</param>
public sealed record TrainingResult(IReadOnlyList<EpochRecord> History, double Seconds, int ResumedFromEpoch, long TrainableParameters)
{
    /// <summary>Best test accuracy over the epochs (the paper's metric).</summary>
    public double BestTestAccuracy => History.Max(e => e.TestAccuracy);
    /// <summary>The 1-based epoch of the best test accuracy (the first one on ties).</summary>
    public int BestEpoch => History.First(e => e.TestAccuracy == BestTestAccuracy).Epoch;
    /// <summary>Test accuracy after the last epoch.</summary>
    public double FinalTestAccuracy => History[^1].TestAccuracy;
    /// <summary>Training loss of the last epoch.</summary>
    public double FinalTrainLoss => History[^1].TrainLoss;
}
