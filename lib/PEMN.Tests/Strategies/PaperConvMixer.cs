using PEMN.Masking;
using PEMN.Models;
using static TorchSharp.torch;

namespace PEMN.Tests.Strategies;

/// <summary>The paper's ConvMixer-256/6 on CIFAR-10 (kernel 5, patch 2) and its layer sizes, from the definition.</summary>
internal static class PaperConvMixer
{
    public const long Dim = 256, Depth = 6, Kernel = 5, Patch = 2, Channels = 3, Classes = 10;

    public static readonly ModelConfig Config = new(ModelName.ConvMixer, Dim, Depth, Kernel, Patch, Channels, 32, Classes);

    // Weight sizes of each layer kind, read off the architecture: patch conv, depthwise conv, pointwise conv, head.
    public const long Stem = Dim * Channels * Patch * Patch;
    public const long Depthwise = Dim * 1 * Kernel * Kernel;
    public const long Pointwise = Dim * Dim * 1 * 1;
    public const long Head = Classes * Dim;
    public const long MaskedWeights = Stem + Depth * (Depthwise + Pointwise) + Head;

    public static nn.Module<Tensor, Tensor> Build(long seed = 0) =>
        Config.Build(new LayerFactory(LayerKind.Masked, null, seed));

    public static float[] Flat(Tensor t) => t.detach().cpu().flatten().data<float>().ToArray();

    public static uint[] Bits(Tensor t) => Flat(t).Select(BitConverter.SingleToUInt32Bits).ToArray();
}
