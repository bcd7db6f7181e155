using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace PEMN.Data;

/// <summary>
/// Turns a uint8 batch [B, C, H, W] on the training device into normalised float images, augmented by
/// <see cref="AugmentationConfig"/>. Every random number is drawn on the CPU from the generator passed in,
/// in a fixed order and one value per image, then moved to the device: the same generator seed gives the
/// same pixels on any device, and all pixel work stays vectorised on the device.
/// </summary>
public sealed class BatchAugmenter
{
    // PIL-style strength of each RandAugment op at magnitude 10 (the RandAugment paper's maximum).
    private const double MaxEnhance = 0.9, MaxRotateDegrees = 30, MaxShear = 0.3, MaxTranslate = 0.45, MaxPosterizeDrop = 4;
    private const double PixelLevels = 255, FullBits = 8;
    // Random erasing as in Zhong et al. / torchvision: area 2%..33% of the image, aspect 0.3..3.3.
    private const double EraseAreaMin = 0.02, EraseAreaMax = 0.33, EraseRatioMin = 0.3, EraseRatioMax = 1 / 0.3;
    // ITU-R 601 luma weights: what PIL uses for grayscale in Contrast and Color.
    private static readonly double[] Luma = [0.299, 0.587, 0.114];

    /// <summary>The RandAugment ops this class implements (see <see cref="AugmentationConfig"/>).</summary>
    public enum RandAugmentOp
    {
        /// <summary>No change.</summary>
        Identity,
        /// <summary>Stretch each channel to the full range.</summary>
        AutoContrast,
        /// <summary>Scale brightness by 1 +- 0.9 m/10.</summary>
        Brightness,
        /// <summary>Blend with the mean grey by 1 +- 0.9 m/10.</summary>
        Contrast,
        /// <summary>Blend with the grayscale image by 1 +- 0.9 m/10 (saturation).</summary>
        Color,
        /// <summary>Keep 8 - 4 m/10 bits.</summary>
        Posterize,
        /// <summary>Invert pixels above 1 - m/10.</summary>
        Solarize,
        /// <summary>Rotate by +- 30 m/10 degrees.</summary>
        Rotate,
        /// <summary>Shear horizontally by +- 0.3 m/10.</summary>
        ShearX,
        /// <summary>Shear vertically by +- 0.3 m/10.</summary>
        ShearY,
        /// <summary>Shift horizontally by +- 45% m/10 of the width.</summary>
        TranslateX,
        /// <summary>Shift vertically by +- 45% m/10 of the height.</summary>
        TranslateY,
    }

    private readonly AugmentationConfig config;
    private readonly Normalization normalization;

    /// <summary>Creates an augmenter; both settings are validated here.</summary>
    public BatchAugmenter(AugmentationConfig config, Normalization normalization)
    {
        this.config = config.Validate();
        this.normalization = normalization.Validate();
    }

    /// <summary>The output side for inputs of side <paramref name="side"/>.</summary>
    public long OutputSide(long side) => config.CropSize > 0 ? config.CropSize : side;

