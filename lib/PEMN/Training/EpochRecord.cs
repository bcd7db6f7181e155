namespace PEMN.Training;

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
