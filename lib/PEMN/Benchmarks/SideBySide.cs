namespace PEMN.Benchmarks;

/// <summary>
/// What one benchmark process reports about training steps, masks and inference, whichever framework ran it: `pemn bench
/// steps --json` and bench/pytorch/pemn_bench.py steps write this record (snake_case JSON), so the two compare key by key.
/// </summary>
/// <param name="Framework">"torchsharp" or "pytorch".</param>
/// <param name="Version">Framework and library versions.</param>
/// <param name="Threads">Torch intra-op threads of the process.</param>
/// <param name="Models">One entry per model measured.</param>
/// <param name="Precision">The training steps' precision: "fp32" or "bf16" (autocast; inference stays float32).</param>
/// <param name="MemoryFormat">The training steps' layout: "contiguous" or "channels_last".</param>
/// <param name="Allocator">The process's heap allocator (tcmalloc, glibc), or null in records made before it was recorded.</param>
/// <param name="PeakRssBytes">The process's peak resident set (VmHWM) at the end: one model per process makes it that model's.</param>
public sealed record StepsMeasurement(string Framework, string Version, int Threads, IReadOnlyList<ModelSteps> Models,
    string Precision = "fp32", string MemoryFormat = "contiguous", string? Allocator = null, long? PeakRssBytes = null)
{
    /// <summary>The variant this process measured.</summary>
    public StepsVariant Variant => new(Precision, MemoryFormat);
}

/// <summary>A precision and memory format of training steps, by their canonical names (training.precision, training.memory_format).</summary>
/// <param name="Precision">"fp32" or "bf16".</param>
/// <param name="MemoryFormat">"contiguous" or "channels_last".</param>
public sealed record StepsVariant(string Precision, string MemoryFormat)
{
    /// <summary>"fp32, channels_last".</summary>
    public override string ToString() => $"{Precision}, {MemoryFormat}";
}

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
/// <param name="Allocator">The process's heap allocator (tcmalloc, glibc), or null in records made before it was recorded.</param>
/// <param name="MemoryFormat">The layout it trained in ("contiguous" when not recorded: PyTorch's default).</param>
public sealed record EpochsMeasurement(string Framework, string Version, int Threads, string Model, string Strategy, int Batch,
    long TrainImages, long TestImages, IReadOnlyList<EpochRow> Epochs, long PeakRssBytes, string? Allocator = null, string MemoryFormat = "contiguous")
{
    /// <summary>Epochs at each end of the run that <see cref="RssGrowth"/> compares.</summary>
    public const int RssGrowthWindow = 3;

    /// <summary>
    /// Growth of the resident set's high level, as a fraction: the largest resident set after any of the last
    /// <see cref="RssGrowthWindow"/> epochs against the largest after any of the first (halves in shorter runs). One sample can dip by a fifth
    /// where the allocator has just returned free pages to the system; a leak raises the high level epoch after epoch.
    /// </summary>
    public double RssGrowth
    {
        get
        {
            // Short runs compare halves, so the two ends never share an epoch.
            var window = Math.Max(1, Math.Min(RssGrowthWindow, Epochs.Count / 2));
            var first = Epochs.Take(window).Max(e => e.RssBytes);
            return (Epochs.TakeLast(window).Max(e => e.RssBytes) - first) / (double)first;
        }
    }
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

    /// <summary>The models, with the labels of the report.</summary>
    public static IReadOnlyList<(string Key, string Label)> Models { get; } =
        [(QuickModel, "quick ConvMixer-64/4"), (PaperModel, "ConvMixer-256/8")];

    /// <summary>PyTorch's float32 default: NCHW.</summary>
    public static StepsVariant Fp32Contiguous { get; } = new("fp32", "contiguous");
    /// <summary>Our float32 default: channels-last.</summary>
    public static StepsVariant Fp32ChannelsLast { get; } = new("fp32", "channels_last");

    /// <summary>The variants every steps process of the suite runs in, one process each: both precisions in both layouts.</summary>
    public static IReadOnlyList<StepsVariant> Variants { get; } =
        [Fp32Contiguous, Fp32ChannelsLast, new("bf16", "contiguous"), new("bf16", "channels_last")];
}
