using static TorchSharp.torch;

namespace PEMN.Data;

/// <summary>
/// The pixel operations that torchvision's RandAugment and ColorJitter call, computed on a batch exactly as
/// Pillow does them on one image. The PEMN authors apply those transforms to the PIL images that
/// torchvision.datasets.CIFAR10 yields, so torchvision 0.14 dispatches every op to Pillow (ImageEnhance,
/// ImageOps, Image.transform / Image.rotate); this class reproduces Pillow 9.4's arithmetic, including its
/// rounding, so that outputs match pixel for pixel (checked against torchvision in TorchvisionFixtureTests).
/// </summary>
/// <remarks>
/// Images are float32 [N, C, H, W] holding whole numbers in 0..255 (a uint8 image that has not been divided by
/// 255 yet); every operation returns whole numbers in 0..255 again, as a uint8 PIL image would hold. C is 1
/// (PIL mode "L") or 3 ("RGB"). Per-image factors are float32 [N] tensors on the images' device.
/// Where torchvision's tensor path (functional_tensor.py) rounds differently from Pillow, Pillow wins:
/// grey is Pillow's rounded ITU-R 601 luma (tensors: 0.2989 R + 0.587 G + 0.114 B, truncated) and Contrast
/// blends with the rounded mean grey (tensors: the unrounded mean).
/// </remarks>
public static class PilImageOps
{
    /// <summary>Largest uint8 pixel value.</summary>
    public const double MaxPixel = 255;
    /// <summary>Bits per uint8 channel.</summary>
    public const int Bits = 8;
    /// <summary>What Pillow writes where an affine transform samples outside the image: torchvision's RandAugment passes fill=None, which becomes 0.</summary>
    public const double Fill = 0;

    // Pillow Convert.c, RGB -> L: L = (R * 19595 + G * 38470 + B * 7471 + 0x8000) >> 16, i.e. ITU-R 601 luma
    // (0.299, 0.587, 0.114) in 16-bit fixed point, rounded.
    private static readonly long[] LumaFixed = [19595, 38470, 7471];
    private const long LumaShift = 1L << 16, LumaHalf = 1L << 15;
    // Pillow ImageFilter.SMOOTH, the degenerate image of ImageEnhance.Sharpness: a 3x3 kernel with 5 in the
    // centre and 1 around it, divided by 13; Pillow rounds the result and copies the one-pixel border unchanged.
    private const double SmoothCentre = 5, SmoothScale = 13;
    // Pillow Geometry.c affine_fixed: nearest-neighbour affine transforms use 16.16 fixed point, and only
    // while every transformed corner stays within +-32768 pixels (otherwise Pillow switches to doubles).
    private const double FixedOne = 65536, FixedLimit = 32768;
    private const int FixedShift = 16;
    private const int HistogramBins = 256;

    /// <summary>
    /// Pillow's Image.blend(degenerate, image, factor) as ImageEnhance uses it: degenerate + factor (image -
    /// degenerate) in float32, clipped to [0, 255] and truncated to an integer (Pillow's Blend.c). Factors above
    /// 1 extrapolate.
    /// </summary>
    public static Tensor Blend(Tensor degenerate, Tensor image, Tensor factor)
    {
        var f = factor.to_type(ScalarType.Float32).view(-1, 1, 1, 1);
        return (degenerate + f * (image - degenerate)).clamp_(0, MaxPixel).trunc_();
    }

    /// <summary>Pillow's convert("L"): [N, 1, H, W] rounded luma of RGB images; a one-channel image is its own grey.</summary>
    public static Tensor Grayscale(Tensor x)
    {
        if (x.shape[1] == 1) return x.alias();
        if (x.shape[1] != LumaFixed.Length) throw new ArgumentException($"Expected 1 or 3 channels; got {x.shape[1]}.", nameof(x));
        var weights = tensor(LumaFixed, ScalarType.Int64, x.device).view(1, LumaFixed.Length, 1, 1);
        var sum = (x.to_type(ScalarType.Int64) * weights).sum([1], keepdim: true) + LumaHalf;
        return sum.div(LumaShift, RoundingMode.floor).to_type(ScalarType.Float32);
    }

    /// <summary>ImageEnhance.Brightness: blend with a black image.</summary>
    public static Tensor AdjustBrightness(Tensor x, Tensor factor) => Blend(zeros_like(x), x, factor);

    /// <summary>ImageEnhance.Color (torchvision's adjust_saturation): blend with the grey image; a grey image is unchanged.</summary>
    public static Tensor AdjustSaturation(Tensor x, Tensor factor) =>
        x.shape[1] == 1 ? x.alias() : Blend(Grayscale(x).expand_as(x), x, factor);

