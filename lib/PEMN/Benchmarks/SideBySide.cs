namespace PEMN.Benchmarks;

/// <summary>
/// What one benchmark process reports about training steps, masks and inference, whichever framework ran it: `pemn bench
/// steps --json` and bench/pytorch/pemn_bench.py steps write this record (snake_case JSON), so the two compare key by key.
/// </summary>
/// <param name="Framework">"torchsharp" or "pytorch".</param>
/// <param name="Version">Framework and library versions.</param>
/// <param name="Threads">Torch intra-op threads of the process.</param>
/// <param name="Models">One entry per model measured.</param>
public sealed record StepsMeasurement(string Framework, string Version, int Threads, IReadOnlyList<ModelSteps> Models);

/// <summary>One model's training steps, masks and inference (medians over the timed repetitions).</summary>
/// <param name="Model">The benchmark's model key: <see cref="SideBySide.QuickModel"/> or <see cref="SideBySide.PaperModel"/>.</param>
/// <param name="Batch">Images per step.</param>
/// <param name="StepSecondsDense">One training step of the dense model (forward, cross-entropy, backward, AdamW), s.</param>
/// <param name="StepSecondsMasked">The same for the masked model (k = 0.5), s.</param>
/// <param name="MaskMsSort">Masks of every layer by a full sort (the authors' method), ms.</param>
/// <param name="MaskMsSelect">Masks of every layer by selection (kthvalue; this library's method), ms.</param>
/// <param name="InferenceImagesPerSecondDense">Dense model, eval mode, no gradients, images/s.</param>
/// <param name="InferenceImagesPerSecondMasked">Masked model, the same, masks frozen (computed once) as evaluation runs them.</param>
/// <param name="InferenceImagesPerSecondMaskedLive">Masked model with its masks selected at every batch (ours only: what the freeze saves).</param>
/// <param name="TrainingMultiplyAddsPerImage">Multiply-adds of a training step per image (counted by our library; PyTorch leaves it null).</param>
public sealed record ModelSteps(string Model, int Batch, double StepSecondsDense, double StepSecondsMasked, double MaskMsSort, double MaskMsSelect,
    double InferenceImagesPerSecondDense, double InferenceImagesPerSecondMasked, long? TrainingMultiplyAddsPerImage = null,
    double? InferenceImagesPerSecondMaskedLive = null);

/// <summary>What one benchmark process reports about whole epochs of the quick protocol: `pemn bench epochs --json` and pemn_bench.py epochs.</summary>
/// <param name="Framework">"torchsharp" or "pytorch".</param>
/// <param name="Version">Framework and library versions.</param>
/// <param name="Threads">Torch intra-op threads.</param>
/// <param name="Model">Model key.</param>
/// <param name="Strategy">"mask" or "dense".</param>
/// <param name="Batch">Batch size.</param>
/// <param name="TrainImages">Training images per epoch.</param>
/// <param name="TestImages">Test images per evaluation.</param>
/// <param name="Epochs">Every epoch.</param>
/// <param name="PeakRssBytes">The process's peak resident set (VmHWM) at the end.</param>
public sealed record EpochsMeasurement(string Framework, string Version, int Threads, string Model, string Strategy, int Batch,
    long TrainImages, long TestImages, IReadOnlyList<EpochRow> Epochs, long PeakRssBytes)
{
    /// <summary>Growth of the resident set from after the first epoch to after the last, as a fraction.</summary>
    public double RssGrowthAfterFirst => (Epochs[^1].RssBytes - Epochs[0].RssBytes) / (double)Epochs[0].RssBytes;
}

/// <summary>One epoch in an <see cref="EpochsMeasurement"/>.</summary>
/// <param name="Epoch">1-based.</param>
/// <param name="Seconds">Training and evaluation, s.</param>
/// <param name="TrainSeconds">Training steps, s.</param>
/// <param name="EvalSeconds">Evaluation on the test split, s.</param>
/// <param name="TestAccuracy">Test accuracy after the epoch (a check that both train alike).</param>
/// <param name="RssBytes">VmRSS after the epoch.</param>
/// <param name="AnonymousBytes">RssAnon after the epoch.</param>
/// <param name="FileBytes">RssFile after the epoch.</param>
public sealed record EpochRow(int Epoch, double Seconds, double TrainSeconds, double EvalSeconds, double TestAccuracy,
    long RssBytes, long AnonymousBytes, long FileBytes);

/// <summary>The names both sides of the benchmark use.</summary>
public static class SideBySide
{
    /// <summary>Our framework's name in the records.</summary>
    public const string Ours = "torchsharp";
    /// <summary>The reference's name in the records.</summary>
    public const string PyTorch = "pytorch";
    /// <summary>The quick preset's ConvMixer-64/4 on 1x28x28 at batch 128 (pemn_reference.QUICK).</summary>
    public const string QuickModel = "quick";
    /// <summary>The paper's ConvMixer-256/8 on 3x32x32 at batch 64 (pemn_reference.CIFAR_256_8).</summary>
    public const string PaperModel = "cifar_256_8";
}
