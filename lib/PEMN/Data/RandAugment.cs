using static TorchSharp.torch;

namespace PEMN.Data;

/// <summary>The 14 ops of torchvision's RandAugment, in the order of its _augmentation_space (torchvision 0.14).</summary>
public enum RandAugmentOp
{
    /// <summary>No change.</summary>
    Identity,
    /// <summary>Horizontal shear by s = +-linspace(0, 0.3)[m] about the top-left corner.</summary>
    ShearX,
    /// <summary>Vertical shear by s = +-linspace(0, 0.3)[m] about the top-left corner.</summary>
    ShearY,
    /// <summary>Horizontal shift by int(+-linspace(0, 150/331 width)[m]) pixels.</summary>
    TranslateX,
    /// <summary>Vertical shift by int(+-linspace(0, 150/331 height)[m]) pixels.</summary>
    TranslateY,
    /// <summary>Counter-clockwise rotation by +-linspace(0, 30)[m] degrees about the centre.</summary>
    Rotate,
    /// <summary>ImageEnhance.Brightness with factor 1 +- linspace(0, 0.9)[m].</summary>
    Brightness,
    /// <summary>ImageEnhance.Color (saturation) with factor 1 +- linspace(0, 0.9)[m].</summary>
    Color,
    /// <summary>ImageEnhance.Contrast with factor 1 +- linspace(0, 0.9)[m].</summary>
    Contrast,
    /// <summary>ImageEnhance.Sharpness with factor 1 +- linspace(0, 0.9)[m].</summary>
    Sharpness,
    /// <summary>Keep 8 - round(m / ((bins - 1) / 4)) bits per channel.</summary>
    Posterize,
    /// <summary>Invert values at or above linspace(255, 0)[m].</summary>
    Solarize,
    /// <summary>Stretch each channel to 0..255.</summary>
    AutoContrast,
    /// <summary>Equalise each channel's histogram.</summary>
    Equalize,
}

/// <summary>
/// torchvision's RandAugment(num_ops, magnitude, num_magnitude_bins=31, interpolation=NEAREST, fill=None) for a
/// batch: per image and round, one of the 14 <see cref="RandAugmentOp"/>s chosen uniformly, at the magnitude that
/// torchvision's table (RandAugment._augmentation_space) holds at index m, negated for a signed op with
/// probability 1/2. Magnitude m of 31 bins is m / 30 of each op's range (m = 12: shear 0.12, 12 degrees,
/// enhance factors 1 +- 0.36, 6 bits, solarize at 153). Ops run on PIL's arithmetic (<see cref="PilImageOps"/>).
/// </summary>
public static class RandAugment
{
    /// <summary>torchvision RandAugment's default num_magnitude_bins: magnitudes are indices 0..30.</summary>
    public const int MagnitudeBins = 31;
    /// <summary>Shear range end: linspace(0.0, 0.3, bins).</summary>
    public const double MaxShear = 0.3;
    /// <summary>Translate range end as a fraction of the side: linspace(0.0, 150.0 / 331.0 * side, bins).</summary>
    public const double MaxTranslateFraction = 150.0 / 331.0;
    /// <summary>Rotate range end in degrees: linspace(0.0, 30.0, bins).</summary>
    public const double MaxRotateDegrees = 30;
    /// <summary>Brightness, Color, Contrast and Sharpness range end: linspace(0.0, 0.9, bins), used as factor 1 + v.</summary>
    public const double MaxEnhance = 0.9;
    /// <summary>Posterize drops up to 4 bits: 8 - (arange(bins) / ((bins - 1) / 4)).round().int().</summary>
    public const int MaxPosterizeBitsDropped = 4;
    /// <summary>Solarize thresholds run from 255 (nothing inverted) down: linspace(255.0, 0.0, bins).</summary>
    public const double SolarizeStart = 255;
    // A fair coin: a uniform in [0, 1) below 1/2.
    private const float CoinHalf = 0.5f;

