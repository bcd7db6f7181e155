namespace PEMN.Data;

/// <summary>How a split is cut into batches.</summary>
/// <param name="BatchSize">Images per batch.</param>
/// <param name="Shuffle">Reorder the split every epoch by (seed, epoch); off for evaluation.</param>
/// <param name="DropLast">Drop the last, smaller batch (keeps BatchNorm statistics on full batches).</param>
/// <param name="Seed">Seed of the order and of the augmentation.</param>
/// <param name="Augmentation">What to do to the images; <see cref="AugmentationConfig.None"/> for evaluation.</param>
/// <param name="Prefetch">Build the next batch on a background task while the current one is used.</param>
public sealed record BatchPipelineConfig(
    int BatchSize = BatchPipelineConfig.DefaultBatchSize,
    bool Shuffle = true,
    bool DropLast = false,
    long Seed = 0,
    AugmentationConfig? Augmentation = null,
    bool Prefetch = true)
{
    /// <summary>The quick protocol's batch size: large enough to keep the CPU busy, small enough for BatchNorm noise to help.</summary>
    public const int DefaultBatchSize = 128;

    /// <summary>The augmentation, never null.</summary>
    public AugmentationConfig Augment => Augmentation ?? AugmentationConfig.None;

    /// <summary>Evaluation batches: in file order, no augmentation.</summary>
    public static BatchPipelineConfig Evaluation(int batchSize = DefaultBatchSize) => new(batchSize, Shuffle: false);

    /// <summary>Throws naming the field, its value and the allowed range; returns this.</summary>
    public BatchPipelineConfig Validate()
    {
        if (BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be >= 1.");
        Augment.Validate();
        return this;
    }
}
