using PEMN.Masking;
using PEMN.Models;

namespace PEMN.Tests.Models;

public class MultiplyAddsTests
{
    // dim 8, depth 1, kernel 3, patch 2 on 1x8x8 images, 4 classes: the stem's grid is 4x4 = 16 positions.
    private static readonly ModelConfig Tiny = new(ModelName.ConvMixer, Dim: 8, Depth: 1, Kernel: 3, Patch: 2, InChannels: 1, ImageSize: 8, Classes: 4);

    [Theory]
    [InlineData(LayerKind.Dense)]
    [InlineData(LayerKind.Masked)]
    public void ATinyConvMixerCountsWhatAHandCountGives(LayerKind kind)
    {
        using var model = Tiny.Build(new LayerFactory(kind));
        // By hand, per image: stem 16 positions x 8 outputs x (1 channel x 2 x 2) = 512; depthwise 16 x 8 x (1 x 3 x 3) = 1,152;
        // pointwise 16 x 8 x 8 = 1,024; head 4 x 8 = 32.
        Assert.Equal([("stem.conv", 512L), ("blocks.0.depthwise", 1152L), ("blocks.0.pointwise", 1024L), ("head", 32L)],
            MultiplyAdds.PerLayer(model, Tiny));
        Assert.Equal(2720, MultiplyAdds.Forward(model, Tiny));
        // Training: forward + weight gradients (2 x 2,720) + input gradients of all but the stem (2,720 - 512).
        Assert.Equal(7648, MultiplyAdds.Training(model, Tiny));
    }

    [Fact]
    public void EveryBlockAddsItsDepthwiseAndPointwiseCount()
    {
        // Depth 2: the stem and head once, the block's 1,152 + 1,024 twice.
        var deeper = Tiny with { Depth = 2 };
        using var model = deeper.Build(new LayerFactory(LayerKind.Dense));
        Assert.Equal(512 + 2 * (1152 + 1024) + 32, MultiplyAdds.Forward(model, deeper));
    }

    [Fact]
    public void OnlyTheConvMixerIsCounted()
    {
        var vit = new ModelConfig(ModelName.ViT, Dim: 16, Depth: 1, Patch: 2, InChannels: 1, ImageSize: 8, Classes: 4, Heads: 2);
        using var model = vit.Build(new LayerFactory(LayerKind.Dense));
        var e = Assert.Throws<NotSupportedException>(() => MultiplyAdds.Forward(model, vit));
        Assert.Contains("vit", e.Message);
    }
}
