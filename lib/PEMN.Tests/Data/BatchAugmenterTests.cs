using PEMN.Data;
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
    public void PaperResizedCropIsTheWholeImageUndistorted()
    {
        using var scope = NewDisposeScope();
        // torchvision RandomResizedCrop(32, scale=(1, 1), ratio=(1, 1)): area 1024, w = h = round(sqrt(1024)) = 32,
        // so the only box that fits is the whole image, whatever the draws.
        var paper = AugmentationConfig.Paper(32);
        Assert.Equal((1.0, 1.0, 1.0, 1.0), (paper.ResizedCropScaleMin, paper.ResizedCropScaleMax, paper.ResizedCropRatioMin, paper.ResizedCropRatioMax));
        var boxes = BatchAugmenter.SampleResizedCrop(new Generator(4), 64, 32, 32, paper.ResizedCropScaleMin, paper.ResizedCropScaleMax,
            paper.ResizedCropRatioMin, paper.ResizedCropRatioMax);
        Assert.All(boxes, box => Assert.Equal(new CropBox(0, 0, 32, 32), box));
        // The paper config with every other step off: exactly ToTensor + Normalize.
        var images = Images(16, 3, 32);
        var norm = DataSetCatalog.Get(DataSetName.Cifar10).Normalization!;
        var cropOnly = paper with { HorizontalFlip = false, RandAugmentOps = 0, ColorJitter = 0, RandomErasing = 0 };
        var output = new BatchAugmenter(cropOnly, norm).Apply(images, new Generator(6));
        var mean = tensor(norm.Mean, ScalarType.Float32).view(1, 3, 1, 1);
        var std = tensor(norm.Std, ScalarType.Float32).view(1, 3, 1, 1);
        Assert.True(output.Same((images.to_type(ScalarType.Float32) / 255 - mean) / std));
    }

    [Fact]
    public void ResizedCropBoxesFollowTorchvisionRanges()
    {
        // torchvision defaults scale (0.08, 1), ratio (3/4, 4/3) on 32x32: every box fits, and its rounded sides are
        // consistent with an area fraction in the range and an aspect ratio in the range (rounding moves a side by <= 1/2).
        var boxes = BatchAugmenter.SampleResizedCrop(new Generator(8), 2000, 32, 32, 0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0);
        foreach (var box in boxes)
        {
            Assert.True(box.Top >= 0 && box.Left >= 0 && box.Top + box.Height <= 32 && box.Left + box.Width <= 32, $"{box} leaves the image");
            Assert.True((box.Height + 0.5) * (box.Width + 0.5) >= 0.08 * 1024 && (box.Height - 0.5) * (box.Width - 0.5) <= 1024, $"{box} area out of range");
            Assert.True((box.Width + 0.5) / (box.Height - 0.5) >= 3.0 / 4.0 && (box.Width - 0.5) / (box.Height + 0.5) <= 4.0 / 3.0, $"{box} ratio out of range");
        }
        Assert.True(boxes.Select(box => box.Width * box.Height).Distinct().Count() > 50, "box sizes hardly vary");
        Assert.True(boxes.Count(box => box.Width * box.Height < 0.2 * 1024) > 100, "small boxes missing: scale range not used");
    }

    [Fact]
    public void ColorJitterOrderIsRandomPerImageAndMatters()
    {
        using var scope = NewDisposeScope();
        const int count = 240;
        var draw = BatchAugmenter.SampleColorJitter(new Generator(21), count, AugmentationConfig.PaperJitter);
        // Every order is a permutation of torchvision's four slots, and the 24 orders all occur (randperm(4)).
        Assert.All(draw.Orders, order => Assert.Equal(new[] { 0, 1, 2, 3 }, order.Order()));
        Assert.Equal(24, draw.Orders.Select(order => string.Join(",", order)).Distinct().Count());
        foreach (var factors in new[] { draw.Brightness, draw.Contrast, draw.Saturation })
        {
            Assert.All(factors, f => Assert.InRange(f, 0.8f, 1.2f));
            Assert.True(factors.Min() < 0.85f && factors.Max() > 1.15f, "factors do not span [0.8, 1.2]");
        }
        // Applying the draw equals applying each image's parts one by one in its own order (hue slot 3 skipped) ...
        var x = (Images(count, 3, 6).to_type(ScalarType.Float32) * 0.8f + 20).floor_();
        var batch = BatchAugmenter.ApplyColorJitter(x, draw);
        Tensor Sequential(Tensor image, int i, IEnumerable<int> order)
        {
            foreach (var slot in order)
                image = slot switch
                {
                    0 => PilImageOps.AdjustBrightness(image, tensor(new[] { draw.Brightness[i] })),
                    1 => PilImageOps.AdjustContrast(image, tensor(new[] { draw.Contrast[i] })),
                    2 => PilImageOps.AdjustSaturation(image, tensor(new[] { draw.Saturation[i] })),
                    _ => image,
                };
            return image;
        }
        var differsFromFixedOrder = 0;
        for (var i = 0; i < count; i++)
        {
            var one = x[i..(i + 1)];
            Assert.True(batch[i..(i + 1)].Same(Sequential(one, i, draw.Orders[i])), $"image {i} was not jittered in its order");
            if (!batch[i..(i + 1)].Same(Sequential(one, i, [0, 1, 2, 3]))) differsFromFixedOrder++;
        }
        // ... and the order changes pixels: a fixed brightness-contrast-saturation order gives other images.
        Assert.True(differsFromFixedOrder > count / 4, $"only {differsFromFixedOrder} images depend on the order");
    }

    [Fact]
    public void ErasingBoxesFollowTorchvisionRanges()
    {
        const int count = 3000;
        const long side = 32;
        var boxes = BatchAugmenter.SampleErasing(new Generator(13), count, side, side, 1.0);
        Assert.All(boxes, box => Assert.NotNull(box));
        foreach (var box in boxes.Select(box => box!.Value))
        {
            // torchvision keeps a box only if h < H and w < W; it lies inside the image.
            Assert.True(box.Height < side && box.Width < side && box.Height >= 1 && box.Width >= 1, $"{box} has the wrong size");
            Assert.True(box.Top >= 0 && box.Left >= 0 && box.Top + box.Height <= side && box.Left + box.Width <= side, $"{box} leaves the image");
            // h = round(sqrt(a r)), w = round(sqrt(a / r)) with a in [0.02, 0.33] of the area and r = h / w in [0.3, 3.3].
            Assert.True((box.Height + 0.5) * (box.Width + 0.5) >= 0.02 * side * side && (box.Height - 0.5) * (box.Width - 0.5) <= 0.33 * side * side, $"{box} area out of range");
            Assert.True((box.Height + 0.5) / (box.Width - 0.5) >= 0.3 && (box.Height - 0.5) / (box.Width + 0.5) <= 3.3, $"{box} ratio out of range");
        }
        var areas = boxes.Select(box => box!.Value.Height * box.Value.Width / (double)(side * side)).ToArray();
        Assert.True(areas.Min() < 0.04 && areas.Max() > 0.28, $"areas span only [{areas.Min()}, {areas.Max()}]");
        var ratios = boxes.Select(box => box!.Value.Height / (double)box.Value.Width).ToArray();
        Assert.True(ratios.Min() < 0.45 && ratios.Max() > 2.2, $"ratios span only [{ratios.Min()}, {ratios.Max()}]");
        // p = 0.2: about a fifth of the images are erased.
        var chosen = BatchAugmenter.SampleErasing(new Generator(14), count, side, side, AugmentationConfig.PaperErasing).Count(box => box is not null);
        Assert.InRange(chosen, (int)(0.17 * count), (int)(0.23 * count));
    }

    [Fact]
    public void ErasingZeroesExactlyTheBoxInEveryChannel()
    {
        using var scope = NewDisposeScope();
        var x = ones(3, 2, 5, 6);
        CropBox?[] boxes = [new CropBox(1, 2, 3, 2), null, new CropBox(0, 0, 4, 5)];
        var y = BatchAugmenter.Erase(x, boxes);
        var expected = ones(3, 2, 5, 6);
        expected[0, .., 1..4, 2..4] = zeros(2, 3, 2);
        expected[2, .., 0..4, 0..5] = zeros(2, 4, 5);
        Assert.True(y.Same(expected));
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

    [Fact]
    public void PaperRecipeBeforeNormalisationHoldsWholePixelValues()
    {
        using var scope = NewDisposeScope();
        // Crop, flip, RandAugment and ColorJitter work on uint8 values as on PIL images: with identity normalisation
        // and no erasing, every output is k / 255 for a whole k.
        var config = AugmentationConfig.Paper(16) with { RandomErasing = 0 };
        var output = new BatchAugmenter(config, Normalization.Identity(3)).Apply(Images(32, 3, 16), new Generator(3));
        var levels = output * 255;
        Assert.True(levels.sub(levels.round()).abs().max().item<float>() < 1e-3f);
        Assert.True(output.min().item<float>() >= 0 && output.max().item<float>() <= 1);
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
        // torchvision's 31 bins: magnitude indices 0..30.
        Assert.Equal("RandAugmentMagnitude", Assert.Throws<ArgumentOutOfRangeException>(() => new AugmentationConfig(RandAugmentMagnitude: 31).Validate()).ParamName);
        new AugmentationConfig(RandAugmentMagnitude: 30).Validate();
    }
}
