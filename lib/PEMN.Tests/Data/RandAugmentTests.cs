using PEMN.Data;
using static TorchSharp.torch;

namespace PEMN.Tests.Data;

/// <summary>
/// RandAugment against torchvision's definitions, worked out by hand from torchvision 0.14's
/// RandAugment._augmentation_space and _apply_op and from Pillow's arithmetic (the values are not read from
/// the code under test). TorchvisionFixtureTests compares the same ops with torchvision's own outputs.
/// </summary>
public class RandAugmentTests
{
    private const int PaperMagnitude = 12;

    /// <summary>A [1, 1, 1, n] image from whole pixel values.</summary>
    private static Tensor Row(params float[] values) => tensor(values).view(1, 1, 1, values.Length);

    private static Tensor Apply(RandAugmentOp op, Tensor x, double magnitude) => RandAugment.Apply(op, x, [magnitude]);

    [Fact]
    public void TheFourteenOpsAreTorchvisionsInItsOrder()
    {
        string[] torchvision = ["Identity", "ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate", "Brightness", "Color",
            "Contrast", "Sharpness", "Posterize", "Solarize", "AutoContrast", "Equalize"];
        Assert.Equal(torchvision, RandAugment.Ops.Select(op => op.ToString()));
        Assert.Equal(31, RandAugment.MagnitudeBins);
    }

    [Theory]
    // magnitude m of 31 bins is m / 30 of the range: linspace(0, max, 31)[m] = max * m / 30.
    [InlineData(RandAugmentOp.ShearX, 12, 0.12, true)]
    [InlineData(RandAugmentOp.ShearY, 12, 0.12, true)]
    [InlineData(RandAugmentOp.Rotate, 12, 12.0, true)]
    [InlineData(RandAugmentOp.Brightness, 12, 0.36, true)]
    [InlineData(RandAugmentOp.Color, 12, 0.36, true)]
    [InlineData(RandAugmentOp.Contrast, 12, 0.36, true)]
    [InlineData(RandAugmentOp.Sharpness, 12, 0.36, true)]
    // 150 / 331 * 32 * 12 / 30 = 5.8006 pixels (then int() -> 5 in _apply_op).
    [InlineData(RandAugmentOp.TranslateX, 12, 5.80060, true)]
    [InlineData(RandAugmentOp.TranslateY, 12, 5.80060, true)]
    // 8 - int(round(12 / 7.5)) = 8 - round(1.6) = 6 bits.
    [InlineData(RandAugmentOp.Posterize, 12, 6.0, false)]
    // linspace(255, 0, 31)[12] = 255 - 12 * 8.5 = 153.
    [InlineData(RandAugmentOp.Solarize, 12, 153.0, false)]
    [InlineData(RandAugmentOp.Identity, 12, 0.0, false)]
    [InlineData(RandAugmentOp.AutoContrast, 12, 0.0, false)]
    [InlineData(RandAugmentOp.Equalize, 12, 0.0, false)]
    // The ends of the tables.
    [InlineData(RandAugmentOp.ShearX, 30, 0.3, true)]
    [InlineData(RandAugmentOp.Rotate, 30, 30.0, true)]
    [InlineData(RandAugmentOp.Brightness, 30, 0.9, true)]
    [InlineData(RandAugmentOp.TranslateX, 30, 14.50151, true)]
    [InlineData(RandAugmentOp.Posterize, 30, 4.0, false)]
    [InlineData(RandAugmentOp.Solarize, 30, 0.0, false)]
    [InlineData(RandAugmentOp.Rotate, 0, 0.0, true)]
    [InlineData(RandAugmentOp.Posterize, 0, 8.0, false)]
    [InlineData(RandAugmentOp.Solarize, 0, 255.0, false)]
    public void MagnitudeTableMatchesTorchvision(RandAugmentOp op, int magnitude, double expected, bool signed)
    {
        var (value, isSigned) = RandAugment.Magnitude(op, magnitude, 32, 32);
        Assert.Equal(expected, value, 1e-5); // the tables are float32
        Assert.Equal(signed, isSigned);
        Assert.Equal(signed, RandAugment.IsSigned(op));
    }

