using PEMN.Runtime;

namespace PEMN.Training;

/// <summary>The optimiser that updates the learnable tensors.</summary>
public enum OptimizerKind
{
    /// <summary>AdamW (the PEMN authors' choice for ConvMixer and ViT).</summary>
    [Name("adamw", Label = "AdamW")]
    AdamW,
    /// <summary>SGD with momentum 0.9 (edge-popup's choice), optionally Nesterov.</summary>
    [Name("sgd", Label = "SGD")]
    Sgd,
}

/// <summary>The learning-rate schedule, evaluated every optimiser step.</summary>
public enum ScheduleKind
{
    /// <summary>The PEMN authors' piecewise-linear one-cycle: 0 -> lr_max at 2/5 -> lr_max/20 at 4/5 -> 0 (breakpoints floored to whole epochs).</summary>
    Piecewise,
    /// <summary>Cosine decay from lr_max to 0 over the run, no warm-up (edge-popup).</summary>
    Cosine,
}

/// <summary>How a model is trained: optimiser, schedule, epochs, batch and regularisation; validated once.</summary>
/// <param name="Optimizer">AdamW or SGD (momentum <see cref="SgdMomentum"/>).</param>
/// <param name="LrMax">Peak learning rate of the schedule.</param>
/// <param name="DenseLrMax">Peak learning rate when weights are trained (Dense and the sparse baselines); null means <paramref name="LrMax"/>
/// (the CPU protocol trains dense weights at 0.01 and scores at 0.05).</param>
/// <param name="WeightDecay">Decoupled (AdamW) or L2 (SGD) weight decay.</param>
/// <param name="Nesterov">SGD only: Nesterov momentum.</param>
/// <param name="Schedule">Learning-rate schedule, evaluated every step.</param>
/// <param name="Epochs">Passes over the training split.</param>
/// <param name="BatchSize">Images per step.</param>
/// <param name="LabelSmoothing">Cross-entropy label smoothing in [0, 1).</param>
/// <param name="ClipNorm">Gradient clipping: max global L2 norm; null disables clipping.</param>
/// <param name="Seed">Seed of the model's random weights and scores, the data order and augmentation.</param>
/// <param name="Precision">fp32, or bf16 mixed precision (convolutions and matrix products in bfloat16 under libtorch's
/// autocast, <see cref="ComputeScope"/>); part of the run id: a bf16 run is another experiment than its fp32 twin.</param>
/// <param name="MemoryFormat">The layout of convolutions while training: channels_last (NHWC, the fast one on CPUs) or
/// contiguous (NCHW, how runs before it were trained). Only the order of floating-point sums differs, as with the thread
/// count: not part of the run id, recorded in each run's provenance.json. Evaluation always runs contiguous.</param>
public sealed record TrainingConfig(
    OptimizerKind Optimizer = OptimizerKind.AdamW,
    double LrMax = 0.05,
    double? DenseLrMax = null,
    double WeightDecay = 0.005,
    bool Nesterov = false,
    ScheduleKind Schedule = ScheduleKind.Piecewise,
    int Epochs = 100,
    int BatchSize = 512,
    double LabelSmoothing = 0,
    double? ClipNorm = null,
    long Seed = 0,
    [property: OmittedWhileDefault] Precision Precision = Precision.Fp32,
    [property: OmittedWhileDefault] MemoryFormat MemoryFormat = MemoryFormat.ChannelsLast)
{
    /// <summary>SGD momentum: edge-popup's 0.9.</summary>
    public const double SgdMomentum = 0.9;
    /// <summary>Upper bound of a sane peak learning rate; larger values are typos.</summary>
    public const double MaxLearningRate = 10;
    /// <summary>Upper bound of the weight decay.</summary>
    public const double MaxWeightDecay = 1;

    /// <summary>Default of <see cref="MaxBatchSize"/>: 65,536 images per step (the paper's batch is 512).</summary>
    public const int DefaultMaxBatchSize = 1 << 16;

    /// <summary>Most images per step: a batch is allocated whole, so its size is a memory size (the default times PEMN_LIMIT_SCALE).</summary>
    public static int MaxBatchSize => Runtime.SizeLimits.Scaled(DefaultMaxBatchSize);

    /// <summary>The peak learning rate for a run that trains weights (true: dense and sparse baselines) or masks (false).</summary>
    public double EffectiveLrMax(bool dense) => dense ? DenseLrMax ?? LrMax : LrMax;

    /// <summary>
    /// The same training with peak learning rate <paramref name="lrMax"/> for every strategy: a peak learning rate set
    /// explicitly replaces the dense one too (<see cref="DenseLrMax"/> cleared; set it after this to keep a separate one).
    /// </summary>
    public TrainingConfig WithLrMax(double lrMax) => this with { LrMax = lrMax, DenseLrMax = null };

    /// <summary>Throws when a field is outside its allowed range, naming the field, the value and the range.</summary>
    public TrainingConfig Validate()
    {
        if (!Enum.IsDefined(Optimizer))
            throw ConfigError.Enum("training.optimizer", Optimizer);
        ConfigError.Range("training.lr_max", LrMax, 0, MaxLearningRate, lowOpen: true);
        if (DenseLrMax is { } dense) ConfigError.Range("training.dense_lr_max", dense, 0, MaxLearningRate, lowOpen: true);
        ConfigError.Range("training.weight_decay", WeightDecay, 0, MaxWeightDecay);
        if (Nesterov && Optimizer != OptimizerKind.Sgd)
            throw new ArgumentException($"training.nesterov = true is only allowed with training.optimizer = sgd; it is {Optimizer}.", "training.nesterov");
        if (!Enum.IsDefined(Schedule))
            throw ConfigError.Enum("training.schedule", Schedule);
        ConfigError.AtLeast("training.epochs", Epochs, 1);
        ConfigError.AtLeast("training.batch_size", BatchSize, 1);
        if (BatchSize > MaxBatchSize)
            throw new ArgumentOutOfRangeException("training.batch_size", BatchSize,
                $"training.batch_size = {BatchSize} is above the limit of {MaxBatchSize} images per step; {Runtime.SizeLimits.Advice}.");
        ConfigError.Range("training.label_smoothing", LabelSmoothing, 0, 1, highOpen: true);
        if (ClipNorm is { } clip) ConfigError.Range("training.clip_norm", clip, 0, double.MaxValue, lowOpen: true);
        if (!Enum.IsDefined(Precision))
            throw ConfigError.Enum("training.precision", Precision);
        if (!Enum.IsDefined(MemoryFormat))
            throw ConfigError.Enum("training.memory_format", MemoryFormat);
        return this;
    }
}