    /// <summary>ImageEnhance.Contrast: blend with a flat image at the mean grey, rounded half up to an integer.</summary>
    public static Tensor AdjustContrast(Tensor x, Tensor factor)
    {
        var gray = Grayscale(x);
        var pixels = gray.shape[2] * gray.shape[3];
        // Pillow: int(ImageStat.Stat(image.convert("L")).mean[0] + 0.5); the sum of integers is exact in float64.
        var mean = gray.to_type(ScalarType.Float64).sum([1, 2, 3], keepdim: true).div_(pixels).add_(0.5).floor_();
        return Blend(mean.to_type(ScalarType.Float32).expand_as(x), x, factor);
    }

    /// <summary>ImageEnhance.Sharpness: blend with Pillow's SMOOTH-filtered image (border pixels kept).</summary>
    public static Tensor AdjustSharpness(Tensor x, Tensor factor)
    {
        long height = x.shape[2], width = x.shape[3];
        if (height < 3 || width < 3) return x.alias(); // no interior: SMOOTH changes nothing
        // Weighted 3x3 sums of integers (at most 13 * 255) are exact in float32.
        var sum = zeros_like(x[.., .., 1..^1, 1..^1]);
        for (var dy = 0; dy < 3; dy++)
            for (var dx = 0; dx < 3; dx++)
            {
                var shifted = x[.., .., dy..(int)(height - 2 + dy), dx..(int)(width - 2 + dx)];
                sum.add_(dy == 1 && dx == 1 ? shifted * SmoothCentre : shifted);
            }
        // sum / 13 is never exactly halfway between integers (13 is odd), so rounding half up has no ties to break.
        var smooth = x.clone();
        smooth[.., .., 1..^1, 1..^1] = sum.div_(SmoothScale).add_(0.5).floor_();
        return Blend(smooth, x, factor);
    }

    /// <summary>ImageOps.posterize: keep the top <paramref name="bits"/> bits of every channel.</summary>
    public static Tensor Posterize(Tensor x, int bits)
    {
        if (bits is < 0 or > Bits) throw new ArgumentOutOfRangeException(nameof(bits), bits, $"bits must be in 0..{Bits}.");
        var step = Math.Pow(2, Bits - bits);
        return x.div(step).floor_().mul_(step);
    }

    /// <summary>ImageOps.solarize: invert (255 - v) every value at or above <paramref name="threshold"/>.</summary>
    public static Tensor Solarize(Tensor x, double threshold) => where(x.ge(threshold), MaxPixel - x, x);

    /// <summary>
    /// ImageOps.autocontrast (cutoff 0), per image and channel: with lo, hi the channel's extremes, each value v
    /// becomes int(v * 255 / (hi - lo) - lo * 255 / (hi - lo)) in float64, clipped to 0..255; a flat channel is kept.
    /// </summary>
    public static Tensor AutoContrast(Tensor x)
    {
        var v = x.to_type(ScalarType.Float64);
        var low = v.amin([2, 3], keepdim: true);
        var high = v.amax([2, 3], keepdim: true);
        var spread = high - low;
        var scale = MaxPixel / spread.clamp_min(1);
        var offset = -low * scale;
        var stretched = (v * scale + offset).trunc_().clamp_(0, MaxPixel);
        return where(spread.gt(0), stretched, v).to_type(ScalarType.Float32);
    }

    /// <summary>
    /// ImageOps.equalize, per image and channel: with h the 256-bin histogram, n pixels and h_max the count of
    /// the largest value, step = (n - h_max) div 255; value v becomes (sum of h below v + step div 2) div step,
    /// at most 255; a channel with step 0 (one value, or almost all pixels at the top) is kept.
    /// </summary>
    public static Tensor Equalize(Tensor x)
    {
        long n = x.shape[0], c = x.shape[1], pixels = x.shape[2] * x.shape[3];
        var values = x.to_type(ScalarType.Int64).view(n * c, pixels);
        var histogram = zeros(n * c, HistogramBins, ScalarType.Int64, x.device).scatter_add_(1, values, ones_like(values));
        var topCount = histogram.gather(1, values.amax([1], keepdim: true));
        var step = (pixels - topCount).div(HistogramBins - 1, RoundingMode.floor);
        var below = histogram.cumsum(1) - histogram;
        var safeStep = step.clamp_min(1);
        var lut = (below + safeStep.div(2, RoundingMode.floor)).div(safeStep, RoundingMode.floor).clamp_max_((long)MaxPixel);
        var mapped = where(step.gt(0), lut.gather(1, values), values);
        return mapped.to_type(ScalarType.Float32).view(x.shape);
    }