    /// <summary>Every op, in torchvision's order (the uniform choice indexes this).</summary>
    public static IReadOnlyList<RandAugmentOp> Ops { get; } = Enum.GetValues<RandAugmentOp>();

    /// <summary>
    /// torchvision's magnitude for <paramref name="op"/> at index <paramref name="magnitude"/> of
    /// <paramref name="bins"/> on an image of the given size, as RandAugment.forward reads it:
    /// float(magnitudes[m].item()) from the float32 table (0 for the ops without a table), and whether the op is signed.
    /// </summary>
    public static (double Value, bool Signed) Magnitude(RandAugmentOp op, int magnitude, long height, long width, int bins = MagnitudeBins)
    {
        if (bins < 2) throw new ArgumentOutOfRangeException(nameof(bins), bins, "bins must be >= 2.");
        if (magnitude < 0 || magnitude >= bins) throw new ArgumentOutOfRangeException(nameof(magnitude), magnitude, $"magnitude must be in 0..{bins - 1}.");
        using var scope = NewDisposeScope();
        // The table entries are computed by libtorch's own linspace in float32, as torchvision does.
        double Linspace(double start, double end) => linspace(start, end, bins, ScalarType.Float32)[magnitude].item<float>();
        return op switch
        {
            RandAugmentOp.Identity or RandAugmentOp.AutoContrast or RandAugmentOp.Equalize => (0.0, false),
            RandAugmentOp.ShearX or RandAugmentOp.ShearY => (Linspace(0, MaxShear), true),
            RandAugmentOp.TranslateX => (Linspace(0, MaxTranslateFraction * width), true),
            RandAugmentOp.TranslateY => (Linspace(0, MaxTranslateFraction * height), true),
            RandAugmentOp.Rotate => (Linspace(0, MaxRotateDegrees), true),
            RandAugmentOp.Brightness or RandAugmentOp.Color or RandAugmentOp.Contrast or RandAugmentOp.Sharpness => (Linspace(0, MaxEnhance), true),
            RandAugmentOp.Posterize => (PosterizeBits(magnitude, bins), false),
            RandAugmentOp.Solarize => (Linspace(SolarizeStart, 0), false),
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, $"Unknown op; allowed: {string.Join(", ", Enum.GetNames<RandAugmentOp>())}."),
        };
    }

    /// <summary>torchvision's table 8 - (arange(bins) / ((bins - 1) / 4)).round().int() at index m, computed by libtorch as there.</summary>
    private static int PosterizeBits(int magnitude, int bins)
    {
        using var scope = NewDisposeScope();
        var table = PilImageOps.Bits - (arange(bins) / ((bins - 1) / (double)MaxPosterizeBitsDropped)).round().to_type(ScalarType.Int32);
        return table[magnitude].item<int>();
    }

    /// <summary>
    /// One round's random choices for <paramref name="count"/> images, two uniforms each from
    /// <paramref name="generator"/> (all choices first, then all coins): the op, uniform over the 14
    /// (torchvision: torch.randint(len(op_meta))), and whether a signed op's magnitude is negated, probability 1/2
    /// (torchvision: torch.randint(2) for signed ops only). Unsigned ops are never negated.
    /// </summary>
    public static RandAugmentDraw Sample(Generator generator, int count)
    {
        var choices = BatchAugmenter.Uniforms(generator, count);
        var coins = BatchAugmenter.Uniforms(generator, count);
        var ops = new RandAugmentOp[count];
        var negate = new bool[count];
        for (var i = 0; i < count; i++)
        {
            ops[i] = Ops[Math.Min((int)(choices[i] * Ops.Count), Ops.Count - 1)];
            negate[i] = coins[i] < CoinHalf && IsSigned(ops[i]);
        }
        return new RandAugmentDraw(ops, negate);
    }

    /// <summary>Whether torchvision's table marks <paramref name="op"/> as signed (its magnitude may be negated).</summary>
    public static bool IsSigned(RandAugmentOp op) => op is RandAugmentOp.ShearX or RandAugmentOp.ShearY or RandAugmentOp.TranslateX
        or RandAugmentOp.TranslateY or RandAugmentOp.Rotate or RandAugmentOp.Brightness or RandAugmentOp.Color
        or RandAugmentOp.Contrast or RandAugmentOp.Sharpness;

    /// <summary>
    /// One RandAugment round on a batch (float32 [N, C, H, W], whole numbers 0..255): image i gets
    /// draw.Ops[i] at table index <paramref name="magnitude"/>, negated where draw.Negate[i].
    /// </summary>
    public static Tensor ApplyRound(Tensor x, RandAugmentDraw draw, int magnitude, int bins = MagnitudeBins)
    {
        long n = x.shape[0], height = x.shape[2], width = x.shape[3];
        if (draw.Ops.Length != n || draw.Negate.Length != n)
            throw new ArgumentException($"The draw covers {draw.Ops.Length} images; the batch has {n}.", nameof(draw));
        // One copy of the batch, then each op's images are written into it in place.
        var result = x.clone();
        foreach (var op in Ops)
        {
            if (op == RandAugmentOp.Identity) continue;
            var picked = Enumerable.Range(0, (int)n).Where(i => draw.Ops[i] == op).ToArray();
            if (picked.Length == 0) continue;
            var (value, _) = Magnitude(op, magnitude, height, width, bins);
            var index = tensor(picked.Select(i => (long)i).ToArray(), ScalarType.Int64).to(x.device);
            var changed = Apply(op, x.index_select(0, index), picked.Select(i => draw.Negate[i] ? -value : value).ToArray());
            result.index_copy_(0, index, changed);
        }
        return result;
    }

    /// <summary>
    /// Applies <paramref name="op"/> to images (float32 [N, C, H, W], whole numbers 0..255) with one signed
    /// magnitude per image (the table value, negated where the coin said so), as torchvision's _apply_op does on a
    /// PIL image: the affine ops through torchvision's functional.affine / rotate matrices and Pillow's
    /// nearest-neighbour transform with fill 0, the others through <see cref="PilImageOps"/>.
    /// </summary>
    public static Tensor Apply(RandAugmentOp op, Tensor x, IReadOnlyList<double> magnitudes)
    {
        long n = x.shape[0], height = x.shape[2], width = x.shape[3];
        if (magnitudes.Count != n) throw new ArgumentException($"Expected {n} magnitudes; got {magnitudes.Count}.", nameof(magnitudes));
        // ImageEnhance receives 1.0 + magnitude as a Python float; Pillow's blend takes it as a C float.
        Tensor Factors() => tensor(magnitudes.Select(m => (float)(1.0 + m)).ToArray(), ScalarType.Float32).to(x.device);
        double[][] Matrices(Func<double, double[]> matrix) => magnitudes.Select(matrix).ToArray();
        switch (op)
        {
            case RandAugmentOp.Identity: return x.alias();
            // torchvision: affine(shear=[degrees(atan(m)), 0], center=[0, 0]); the matrix shears by tan(atan(m)).
            case RandAugmentOp.ShearX:
                return PilImageOps.AffineNearest(x, Matrices(m => InverseAffineMatrix(0, 0, 0, 0, 0, ToDegrees(Math.Atan(m)), 0)));
            case RandAugmentOp.ShearY:
                return PilImageOps.AffineNearest(x, Matrices(m => InverseAffineMatrix(0, 0, 0, 0, 0, 0, ToDegrees(Math.Atan(m)))));
            // torchvision: affine(translate=[int(m), 0]) about the default PIL centre (w / 2, h / 2); int() truncates.
            case RandAugmentOp.TranslateX:
                return PilImageOps.AffineNearest(x, Matrices(m => InverseAffineMatrix(width * 0.5, height * 0.5, 0, Math.Truncate(m), 0, 0, 0)));
            case RandAugmentOp.TranslateY:
                return PilImageOps.AffineNearest(x, Matrices(m => InverseAffineMatrix(width * 0.5, height * 0.5, 0, 0, Math.Truncate(m), 0, 0)));
            // torchvision: rotate(m) on a PIL image is Image.rotate(m, NEAREST, expand=False, center=None, fillcolor=0).
            case RandAugmentOp.Rotate:
                return PilImageOps.AffineNearest(x, Matrices(m => PilImageOps.RotateMatrix(m, width, height)));
            case RandAugmentOp.Brightness: return PilImageOps.AdjustBrightness(x, Factors());
            case RandAugmentOp.Color: return PilImageOps.AdjustSaturation(x, Factors());
            case RandAugmentOp.Contrast: return PilImageOps.AdjustContrast(x, Factors());
            case RandAugmentOp.Sharpness: return PilImageOps.AdjustSharpness(x, Factors());
            case RandAugmentOp.Posterize:
            case RandAugmentOp.Solarize:
                {
                    // Unsigned ops: every image in the call shares torchvision's single table value.
                    var value = magnitudes.Count == 0 ? 0 : magnitudes[0];
                    if (magnitudes.Any(m => m != value)) throw new ArgumentException($"{op} is unsigned: every image must share one magnitude.", nameof(magnitudes));
                    return op == RandAugmentOp.Posterize ? PilImageOps.Posterize(x, (int)value) : PilImageOps.Solarize(x, value);
                }
            case RandAugmentOp.AutoContrast: return PilImageOps.AutoContrast(x);
            case RandAugmentOp.Equalize: return PilImageOps.Equalize(x);
            default:
                throw new ArgumentOutOfRangeException(nameof(op), op, $"Unknown op; allowed: {string.Join(", ", Enum.GetNames<RandAugmentOp>())}.");
        }
    }

    /// <summary>
    /// torchvision.transforms.functional._get_inverse_affine_matrix(center, angle, translate, scale = 1, shear),
    /// term for term in float64: the output-to-input matrix (a, b, c, d, e, f) that Pillow samples with.
    /// Angles and shears in degrees; centre and translation in pixels (PIL convention: origin at the top-left corner).
    /// </summary>
    public static double[] InverseAffineMatrix(double centerX, double centerY, double angle, double translateX, double translateY, double shearX, double shearY)
    {
        double rot = ToRadians(angle), sx = ToRadians(shearX), sy = ToRadians(shearY);
        var a = Math.Cos(rot - sy) / Math.Cos(sy);
        var b = -Math.Cos(rot - sy) * Math.Tan(sx) / Math.Cos(sy) - Math.Sin(rot);
        var c = Math.Sin(rot - sy) / Math.Cos(sy);
        var d = -Math.Sin(rot - sy) * Math.Tan(sx) / Math.Cos(sy) + Math.Cos(rot);
        double[] m = [d, -b, 0.0, -c, a, 0.0]; // divided by scale 1
        m[2] += m[0] * (-centerX - translateX) + m[1] * (-centerY - translateY);
        m[5] += m[3] * (-centerX - translateX) + m[4] * (-centerY - translateY);
        m[2] += centerX;
        m[5] += centerY;
        return m;
    }

    // Python's math.degrees / math.radians multiply by 180 / pi and pi / 180.
    private static double ToDegrees(double radians) => radians * (180.0 / Math.PI);
    private static double ToRadians(double degrees) => degrees * (Math.PI / 180.0);
}

/// <summary>One RandAugment round's random choices for a batch (see <see cref="RandAugment.Sample"/>).</summary>
/// <param name="Ops">The op of each image.</param>
/// <param name="Negate">Whether each image's magnitude is negated (only ever true for signed ops).</param>
public sealed record RandAugmentDraw(RandAugmentOp[] Ops, bool[] Negate);
