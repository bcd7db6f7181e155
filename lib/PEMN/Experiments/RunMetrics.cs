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