    [Fact]
    public void TranslateRangeFollowsTheWidthForXAndTheHeightForY()
    {
        // torchvision 0.14: TranslateX uses image_size[1] (width), TranslateY image_size[0] (height).
        Assert.Equal(150.0 / 331.0 * 40 * 12 / 30, RandAugment.Magnitude(RandAugmentOp.TranslateX, 12, 20, 40).Value, 1e-4);
        Assert.Equal(150.0 / 331.0 * 20 * 12 / 30, RandAugment.Magnitude(RandAugmentOp.TranslateY, 12, 20, 40).Value, 1e-4);
    }

    [Fact]
    public void BrightnessAtMagnitude12ScalesBy1Point36Or0Point64()
    {
        using var scope = NewDisposeScope();
        var (m, _) = RandAugment.Magnitude(RandAugmentOp.Brightness, PaperMagnitude, 32, 32);
        var x = Row(0, 51, 101, 201);
        // PIL blend with black, truncated: 51 * 1.36 = 69.36, 101 * 1.36 = 137.36, 201 * 1.36 = 273.4 -> 255.
        Assert.True(Apply(RandAugmentOp.Brightness, x, m).Same(Row(0, 69, 137, 255)));
        // 51 * 0.64 = 32.64, 101 * 0.64 = 64.64, 201 * 0.64 = 128.64: never a black image.
        Assert.True(Apply(RandAugmentOp.Brightness, x, -m).Same(Row(0, 32, 64, 128)));
    }

    [Fact]
    public void SolarizeAtMagnitude12InvertsFrom153()
    {
        using var scope = NewDisposeScope();
        var (threshold, _) = RandAugment.Magnitude(RandAugmentOp.Solarize, PaperMagnitude, 32, 32);
        var y = Apply(RandAugmentOp.Solarize, Row(0, 152, 153, 200, 255), threshold);
        Assert.True(y.Same(Row(0, 152, 102, 55, 0)));
    }

    [Fact]
    public void PosterizeAtMagnitude12KeepsSixBits()
    {
        using var scope = NewDisposeScope();
        var (bits, _) = RandAugment.Magnitude(RandAugmentOp.Posterize, PaperMagnitude, 32, 32);
        // 6 bits: values rounded down to multiples of 4.
        Assert.True(Apply(RandAugmentOp.Posterize, Row(255, 3, 130, 64, 7), bits).Same(Row(252, 0, 128, 64, 4)));
    }

    [Fact]
    public void TranslateAtMagnitude12ShiftsFivePixelsWithZeroFill()
    {
        using var scope = NewDisposeScope();
        var (shift, _) = RandAugment.Magnitude(RandAugmentOp.TranslateX, PaperMagnitude, 32, 32);
        var ramp = arange(1, 33, ScalarType.Float32).view(1, 1, 1, 32).expand(1, 1, 32, 32).contiguous();
        // A positive translation moves content right: out[x] = in[x - 5], the first 5 columns filled with 0.
        var expected = cat([zeros(1, 1, 32, 5), ramp[.., .., .., 0..27]], 3);
        Assert.True(Apply(RandAugmentOp.TranslateX, ramp, shift).Same(expected));
        var back = cat([ramp[.., .., .., 5..32], zeros(1, 1, 32, 5)], 3);
        Assert.True(Apply(RandAugmentOp.TranslateX, ramp, -shift).Same(back));
    }

    [Fact]
    public void ShearAtMagnitude12ShiftsRowsBy0Point12PerRow()
    {
        using var scope = NewDisposeScope();
        var (shear, _) = RandAugment.Magnitude(RandAugmentOp.ShearX, PaperMagnitude, 32, 32);
        var ramp = arange(1, 33, ScalarType.Float32).view(1, 1, 1, 32).expand(1, 1, 32, 32).contiguous();
        var y = Apply(RandAugmentOp.ShearX, ramp, shear);
        // About the top-left corner, output (x, y) samples input x' = floor(x + 0.5 + 0.12 (y + 0.5)):
        // row 0 is unchanged; row 20 reads from x + floor(0.5 + 2.46) = x + 2, and columns 30, 31 fall outside (0).
        Assert.True(y[0, 0, 0].Same(ramp[0, 0, 0]));
        Assert.True(y[0, 0, 20].Same(cat([ramp[0, 0, 20, 2..32], zeros(2)])));
        // Negative: x' = floor(x + 0.5 - 2.46) = x - 2.
        var negative = Apply(RandAugmentOp.ShearX, ramp, -shear);
        Assert.True(negative[0, 0, 20].Same(cat([zeros(2), ramp[0, 0, 20, 0..30]])));
    }

