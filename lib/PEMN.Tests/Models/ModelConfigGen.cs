using CsCheck;
using PEMN.Masking;
using PEMN.Models;

namespace PEMN.Tests.Models;

/// <summary>
/// Random small model definitions of the three families, for the property tests: every field an architecture uses is drawn
/// (sizes down to 1 where the family allows it), small enough that a network builds, is counted and runs a forward pass in
/// milliseconds on a CPU. Image sides are patch x tiles, so every drawn patch divides its image.
/// </summary>
public static class ModelConfigGen
{
    /// <summary>ConvMixer: dim 2..8, depth 1..3, kernel 1..5, patch 1..3, image patch x 1..4, 1..3 channels, 2..5 classes, either activation.</summary>
    public static readonly Gen<ModelConfig> ConvMixer =
        from dim in Gen.Int[2, 8]
        from depth in Gen.Int[1, 3]
        from kernel in Gen.Int[1, 5]
        from patch in Gen.Int[1, 3]
        from tiles in Gen.Int[1, 4]
        from channels in Gen.Int[1, 3]
        from classes in Gen.Int[2, 5]
        from activation in Gen.Enum<Activation>()
        select new ModelConfig(ModelName.ConvMixer, Dim: dim, Depth: depth, Kernel: kernel, Patch: patch, InChannels: channels,
            ImageSize: patch * tiles, Classes: classes, Activation: activation);

    /// <summary>ViT: 1..3 heads of 1..4 channels (dim = their product), depth 1..2, MLP ratio 1..3, patch 1..3, image patch x 1..3, either pooling.</summary>
    public static readonly Gen<ModelConfig> ViT =
        from heads in Gen.Int[1, 3]
        from headDim in Gen.Int[1, 4]
        from depth in Gen.Int[1, 2]
        from mlp in Gen.Int[1, 3]
        from patch in Gen.Int[1, 3]
        from tiles in Gen.Int[1, 3]
        from channels in Gen.Int[1, 3]
        from classes in Gen.Int[2, 5]
        from pooling in Gen.Enum<Pooling>()
        select new ModelConfig(ModelName.ViT, Dim: heads * headDim, Depth: depth, Patch: patch, InChannels: channels,
            ImageSize: patch * tiles, Classes: classes, Heads: heads, MlpRatio: mlp, Pooling: pooling);

    /// <summary>
    /// CIFAR ResNet at width multiplier 1 (its smallest): ResNet-8 four times in five, ResNet-14 otherwise (78k and 171k weights:
    /// the probe labels every one), image 4..8, 1..3 channels, 2..5 classes.
    /// </summary>
    public static readonly Gen<ModelConfig> ResNet =
        from depth in Gen.Frequency((4, Gen.Const(8)), (1, Gen.Const(14)))
        from image in Gen.Int[4, 8]
        from channels in Gen.Int[1, 3]
        from classes in Gen.Int[2, 5]
        select new ModelConfig(ModelName.ResNet, Depth: depth, InChannels: channels, ImageSize: image, Classes: classes);

    /// <summary>Any family: ConvMixer 3, ViT 2, ResNet 1 in 6 (ResNets are the slowest to count and pack).</summary>
    public static readonly Gen<ModelConfig> Any = Gen.Frequency((3, ConvMixer), (2, ViT), (1, ResNet));
}
