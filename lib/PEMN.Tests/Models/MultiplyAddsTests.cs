using PEMN.Masking;
using PEMN.Models;

namespace PEMN.Tests.Models;

public class MultiplyAddsTests
{
    // dim 8, depth 1, kernel 3, patch 2 on 1x8x8 images, 4 classes: the stem's grid is 4x4 = 16 positions.
    private static readonly ModelConfig Tiny = new(ModelName.ConvMixer, Dim: 8, Depth: 1, Kernel: 3, Patch: 2, InChannels: 1, ImageSize: 8, Classes: 4);

    [Fact]
    public void ATinyConvMixerCountsWhatAHandCountGives()
    {
        // By hand, per image: stem 16 positions x 8 outputs x (1 channel x 2 x 2) = 512; depthwise 16 x 8 x (1 x 3 x 3) = 1,152;
        // pointwise 16 x 8 x 8 = 1,024; head 4 x 8 = 32.
        Assert.Equal(2720, MultiplyAdds.Forward(Tiny));
        // Training: forward + weight gradients (2 x 2,720) + input gradients of all but the stem (2,720 - 512).
        Assert.Equal(7648, MultiplyAdds.Training(Tiny));
    }

    [Fact]
    public void EveryBlockAddsItsDepthwiseAndPointwiseCount() =>
        // Depth 2: the stem and head once, the block's 1,152 + 1,024 twice.
        Assert.Equal(512 + 2 * (1152 + 1024) + 32, MultiplyAdds.Forward(Tiny with { Depth = 2 }));

    [Fact]
    public void AViTCountsEveryLinearOverItsTokens()
    {
        // 16 patches of 2x2 plus the class token: 17 tokens of width 16, MLP ratio 2. By hand: patch embedding 16 x 16 x 4 = 1,024;
        // qkv 17 x 16 x 48 = 13,056; projection 17 x 16 x 16 = 4,352; fc1 and fc2 17 x 16 x 32 = 8,704 each; head 16 x 4 = 64.
        var vit = new ModelConfig(ModelName.ViT, Dim: 16, Depth: 1, Patch: 2, InChannels: 1, ImageSize: 8, Classes: 4, Heads: 2);
        Assert.Equal(1024 + 13056 + 4352 + 2 * 8704 + 64, MultiplyAdds.Forward(vit));
    }

    [Fact]
    public void AResNetCountsEachConvOnItsOwnGrid()
    {
        // ResNet-8, width 1 (16/32/64 channels) on 1x8x8: stem 64 x 16 x 9 = 9,216; stage 1 (8x8) two 16->16 3x3: 2 x 64 x 2,304;
        // stage 2 (4x4) 16->32 then 32->32 3x3: 16 x (4,608 + 9,216); stage 3 (2x2) likewise at 64: 4 x (18,432 + 36,864);
        // the option-A shortcuts have no weights; head 64 x 4 = 256.
        var resnet = new ModelConfig(ModelName.ResNet, Depth: 8, InChannels: 1, ImageSize: 8, Classes: 4);
        Assert.Equal(9216 + 2 * 64 * 2304 + 16 * (4608 + 9216) + 4 * (18432 + 36864) + 256, MultiplyAdds.Forward(resnet));
    }
}
