using PEMN.Data;
using PEMN.Masking;
using PEMN.Models;
using PEMN.Strategies;
using PEMN.Training;

namespace PEMN.Configuration;

/// <summary>
/// Named experiment configurations: the only place their numbers are written. Three scales (smoke: seconds, for
/// tests; quick: CPU minutes on Fashion-MNIST; paper: the paper's settings, GPU work), each with the ConvMixer of the
/// scale and its variants for the other model families and the width/depth comparison: "quick" is the quick ConvMixer,
/// "quick_vit" the quick ViT with the same data and training (<see cref="PresetName"/>). Names accept '-' for '_'.
/// </summary>
public static class ExperimentPresets
{
    /// <summary>Preset names, by scale and in order of cost.</summary>
    public static IReadOnlyList<string> Names { get; } = PresetName.All.Select(p => p.ToString()).ToList();

    /// <summary>The preset called <paramref name="name"/> (<see cref="PresetName.Parse"/>: case-insensitive, '-' or '_').</summary>
    /// <exception cref="ArgumentException">Not a preset; the message lists the allowed names.</exception>
    public static ExperimentConfig Get(string name) => Get(PresetName.Parse(name));

    /// <summary>The preset of a scale for a variant (the scale's ConvMixer unless another is named).</summary>
    public static ExperimentConfig Get(Scale scale, PresetVariant variant = PresetVariant.ConvMixer) => Get(new PresetName(scale, variant));

    /// <summary>The preset <paramref name="name"/>.</summary>
    public static ExperimentConfig Get(PresetName name)
    {
        var convMixer = name.Scale switch
        {
            Scale.Smoke => Smoke,
            Scale.Quick => Quick,
            Scale.Paper => Paper,
            _ => throw new ArgumentOutOfRangeException(nameof(name), name.Scale, "not a scale"),
        };
        return (name.Scale, name.Variant) switch
        {
            (_, PresetVariant.ConvMixer) => convMixer,
            (Scale.Smoke, PresetVariant.ViT) => SmokeViT,
            (Scale.Quick, PresetVariant.ViT) => QuickViT,
            (Scale.Paper, PresetVariant.ViT) => PaperViT,
            (Scale.Smoke, PresetVariant.ResNet) => SmokeResNet,
            (Scale.Quick, PresetVariant.ResNet) => QuickResNet,
            (Scale.Paper, PresetVariant.ResNet) => PaperResNet,
            (_, PresetVariant.Wide) => Wider(convMixer),
            (_, PresetVariant.Deep) => Deeper(convMixer),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name.Variant, "not a preset variant"),
        };
    }

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
    /// Mixed precision is off, as in every preset (<c>--precision bf16</c> turns on libtorch's autocast).
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

    /// <summary>The smoke ViT: dim 16, depth 2, patch 2 (16 tokens on 8x8), 2 heads, MLP ratio 2, on the smoke data and training.</summary>
    public static ExperimentConfig SmokeViT { get; } = Smoke with
    {
        Name = "smoke_vit",
        Model = Smoke.Model with { Name = ModelName.ViT, Dim = 16, Depth = 2, Patch = 2, Heads = 2, MlpRatio = 2 },
    };

    /// <summary>The smoke ResNet: ResNet-8 (one basic block per stage), on the smoke data and training.</summary>
    public static ExperimentConfig SmokeResNet { get; } = Smoke with
    {
        Name = "smoke_resnet",
        Model = Smoke.Model with { Name = ModelName.ResNet, Depth = 8 },
    };

    /// <summary>
    /// The quick ViT: dim 64, depth 4, patch 4 (49 patches of 28x28 plus the class token), 4 heads of 16 channels, MLP
    /// ratio 2; about the quick ConvMixer's multiply-adds per image. Same data and training as <see cref="Quick"/>.
    /// </summary>
    public static ExperimentConfig QuickViT { get; } = Quick with
    {
        Name = "quick_vit",
        Model = Quick.Model with { Name = ModelName.ViT, Dim = 64, Depth = 4, Patch = 4, Heads = 4, MlpRatio = 2 },
    };

    /// <summary>The quick ResNet: He et al.'s CIFAR ResNet-20 (16/32/64 channels) on 1x28x28. Same data and training as <see cref="Quick"/>.</summary>
    public static ExperimentConfig QuickResNet { get; } = Quick with
    {
        Name = "quick_resnet",
        Model = Quick.Model with { Name = ModelName.ResNet, Depth = 20 },
    };

    /// <summary>
    /// A scale's ConvMixer twice as wide, for "wider nets close the gap to Dense" (quick: ConvMixer-128/4; paper:
    /// ConvMixer-512/8, the paper's wide panel).
    /// </summary>
    public static ExperimentConfig Wider(ExperimentConfig scale) =>
        scale with { Name = $"{scale.Name}_wide", Model = scale.Model with { Dim = 2 * scale.Model.Dim } };

    /// <summary>
    /// A scale's ConvMixer twice as deep, for "deeper nets close the gap to Dense" (quick: ConvMixer-64/8; paper:
    /// ConvMixer-256/16, beyond the paper's depths 6 and 8).
    /// </summary>
    public static ExperimentConfig Deeper(ExperimentConfig scale) =>
        scale with { Name = $"{scale.Name}_deep", Model = scale.Model with { Depth = 2 * scale.Model.Depth } };

    /// <summary>
    /// A paper-scale ViT (the paper gives no ViT settings): dim 256, depth 6, patch 4 (64 patches of 32x32), 8 heads, MLP
    /// ratio 2, class token; the paper's data and training.
    /// </summary>
    public static ExperimentConfig PaperViT { get; } = Paper with
    {
        Name = "paper_vit",
        Model = Paper.Model with { Name = ModelName.ViT, Dim = 256, Depth = 6, Patch = 4 },
    };

    /// <summary>The paper's Fig. 4 ResNet-32 on CIFAR-10, with the authors' ConvMixer training recipe (the paper gives none for ResNets).</summary>
    public static ExperimentConfig PaperResNet { get; } = Paper with
    {
        Name = "paper_resnet",
        Model = Paper.Model with { Name = ModelName.ResNet, Depth = 32 },
    };
}
