using static TorchSharp.torch;

namespace PEMN.Data;

/// <summary>
/// Batches of one split, ready for the model: float images [B, C, H, W] (normalised, augmented when
/// training) and int64 labels [B], on the training device. The consumer owns (disposes) each batch.
/// </summary>
public interface IBatchSource
{
    /// <summary>Number of images in the split.</summary>
    long Count { get; }
    /// <summary>Batches per pass.</summary>
    int BatchesPerEpoch { get; }
    /// <summary>One pass over the split; the order (and augmentation) of epoch e depends only on the seed and e.</summary>
    IEnumerable<(Tensor Images, Tensor Labels)> Epoch(int epoch);
}