    [Fact]
    public void RotateAtMagnitude12TurnsTwelveDegreesCounterClockwise()
    {
        using var scope = NewDisposeScope();
        var (angle, _) = RandAugment.Magnitude(RandAugmentOp.Rotate, PaperMagnitude, 32, 32);
        // A bright 3x3 block (rows 15..17, columns 25..27) centred at (26.5, 16.5): (10.5, 0.5) from the image centre (16, 16).
        var x = zeros(1, 1, 32, 32);
        x[0, 0, 15..18, 25..28] = full(3, 3, 255f);
        var (cx, cy) = Centroid(Apply(RandAugmentOp.Rotate, x, angle));
        // Counter-clockwise on screen (y down) by 12 degrees: (dx, dy) goes to (dx cos + dy sin, -dx sin + dy cos).
        double cos = Math.Cos(12 * Math.PI / 180), sin = Math.Sin(12 * Math.PI / 180);
        Assert.Equal(16 + 10.5 * cos + 0.5 * sin, cx, 0.35);
        Assert.Equal(16 - 10.5 * sin + 0.5 * cos, cy, 0.35);
    }

    /// <summary>Mean position (pixel centres, x then y) of the non-zero pixels.</summary>
    private static (double X, double Y) Centroid(Tensor image)
    {
        var bright = image[0, 0].gt(0).nonzero();
        var ys = bright[.., 0].to_type(ScalarType.Float64).mean().item<double>() + 0.5;
        var xs = bright[.., 1].to_type(ScalarType.Float64).mean().item<double>() + 0.5;
        return (xs, ys);
    }

    [Fact]
    public void SharpnessBlendsWithPillowsSmoothFilterKeepingTheBorder()
    {
        using var scope = NewDisposeScope();
        var (m, _) = RandAugment.Magnitude(RandAugmentOp.Sharpness, PaperMagnitude, 32, 32);
        var x = zeros(1, 1, 3, 3);
        x[0, 0, 1, 1] = tensor(130f);
        // SMOOTH: centre round(130 * 5 / 13) = 50; border copied, so border pixels stay 0.
        // Factor 1.36: 50 + 1.36 * 80 = 158.8 -> 158; factor 0.64: 50 + 0.64 * 80 = 101.2 -> 101.
        var sharp = Apply(RandAugmentOp.Sharpness, x, m);
        var soft = Apply(RandAugmentOp.Sharpness, x, -m);
        Assert.Equal(158f, sharp[0, 0, 1, 1].item<float>());
        Assert.Equal(101f, soft[0, 0, 1, 1].item<float>());
        Assert.Equal(0f, sharp.sum().item<float>() - 158f);
        Assert.Equal(0f, soft.sum().item<float>() - 101f);
    }

    [Fact]
    public void ContrastBlendsWithTheRoundedMeanGrey()
    {
        using var scope = NewDisposeScope();
        var (m, _) = RandAugment.Magnitude(RandAugmentOp.Contrast, PaperMagnitude, 32, 32);
        var x = Row(115, 100, 227, 132);
        // Pillow: mean grey 143.5 -> int(143.5 + 0.5) = 144 (the unrounded 143.5 or a truncated 143 give other pixels).
        // 1.36: 144 + 1.36 (v - 144) = 104.56, 84.16, 256.88 -> 255, 127.68. 0.64: 125.44, 115.84, 197.12, 136.32.
        Assert.True(Apply(RandAugmentOp.Contrast, x, m).Same(Row(104, 84, 255, 127)));
        Assert.True(Apply(RandAugmentOp.Contrast, x, -m).Same(Row(125, 115, 197, 136)));
    }

