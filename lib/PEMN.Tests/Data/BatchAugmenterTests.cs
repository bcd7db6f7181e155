using PEMN.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace PEMN.Tests.Data;

public class BatchAugmenterTests
{
    private static Tensor Images(long b, long c, long side)
    {
        var count = b * c * side * side;
        return tensor(Enumerable.Range(0, (int)count).Select(i => (byte)(i * 13 % 251)).ToArray(), [b, c, side, side], ScalarType.Byte);
    }

    [Fact]
    public void NoAugmentationOnlyNormalises()
    {
        using var scope = NewDisposeScope();
        var images = Images(2, 3, 4);
        var norm = DataSetCatalog.Get(DataSetName.Cifar10).Normalization!;
        var output = new BatchAugmenter(AugmentationConfig.None, norm).Apply(images, new Generator(1));
        var mean = tensor(norm.Mean, ScalarType.Float32).view(1, 3, 1, 1);
        var std = tensor(norm.Std, ScalarType.Float32).view(1, 3, 1, 1);
        var expected = (images.to_type(ScalarType.Float32) / 255 - mean) / std;
        Assert.True(output.allclose(expected, 1e-5, 1e-6));
    }

    [Fact]
    public void PaddedCropIsAShiftedWindowOfThePaddedImage()
    {
        using var scope = NewDisposeScope();
        const int side = 6, pad = 2;
        var images = Images(16, 1, side);
        var augmenter = new BatchAugmenter(new AugmentationConfig(CropSize: side, CropPadding: pad), Normalization.Identity(1));
        var output = augmenter.Apply(images, new Generator(3));
        var padded = nn.functional.pad(images.to_type(ScalarType.Float32) / 255, [pad, pad, pad, pad]);
        var shifts = new HashSet<(int, int)>();
        for (var b = 0; b < 16; b++)
        {
            var found = false;
            for (var dy = 0; dy <= 2 * pad && !found; dy++)
                for (var dx = 0; dx <= 2 * pad && !found; dx++)
                    if (padded[b, .., dy..(dy + side), dx..(dx + side)].allclose(output[b])) { found = true; shifts.Add((dy, dx)); }
            Assert.True(found, $"image {b} is not a window of its padded image");
        }
        Assert.True(shifts.Count > 1, "every image got the same crop offset");
    }

    [Fact]
    public void FlipMirrorsAboutHalfTheImages()
    {
        using var scope = NewDisposeScope();
        var images = Images(64, 1, 3);
        var output = new BatchAugmenter(new AugmentationConfig(HorizontalFlip: true), Normalization.Identity(1)).Apply(images, new Generator(5));
        var plain = images.to_type(ScalarType.Float32) / 255;
        var flipped = 0;
        for (var b = 0; b < 64; b++)
        {
            if (output[b].allclose(plain[b].flip(2))) flipped++;
            else Assert.True(output[b].allclose(plain[b]));
        }
        Assert.InRange(flipped, 16, 48);
    }

    [Fact]
    public void EveryRandAugmentOpKeepsPixelsInRangeAndShape()
    {
        using var scope = NewDisposeScope();
        var x = rand([4, 3, 8, 8], generator: new Generator(2));
        var sign = tensor(new float[] { 1, -1, 1, -1 });
        foreach (var op in Enum.GetValues<BatchAugmenter.RandAugmentOp>())
        {
            var y = BatchAugmenter.ApplyOp(op, x, sign, 1.2);
            Assert.Equal(x.shape, y.shape);
            Assert.True(y.min().item<float>() >= 0 && y.max().item<float>() <= 1, $"{op} left [0, 1]");
            if (op != BatchAugmenter.RandAugmentOp.Identity) Assert.False(y.allclose(x), $"{op} changed nothing");
        }
    }

    [Fact]
    public void SolarizeInvertsBrightPixels()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new float[] { 0.1f, 0.6f, 0.9f }).view(1, 1, 1, 3);
        var y = BatchAugmenter.ApplyOp(BatchAugmenter.RandAugmentOp.Solarize, x, ones(1), 0.5);
        Assert.True(y.allclose(tensor(new float[] { 0.1f, 0.4f, 0.1f }).view(1, 1, 1, 3), 1e-5, 1e-6));
    }

    [Fact]
    public void PaperRecipeIsDeterministicBySeedAndErasesToZero()
    {
        using var scope = NewDisposeScope();
        var images = Images(8, 3, 16);
        var config = AugmentationConfig.Paper(16) with { RandomErasing = 1 };
        var augmenter = new BatchAugmenter(config, DataSetCatalog.Get(DataSetName.Cifar10).Normalization!);
        var a = augmenter.Apply(images, new Generator(11));
        var b = augmenter.Apply(images, new Generator(11));
        var c = augmenter.Apply(images, new Generator(12));
        Assert.True(a.eq(b).all().item<bool>());
        Assert.False(a.allclose(c));
        Assert.Equal([8L, 3, 16, 16], a.shape);
        // Every image has an erased (exactly zero in all channels) rectangle.
        var zeroPixels = a.eq(0).all(dim: 1).flatten(1).sum(dim: 1);
        Assert.Equal([8L], zeroPixels.shape);
        Assert.True(zeroPixels.min().item<long>() >= 1);
    }

    [Theory]
    [InlineData(-1, 0, "CropSize")]
    [InlineData(0, 2, "CropPadding")]
    public void InvalidConfigNamesTheField(int crop, int pad, string field)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new AugmentationConfig(CropSize: crop, CropPadding: pad).Validate());
        Assert.Equal(field, error.ParamName);
    }

    [Fact]
    public void InvalidProbabilitiesAreRejected()
    {
        Assert.Equal("RandomErasing", Assert.Throws<ArgumentOutOfRangeException>(() => new AugmentationConfig(RandomErasing: 1.5).Validate()).ParamName);
        Assert.Equal("RandAugmentOps", Assert.Throws<ArgumentOutOfRangeException>(() => new AugmentationConfig(RandAugmentOps: -1).Validate()).ParamName);
        Assert.Equal("ColorJitter", Assert.Throws<ArgumentOutOfRangeException>(() => new AugmentationConfig(ColorJitter: 1).Validate()).ParamName);
    }
}
