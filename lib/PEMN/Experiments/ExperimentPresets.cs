using PEMN.Data;
using PEMN.Masking;
using PEMN.Models;
using PEMN.Strategies;
using PEMN.Training;

namespace PEMN.Experiments;

/// <summary>Named experiment configurations: the only place their numbers are written.</summary>
public static class ExperimentPresets
{
    /// <summary>Preset names, in order of cost.</summary>
    public static IReadOnlyList<string> Names { get; } = ["smoke", "quick", "paper"];

    /// <summary>The preset called <paramref name="name"/> (case-insensitive).</summary>
    public static ExperimentConfig Get(string name) => name.ToLowerInvariant() switch
    {
        "smoke" => Smoke,
        "quick" => Quick,
        "paper" => Paper,
        _ => throw new ArgumentException($"preset = '{name}' is not allowed; allowed: {string.Join(", ", Names)}.", "preset"),
    };

    /// <summary>
    /// Seconds on a laptop CPU: 4 synthetic classes of 1x8x8 blob images (128 train, 32 test per class),
    /// a 16-wide, 2-deep ConvMixer, 2 epochs, masked with k = 0.5. Proves the whole path runs.
    /// </summary>
    public static ExperimentConfig Smoke { get; } = new(
        Name: "smoke",
        Data: new DataConfig(DataSetName.Synthetic, PerClass: 128, TestPerClass: 32, Augment: false),
        Model: new ModelConfig(ModelName.ConvMixer, Dim: 16, Depth: 2, Kernel: 3, Patch: 2, InChannels: 1, ImageSize: 8, Classes: 4),
        Masking: new MaskingOptions(),
        Strategy: new StrategyConfig(StrategyName.Mask),
        // lr 0.05 as the authors' mask recipe; batch 32 gives 16 steps per epoch.
        Training: new TrainingConfig(LrMax: 0.05, DenseLrMax: 0.01, Epochs: 2, BatchSize: 32),
        Device: "cpu",
        // Tensors this small run faster on one thread; on a busy machine extra threads cost 10x.
        Threads: 1);

    /// <summary>
    /// The CPU protocol: Fashion-MNIST, the first 1,000 training images of each class in the official file order
    /// (10,000) and the full 10,000 test images, normalised with mean 0.2860 and std 0.3530, random crop 28
    /// (padding 2) and flip; ConvMixer dim 64, depth 4, kernel 5, patch 2, GELU, learnable BN; AdamW, weight decay
    /// 0.005, the authors' schedule, batch 128, 8 epochs; lr_max 0.01 dense, 0.05 for every mask-based strategy; k = 0.5.
    /// </summary>
    public static ExperimentConfig Quick { get; } = new(
        Name: "quick",
        Data: new DataConfig(DataSetName.FashionMnist, PerClass: 1000, Augment: true, CropPadding: 2,
            Mean: DataSetCatalog.FashionMnistNormalization.Mean, Std: DataSetCatalog.FashionMnistNormalization.Std),
        Model: new ModelConfig(ModelName.ConvMixer, Dim: 64, Depth: 4, Kernel: 5, Patch: 2, InChannels: 1, ImageSize: 28, Classes: 10, Activation: Activation.Gelu),
        Masking: new MaskingOptions(KeepFraction: 0.5, WeightInit.KaimingNormal, NormMode.Learnable),
        Strategy: new StrategyConfig(StrategyName.Mask),
        Training: new TrainingConfig(OptimizerKind.AdamW, LrMax: 0.05, DenseLrMax: 0.01, WeightDecay: 0.005,
            Schedule: ScheduleKind.Piecewise, Epochs: 8, BatchSize: 128),
        Device: "cpu");

    /// <summary>
    /// The authors' CIFAR-10 recipe (paper section 4): ConvMixer-256/8 (kernel 5, patch 2), AdamW lr_max 0.05,
    /// weight decay 0.005, batch 512, 100 epochs, the piecewise schedule, k = 0.5, on CUDA, with their augmentation
    /// (<see cref="AugmentPolicy.Paper"/>: torchvision's RandomResizedCrop(32, scale (1, 1), ratio (1, 1)), flip,
    /// RandAugment(2, 12) with all 14 ops, ColorJitter(0.2, 0.2, 0.2), RandomErasing(0.2); see <see cref="Data.AugmentationConfig.Paper"/>).
    /// Mixed precision is not reproduced (TorchSharp has no autocast).
    /// </summary>
    public static ExperimentConfig Paper { get; } = new(
        Name: "paper",
        Data: new DataConfig(DataSetName.Cifar10, Augment: true, CropPadding: 0, AugmentPolicy: AugmentPolicy.Paper),
        Model: new ModelConfig(ModelName.ConvMixer, Dim: 256, Depth: 8, Kernel: 5, Patch: 2, InChannels: 3, ImageSize: 32, Classes: 10),
        Masking: new MaskingOptions(KeepFraction: 0.5),
        Strategy: new StrategyConfig(StrategyName.Mask),
        Training: new TrainingConfig(OptimizerKind.AdamW, LrMax: 0.05, WeightDecay: 0.005, Schedule: ScheduleKind.Piecewise,
            Epochs: 100, BatchSize: 512),
        Device: "cuda");
}