    [Fact]
    public void ColorBlendsWithPillowsGrey()
    {
        using var scope = NewDisposeScope();
        var (m, _) = RandAugment.Magnitude(RandAugmentOp.Color, PaperMagnitude, 32, 32);
        var x = tensor(new float[] { 202, 100, 50 }).view(1, 3, 1, 1);
        // Pillow's L: (202 * 19595 + 100 * 38470 + 50 * 7471 + 32768) >> 16 = 125 (luma 124.80 rounded; torchvision's
        // tensor formula 0.2989 R + 0.587 G + 0.114 B truncates it to 124).
        // 125 + 1.36 (202 - 125) = 229.72, 125 - 1.36 * 25 = 91, 125 - 1.36 * 75 = 23.
        Assert.True(Apply(RandAugmentOp.Color, x, m).Same(tensor(new float[] { 229, 91, 23 }).view(1, 3, 1, 1)));
        // A grey image has no colour to change.
        var grey = Row(10, 200);
        Assert.True(Apply(RandAugmentOp.Color, grey, m).Same(grey));
    }

    [Fact]
    public void AutoContrastStretchesEachChannel()
    {
        using var scope = NewDisposeScope();
        // Channel 0: lo 0, hi 102, scale 2.5 -> 0, 127.5 -> 127, 255. Channel 1 is flat and kept.
        // Channel 2: lo 10, hi 30, scale 12.75, offset -127.5 -> 0, 127.5 -> 127, 255.
        var x = cat([Row(0, 51, 102), Row(40, 40, 40), Row(10, 20, 30)], 1);
        var expected = cat([Row(0, 127, 255), Row(40, 40, 40), Row(0, 127, 255)], 1);
        Assert.True(Apply(RandAugmentOp.AutoContrast, x, 0).Same(expected));
    }

    [Fact]
    public void EqualizeMapsThroughTheCumulativeHistogram()
    {
        using var scope = NewDisposeScope();
        // 1024 pixels: 300 of 10, 300 of 50, 424 of 90. step = (1024 - 424) div 255 = 2;
        // lut[10] = (0 + 1) div 2 = 0, lut[50] = (300 + 1) div 2 = 150, lut[90] = (600 + 1) div 2 = 300 -> 255.
        var values = Enumerable.Repeat(10f, 300).Concat(Enumerable.Repeat(50f, 300)).Concat(Enumerable.Repeat(90f, 424)).ToArray();
        var x = tensor(values).view(1, 1, 32, 32);
        var y = Apply(RandAugmentOp.Equalize, x, 0);
        var expected = tensor(values.Select(v => v switch { 10f => 0f, 50f => 150f, _ => 255f }).ToArray()).view(1, 1, 32, 32);
        Assert.True(y.Same(expected));
    }

    [Fact]
    public void UnsignedOpsRejectPerImageMagnitudes()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => RandAugment.Apply(RandAugmentOp.Solarize, zeros(2, 1, 2, 2), [153.0, -153.0]));
        Assert.Equal("magnitudes", error.ParamName);
    }

    [Fact]
    public void SamplingIsUniformOverOpsWithAFairSignCoinForSignedOpsOnly()
    {
        const int count = 14000;
        var draw = RandAugment.Sample(new Generator(5), count);
        foreach (var op in RandAugment.Ops)
        {
            var picked = Enumerable.Range(0, count).Where(i => draw.Ops[i] == op).ToArray();
            Assert.InRange(picked.Length, 850, 1150); // 1000 expected
            var negated = picked.Count(i => draw.Negate[i]);
            if (RandAugment.IsSigned(op)) Assert.InRange(negated, picked.Length * 2 / 5, picked.Length * 3 / 5);
            else Assert.Equal(0, negated);
        }
    }

    [Fact]
    public void ARoundAppliesEachImagesOwnOpAndSign()
    {
        using var scope = NewDisposeScope();
        var x = arange(1, 33, ScalarType.Float32).view(1, 1, 1, 32).expand(4, 1, 32, 32).contiguous();
        var draw = new RandAugmentDraw([RandAugmentOp.Identity, RandAugmentOp.TranslateX, RandAugmentOp.TranslateX, RandAugmentOp.Solarize], [false, false, true, false]);
        var y = RandAugment.ApplyRound(x, draw, PaperMagnitude);
        Assert.True(y[0].Same(x[0]));
        Assert.True(y[1].Same(Apply(RandAugmentOp.TranslateX, x[1..2], 5.8006)[0]));
        Assert.True(y[2].Same(Apply(RandAugmentOp.TranslateX, x[2..3], -5.8006)[0]));
        Assert.True(y[3].Same(Apply(RandAugmentOp.Solarize, x[3..4], 153)[0]));
        Assert.False(y[1].Same(y[2]));
    }
}