    /// <summary>
    /// Augments and normalises <paramref name="images"/> (uint8 [B, C, H, W], on the target device) and
    /// returns float32 images on the same device. <paramref name="generator"/> is a CPU generator.
    /// </summary>
    public Tensor Apply(Tensor images, Generator generator)
    {
        if (images.dim() != 4 || images.shape[1] != normalization.Channels)
            throw new ArgumentException($"Expected uint8 images [B, {normalization.Channels}, H, W]; got [{string.Join(", ", images.shape)}].", nameof(images));
        using var scope = NewDisposeScope();
        var device = images.device;
        var x = images.to_type(ScalarType.Float32).div_(PixelLevels);
        var b = x.shape[0];
        if (config.CropSize > 0)
            x = config.ResizedCrop ? ResizedCrop(x, generator, device) : PaddedCrop(x, generator, device);
        if (config.HorizontalFlip)
        {
            var flip = Draw(generator, b, device).lt(0.5).view(b, 1, 1, 1);
            x = where(flip, x.flip(3), x);
        }
        for (var i = 0; i < config.RandAugmentOps; i++) x = RandAugment(x, generator, device);
        if (config.ColorJitter > 0) x = Jitter(x, generator, device);
        var mean = tensor(normalization.Mean, ScalarType.Float32, device).view(1, -1, 1, 1);
        var std = tensor(normalization.Std, ScalarType.Float32, device).view(1, -1, 1, 1);
        x = (x - mean) / std;
        if (config.RandomErasing > 0) x = Erase(x, generator, device);
        return x.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>B uniform numbers in [0, 1) from the CPU generator, on <paramref name="device"/>.</summary>
    private static Tensor Draw(Generator generator, long count, Device device) =>
        rand([count], ScalarType.Float32, generator: generator).to(device);

    private static Tensor Uniform(Generator generator, long count, double low, double high, Device device) =>
        Draw(generator, count, device).mul_(high - low).add_(low);

    private Tensor PaddedCrop(Tensor x, Generator generator, Device device)
    {
        long b = x.shape[0], c = x.shape[1], p = config.CropPadding, size = config.CropSize;
        var padded = p > 0 ? F.pad(x, [p, p, p, p]) : x;
        long height = padded.shape[2], width = padded.shape[3];
        if (size > height || size > width)
            throw new ArgumentException($"CropSize {size} exceeds the padded image {height}x{width}.", nameof(x));
        var top = Draw(generator, b, device).mul_(height - size + 1).floor_().to_type(ScalarType.Int64);
        var left = Draw(generator, b, device).mul_(width - size + 1).floor_().to_type(ScalarType.Int64);
        var steps = arange(size, ScalarType.Int64, device);
        var rows = (top.view(b, 1) + steps.view(1, size)).view(b, 1, size, 1).expand(b, c, size, width);
        var cols = (left.view(b, 1) + steps.view(1, size)).view(b, 1, 1, size).expand(b, c, size, size);
        return padded.gather(2, rows).gather(3, cols);
    }

    private Tensor ResizedCrop(Tensor x, Generator generator, Device device)
    {
        var b = x.shape[0];
        var scale = Uniform(generator, b, config.ResizedCropScaleMin, config.ResizedCropScaleMax, device);
        var ratio = Uniform(generator, b, Math.Log(config.ResizedCropRatioMin), Math.Log(config.ResizedCropRatioMax), device).exp_();
        // Crop width and height as fractions of the image, clamped so the box fits.
        var w = (scale * ratio).sqrt_().clamp_max_(1.0);
        var h = (scale / ratio).sqrt_().clamp_max_(1.0);
        var cx = Draw(generator, b, device).mul_(2).sub_(1).mul_(1 - w);
        var cy = Draw(generator, b, device).mul_(2).sub_(1).mul_(1 - h);
        var zero = zeros_like(w);
        var theta = stack([stack([w, zero, cx], 1), stack([zero, h, cy], 1)], 1);
        return Warp(x, theta, config.CropSize, GridSamplePaddingMode.Border);
    }

    private static Tensor Warp(Tensor x, Tensor theta, long size, GridSamplePaddingMode padding)
    {
        var grid = F.affine_grid(theta, [x.shape[0], x.shape[1], size, size], align_corners: false);
        return F.grid_sample(x, grid, GridSampleMode.Bilinear, padding, align_corners: false);
    }

    private Tensor RandAugment(Tensor x, Generator generator, Device device)
    {
        var b = x.shape[0];
        var opCount = Enum.GetValues<RandAugmentOp>().Length;
        var choice = Draw(generator, b, device).mul_(opCount).floor_().to_type(ScalarType.Int64).clamp_max_(opCount - 1);
        var sign = Draw(generator, b, device).lt(0.5).to_type(ScalarType.Float32).mul_(2).sub_(1);
        var level = config.RandAugmentMagnitude / AugmentationConfig.MagnitudeScale;
        var result = x;
        foreach (var op in Enum.GetValues<RandAugmentOp>())
        {
            if (op == RandAugmentOp.Identity) continue;
            var index = choice.eq((long)op).nonzero().view(-1);
            if (index.shape[0] == 0) continue;
            var picked = ApplyOp(op, x.index_select(0, index), sign.index_select(0, index), level);
            result = result.index_copy(0, index, picked);
        }
        return result;
    }

    /// <summary>Applies one RandAugment op to images in [0, 1] with per-image signs +-1 and a level m/10.</summary>
    public static Tensor ApplyOp(RandAugmentOp op, Tensor x, Tensor sign, double level)
    {
        var b = x.shape[0];
        Tensor Factor(double strength) => (1 + sign * (strength * level)).clamp_min_(0).view(b, 1, 1, 1);
        switch (op)
        {
            case RandAugmentOp.Identity: return x.alias();
            case RandAugmentOp.AutoContrast:
                {
                    var low = x.amin([2, 3], keepdim: true);
                    var high = x.amax([2, 3], keepdim: true);
                    var range = high - low;
                    return where(range.gt(0), (x - low) / range.clamp_min(1e-12), x);
                }
            case RandAugmentOp.Brightness: return (x * Factor(MaxEnhance)).clamp_(0, 1);
            case RandAugmentOp.Contrast:
                {
                    var mean = Gray(x).mean([1, 2, 3], keepdim: true);
                    return Blend(mean, x, Factor(MaxEnhance));
                }
            case RandAugmentOp.Color:
                return x.shape[1] == 1 ? x.alias() : Blend(Gray(x), x, Factor(MaxEnhance));
            case RandAugmentOp.Posterize:
                {
                    var bits = Math.Clamp(Math.Round(FullBits - MaxPosterizeDrop * level), 1, FullBits);
                    var step = Math.Pow(2, FullBits - bits);
                    return (x * PixelLevels).round_().div_(step).floor_().mul_(step).div_(PixelLevels);
                }
            case RandAugmentOp.Solarize:
                {
                    var threshold = Math.Clamp(1 - level, 0, 1);
                    return where(x.ge(threshold), 1 - x, x);
                }
            case RandAugmentOp.Rotate:
                {
                    var angle = sign * (MaxRotateDegrees * level * Math.PI / 180);
                    var cos = angle.cos();
                    var sin = angle.sin();
                    var zero = zeros_like(angle);
                    return Warp(x, stack([stack([cos, -sin, zero], 1), stack([sin, cos, zero], 1)], 1), x.shape[2], GridSamplePaddingMode.Zeros);
                }
            case RandAugmentOp.ShearX or RandAugmentOp.ShearY or RandAugmentOp.TranslateX or RandAugmentOp.TranslateY:
                {
                    var one = ones_like(sign);
                    var zero = zeros_like(sign);
                    var shear = sign * (MaxShear * level);
                    // affine_grid works in [-1, 1] coordinates: a shift of a fraction t of the side is 2t.
                    var shift = sign * (2 * MaxTranslate * level);
                    var (a01, a10, a02, a12) = op switch
                    {
                        RandAugmentOp.ShearX => (shear, zero, zero, zero),
                        RandAugmentOp.ShearY => (zero, shear, zero, zero),
                        RandAugmentOp.TranslateX => (zero, zero, shift, zero),
                        _ => (zero, zero, zero, shift),
                    };
                    return Warp(x, stack([stack([one, a01, a02], 1), stack([a10, one, a12], 1)], 1), x.shape[2], GridSamplePaddingMode.Zeros);
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(op), op, $"Unknown op; allowed: {string.Join(", ", Enum.GetNames<RandAugmentOp>())}.");
        }
    }

    private Tensor Jitter(Tensor x, Generator generator, Device device)
    {
        var b = x.shape[0];
        double low = 1 - config.ColorJitter, high = 1 + config.ColorJitter;
        var brightness = Uniform(generator, b, low, high, device).view(b, 1, 1, 1);
        var contrast = Uniform(generator, b, low, high, device).view(b, 1, 1, 1);
        var saturation = Uniform(generator, b, low, high, device).view(b, 1, 1, 1);
        x = (x * brightness).clamp_(0, 1);
        x = Blend(Gray(x).mean([1, 2, 3], keepdim: true), x, contrast);
        return x.shape[1] == 1 ? x : Blend(Gray(x), x, saturation);
    }

    private Tensor Erase(Tensor x, Generator generator, Device device)
    {
        long b = x.shape[0], height = x.shape[2], width = x.shape[3];
        var apply = Draw(generator, b, device).lt(config.RandomErasing);
        var area = Uniform(generator, b, EraseAreaMin, EraseAreaMax, device).mul_(height * width);
        var ratio = Uniform(generator, b, Math.Log(EraseRatioMin), Math.Log(EraseRatioMax), device).exp_();
        var h = (area * ratio).sqrt_().round_().clamp_(1, height);
        var w = (area / ratio).sqrt_().round_().clamp_(1, width);
        var top = Draw(generator, b, device).mul_(height - h + 1).floor_();
        var left = Draw(generator, b, device).mul_(width - w + 1).floor_();
        var rows = arange(height, ScalarType.Float32, device).view(1, height);
        var cols = arange(width, ScalarType.Float32, device).view(1, width);
        var inRows = rows.ge(top.view(b, 1)).logical_and_(rows.lt((top + h).view(b, 1))).view(b, 1, height, 1);
        var inCols = cols.ge(left.view(b, 1)).logical_and_(cols.lt((left + w).view(b, 1))).view(b, 1, 1, width);
        var mask = inRows.logical_and(inCols).logical_and_(apply.view(b, 1, 1, 1));
        return x.masked_fill(mask, 0);
    }

    /// <summary>Luma [B, 1, H, W] of RGB images; a single channel is its own luma.</summary>
    private static Tensor Gray(Tensor x)
    {
        if (x.shape[1] != Luma.Length) return x.mean([1], keepdim: true);
        var weights = tensor(Luma, ScalarType.Float32, x.device).view(1, Luma.Length, 1, 1);
        return (x * weights).sum([1], keepdim: true);
    }

    /// <summary>PIL's ImageEnhance blend: degenerate + factor (image - degenerate), clipped to [0, 1].</summary>
    private static Tensor Blend(Tensor degenerate, Tensor image, Tensor factor) =>
        (degenerate + factor * (image - degenerate)).clamp_(0, 1);
}