    /// <summary>
    /// Pillow's Image.transform(size, AFFINE, matrix, NEAREST, fillcolor=0): output pixel (x, y) takes the input
    /// pixel at (a x' + b y' + c, d x' + e y' + f) with (x', y') = (x + 0.5, y + 0.5), the coefficients rounded to
    /// 16.16 fixed point and the position floored, as Pillow's affine_fixed does; outside the image, <see cref="Fill"/>.
    /// </summary>
    /// <param name="x">Images [N, C, H, W].</param>
    /// <param name="matrices">One inverse matrix (a, b, c, d, e, f) per image, output to input coordinates.</param>
    public static Tensor AffineNearest(Tensor x, IReadOnlyList<double[]> matrices)
    {
        long n = x.shape[0], c = x.shape[1], height = x.shape[2], width = x.shape[3];
        if (matrices.Count != n) throw new ArgumentException($"Expected {n} matrices; got {matrices.Count}.", nameof(matrices));
        var coefficients = new long[n * 6];
        for (var i = 0; i < n; i++)
        {
            var m = matrices[i];
            if (m.Length != 6) throw new ArgumentException($"Matrix {i} has {m.Length} entries; an affine matrix has 6.", nameof(matrices));
            foreach (var (px, py) in new[] { (0L, 0L), (width, height), (0L, height), (width, 0L) })
                if (Math.Abs(px * m[0] + py * m[1] + m[2]) >= FixedLimit || Math.Abs(px * m[3] + py * m[4] + m[5]) >= FixedLimit)
                    throw new NotSupportedException("The transform maps a corner beyond +-32768 pixels, where Pillow leaves fixed point; not reproduced.");
            // Pillow: a2 = FIX(a[2] + a[0] * 0.5 + a[1] * 0.5), the pixel-centre offset folded into the constant.
            coefficients[i * 6 + 0] = Fix(m[0]);
            coefficients[i * 6 + 1] = Fix(m[1]);
            coefficients[i * 6 + 2] = Fix(m[2] + m[0] * 0.5 + m[1] * 0.5);
            coefficients[i * 6 + 3] = Fix(m[3]);
            coefficients[i * 6 + 4] = Fix(m[4]);
            coefficients[i * 6 + 5] = Fix(m[5] + m[3] * 0.5 + m[4] * 0.5);
        }
        var k = tensor(coefficients, [n, 6], ScalarType.Int64).to(x.device).view(n, 6, 1, 1);
        var cols = arange(width, ScalarType.Int64, x.device).view(1, 1, width);
        var rows = arange(height, ScalarType.Int64, x.device).view(1, height, 1);
        Tensor Coefficient(int index) => k[.., index];
        // Integer arithmetic is exact, so sums in any order equal Pillow's running sums.
        var xin = (Coefficient(2) + cols * Coefficient(0) + rows * Coefficient(1)).bitwise_right_shift(FixedShift);
        var yin = (Coefficient(5) + cols * Coefficient(3) + rows * Coefficient(4)).bitwise_right_shift(FixedShift);
        var inside = xin.ge(0).logical_and_(xin.lt(width)).logical_and_(yin.ge(0)).logical_and_(yin.lt(height));
        var index = (yin.clamp(0, height - 1) * width + xin.clamp(0, width - 1)).view(n, 1, height * width).expand(n, c, height * width);
        var sampled = x.reshape(n, c, height * width).gather(2, index).view(n, c, height, width);
        return where(inside.view(n, 1, height, width), sampled, Fill);
    }

    /// <summary>
    /// The inverse matrix Pillow's Image.rotate(angle, NEAREST, expand=False, center=None) hands to
    /// Image.transform: counter-clockwise by <paramref name="degrees"/> about the image centre (w / 2, h / 2),
    /// with Pillow's angle % 360 and its rounding of cos and sin to 15 decimals.
    /// </summary>
    public static double[] RotateMatrix(double degrees, long width, long height)
    {
        var angle = degrees % 360.0;
        if (angle < 0) angle += 360.0; // Python's % takes the sign of the divisor
        var radians = -(angle * (Math.PI / 180.0));
        double cos = Math.Round(Math.Cos(radians), 15), sin = Math.Round(Math.Sin(radians), 15);
        double cx = width / 2.0, cy = height / 2.0;
        double[] m = [cos, sin, 0.0, -sin, cos, 0.0];
        m[2] = m[0] * -cx + m[1] * -cy + m[2];
        m[5] = m[3] * -cx + m[4] * -cy + m[5];
        m[2] += cx;
        m[5] += cy;
        return m;
    }

    /// <summary>Pillow's FIX(v) = floor(v * 65536 + 0.5).</summary>
    private static long Fix(double v) => (long)Math.Floor(v * FixedOne + 0.5);
}
