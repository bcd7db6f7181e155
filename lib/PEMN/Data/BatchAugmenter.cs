using static TorchSharp.torch;

using F = TorchSharp.torch.nn.functional;

namespace PEMN.Data;

/// <summary>
/// Turns a uint8 batch [B, C, H, W] on the training device into normalised float images, augmented by
/// <see cref="AugmentationConfig"/>. Every random number is drawn on the CPU from the generator passed in,
/// in a fixed order and a fixed count per image whatever the outcomes, and every random parameter is
/// computed on the CPU: the same generator seed gives the same pixels on any device, and all pixel work
/// stays vectorised on the device.
/// </summary>
/// <remarks>
/// The steps mirror torchvision's, in the authors' order (see <see cref="AugmentationConfig"/>): the crop,
/// flip, RandAugment and ColorJitter steps work on whole numbers 0..255 as torchvision's PIL images do, then
/// ToTensor divides by 255, Normalize applies the data set's constants, and RandomErasing writes 0 into a
/// rectangle of the normalised image.
/// </remarks>
public sealed class BatchAugmenter
{
    private const double PixelLevels = 255;
    // torchvision RandomErasing defaults: scale (0.02, 0.33), ratio (0.3, 3.3), value 0.
    private const double EraseScaleMin = 0.02, EraseScaleMax = 0.33, EraseRatioMin = 0.3, EraseRatioMax = 3.3, EraseValue = 0;
    // torchvision RandomResizedCrop.get_params and RandomErasing.get_params try 10 random boxes before giving up.
    private const int BoxAttempts = 10;
    // torchvision ColorJitter.get_params: fn_idx = torch.randperm(4) orders brightness (0), contrast (1),
    // saturation (2) and hue (3); hue is None for ColorJitter(b, c, s), so its turn changes nothing.
    private const int JitterSlots = 4;
    private const int JitterBrightness = 0, JitterContrast = 1, JitterSaturation = 2;
    // RandomHorizontalFlip(p=0.5).
    private const float FlipProbability = 0.5f;

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
        // Whole numbers 0..255 until ToTensor: crops and flips only move values, so dividing afterwards gives
        // the same floats as dividing first.
        var x = images.to_type(ScalarType.Float32);
        var b = x.shape[0];
        if (config.CropSize > 0)
            x = config.ResizedCrop
                ? ResizeBoxes(x, SampleResizedCrop(generator, (int)b, x.shape[2], x.shape[3],
                    config.ResizedCropScaleMin, config.ResizedCropScaleMax, config.ResizedCropRatioMin, config.ResizedCropRatioMax), config.CropSize)
                : PaddedCrop(x, generator, device);
        if (config.HorizontalFlip)
        {
            var flip = Draw(generator, b, device).lt(FlipProbability).view(b, 1, 1, 1);
            x = where(flip, x.flip(3), x);
        }
        for (var i = 0; i < config.RandAugmentOps; i++)
            x = RandAugment.ApplyRound(x, RandAugment.Sample(generator, (int)b), config.RandAugmentMagnitude);
        if (config.ColorJitter > 0) x = ApplyColorJitter(x, SampleColorJitter(generator, (int)b, config.ColorJitter));
        x = x.div_(PixelLevels);
        var mean = tensor(normalization.Mean, ScalarType.Float32, device).view(1, -1, 1, 1);
        var std = tensor(normalization.Std, ScalarType.Float32, device).view(1, -1, 1, 1);
        x = (x - mean) / std;
        if (config.RandomErasing > 0) x = Erase(x, SampleErasing(generator, (int)b, x.shape[2], x.shape[3], config.RandomErasing));
        return x.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary><paramref name="count"/> uniform numbers in [0, 1) from the CPU generator, on <paramref name="device"/>.</summary>
    private static Tensor Draw(Generator generator, long count, Device device) =>
        rand([count], ScalarType.Float32, generator: generator).to(device);

    /// <summary><paramref name="count"/> uniform numbers in [0, 1) from the CPU generator, as CPU values.</summary>
    internal static float[] Uniforms(Generator generator, long count)
    {
        using var draws = rand([count], ScalarType.Float32, generator: generator);
        return draws.data<float>().ToArray();
    }

    /// <summary>The quick protocol's crop: zero padding, then a window at a uniform offset (torchvision RandomCrop(size, padding)).</summary>
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

    /// <summary>
    /// torchvision RandomResizedCrop.get_params for <paramref name="count"/> images of
    /// <paramref name="height"/> x <paramref name="width"/>: up to 10 attempts of area fraction s ~ U(scale) and
    /// aspect ratio r = exp(U(log ratio)), w = round(sqrt(s A r)), h = round(sqrt(s A / r)) (round half to even,
    /// as Python's round), the first box that fits placed uniformly; otherwise the central crop at the nearest
    /// allowed ratio. Draws 10 scales, 10 ratios, a top and a left per image, in that order (all images' scales first).
    /// With scale (1, 1) and ratio (1, 1) a square image's box is the whole image.
    /// </summary>
    public static CropBox[] SampleResizedCrop(Generator generator, int count, long height, long width,
        double scaleMin, double scaleMax, double ratioMin, double ratioMax)
    {
        var scales = Uniforms(generator, (long)count * BoxAttempts);
        var ratios = Uniforms(generator, (long)count * BoxAttempts);
        var tops = Uniforms(generator, count);
        var lefts = Uniforms(generator, count);
        double area = height * width, logLow = Math.Log(ratioMin), logHigh = Math.Log(ratioMax);
        var boxes = new CropBox[count];
        for (var i = 0; i < count; i++)
        {
            CropBox? found = null;
            for (var t = 0; t < BoxAttempts && found is null; t++)
            {
                var target = area * (scaleMin + (scaleMax - scaleMin) * scales[i * BoxAttempts + t]);
                var aspect = Math.Exp(logLow + (logHigh - logLow) * ratios[i * BoxAttempts + t]);
                var w = (long)Math.Round(Math.Sqrt(target * aspect), MidpointRounding.ToEven);
                var h = (long)Math.Round(Math.Sqrt(target / aspect), MidpointRounding.ToEven);
                if (w > 0 && w <= width && h > 0 && h <= height)
                    found = new CropBox(UniformInt(tops[i], height - h + 1), UniformInt(lefts[i], width - w + 1), h, w);
            }
            boxes[i] = found ?? CentralCrop(height, width, ratioMin, ratioMax);
        }
        return boxes;
    }

    /// <summary>torchvision's fallback after 10 failed attempts: the central crop at the nearest allowed aspect ratio.</summary>
    private static CropBox CentralCrop(long height, long width, double ratioMin, double ratioMax)
    {
        var inRatio = (double)width / height;
        long w = width, h = height;
        if (inRatio < ratioMin) h = (long)Math.Round(w / ratioMin, MidpointRounding.ToEven);
        else if (inRatio > ratioMax) w = (long)Math.Round(h * ratioMax, MidpointRounding.ToEven);
        return new CropBox((height - h) / 2, (width - w) / 2, h, w);
    }

    /// <summary>torch.randint(0, n) from one uniform u in [0, 1): floor(u n).</summary>
    private static long UniformInt(float u, long n) => Math.Min((long)Math.Floor(u * (double)n), n - 1);

    /// <summary>
    /// Crops each image to its box and resizes it to <paramref name="size"/> x <paramref name="size"/> as
    /// torchvision's resized_crop does for a uint8 tensor (bilinear, align_corners=False, no antialias, rounded):
    /// source coordinate (i + 0.5) h / size - 0.5 in float32, clamped at 0, blending the two nearest rows and
    /// columns. A box of the output's size is copied exactly. Otherwise a value may differ from torchvision's by
    /// one grey level where it lands next to x.5 (PyTorch's CPU kernel sums in its own float32 order). On a PIL
    /// image torchvision resizes with Pillow's antialiased bilinear instead; all of these agree whenever the box
    /// already has the output size, as in the authors' RandomResizedCrop(32, scale=(1, 1), ratio=(1, 1)) on 32x32 images.
    /// </summary>
    public static Tensor ResizeBoxes(Tensor x, IReadOnlyList<CropBox> boxes, long size)
    {
        long n = x.shape[0], c = x.shape[1], height = x.shape[2], width = x.shape[3];
        if (boxes.Count != n) throw new ArgumentException($"Expected {n} boxes; got {boxes.Count}.", nameof(boxes));
        var (rowLow, rowHigh, rowWeight) = LinearTaps(boxes.Select(box => (box.Top, box.Height)).ToArray(), size, height);
        var (colLow, colHigh, colWeight) = LinearTaps(boxes.Select(box => (box.Left, box.Width)).ToArray(), size, width);
        Tensor Rows(long[] index) => x.gather(2, tensor(index, [n, 1, size, 1], ScalarType.Int64).to(x.device).expand(n, c, size, width));
        Tensor Cols(Tensor rows, long[] index) => rows.gather(3, tensor(index, [n, 1, 1, size], ScalarType.Int64).to(x.device).expand(n, c, size, size));
        var w1 = tensor(colWeight, [n, 1, 1, size], ScalarType.Float32).to(x.device);
        var w0 = 1 - w1;
        var h1 = tensor(rowWeight, [n, 1, size, 1], ScalarType.Float32).to(x.device);
        var h0 = 1 - h1;
        // PyTorch's CPU bilinear kernel: interpolate along the width in each of the two rows, then between the rows.
        var top = Rows(rowLow);
        var bottom = Rows(rowHigh);
        var upper = Cols(top, colLow) * w0 + Cols(top, colHigh) * w1;
        var lower = Cols(bottom, colLow) * w0 + Cols(bottom, colHigh) * w1;
        return (upper * h0 + lower * h1).round_();
    }

    /// <summary>Per image and output index: the two source indices (absolute) and the weight of the second, as PyTorch's upsample_bilinear2d computes them.</summary>
    private static (long[] Low, long[] High, float[] Weight) LinearTaps((long Start, long Length)[] spans, long size, long limit)
    {
        var low = new long[spans.Length * size];
        var high = new long[spans.Length * size];
        var weight = new float[spans.Length * size];
        for (var i = 0; i < spans.Length; i++)
        {
            var (start, length) = spans[i];
            if (start < 0 || length <= 0 || start + length > limit)
                throw new ArgumentOutOfRangeException(nameof(spans), $"Box [{start}, {start + length}) does not fit in 0..{limit}.");
            var scale = (float)length / size;
            for (var j = 0; j < size; j++)
            {
                var source = Math.Max(scale * (j + 0.5f) - 0.5f, 0f);
                var index = Math.Min((long)source, length - 1);
                var lambda = Math.Clamp(source - index, 0f, 1f);
                low[i * size + j] = start + index;
                high[i * size + j] = start + index + (index < length - 1 ? 1 : 0);
                weight[i * size + j] = lambda;
            }
        }
        return (low, high, weight);
    }

    /// <summary>
    /// torchvision ColorJitter(s, s, s).get_params for <paramref name="count"/> images: a uniformly random order of
    /// the four slots (torch.randperm(4); drawn here as the ranks of four uniforms), then factors for brightness,
    /// contrast and saturation, each uniform in [max(0, 1 - s), 1 + s] as float32. Draws 4 order keys per image,
    /// then all brightness, all contrast, all saturation factors.
    /// </summary>
    public static ColorJitterDraw SampleColorJitter(Generator generator, int count, double strength)
    {
        var keys = Uniforms(generator, (long)count * JitterSlots);
        float[] Factors()
        {
            double low = Math.Max(0, 1 - strength), high = 1 + strength;
            return Uniforms(generator, count).Select(u => (float)(low + (high - low) * u)).ToArray();
        }
        var brightness = Factors();
        var contrast = Factors();
        var saturation = Factors();
        var orders = new int[count][];
        for (var i = 0; i < count; i++)
            orders[i] = Enumerable.Range(0, JitterSlots).OrderBy(k => keys[i * JitterSlots + k]).ToArray();
        return new ColorJitterDraw(orders, brightness, contrast, saturation);
    }

    /// <summary>
    /// torchvision ColorJitter.forward on each image (whole numbers 0..255): adjust_brightness, adjust_contrast and
    /// adjust_saturation (Pillow's ImageEnhance, <see cref="PilImageOps"/>) in the image's own order; the hue slot is skipped.
    /// </summary>
    public static Tensor ApplyColorJitter(Tensor x, ColorJitterDraw draw)
    {
        var n = (int)x.shape[0];
        if (draw.Orders.Length != n) throw new ArgumentException($"The draw covers {draw.Orders.Length} images; the batch has {n}.", nameof(draw));
        for (var slot = 0; slot < JitterSlots; slot++)
        {
            // Each image has one part per slot: read from the previous slot's images, write into one copy in place.
            var result = x.clone();
            foreach (var (fn, factors) in new[] { (JitterBrightness, draw.Brightness), (JitterContrast, draw.Contrast), (JitterSaturation, draw.Saturation) })
            {
                var picked = Enumerable.Range(0, n).Where(i => draw.Orders[i][slot] == fn).ToArray();
                if (picked.Length == 0) continue;
                var index = tensor(picked.Select(i => (long)i).ToArray(), ScalarType.Int64).to(x.device);
                var factor = tensor(picked.Select(i => factors[i]).ToArray(), ScalarType.Float32).to(x.device);
                var images = x.index_select(0, index);
                var changed = fn switch
                {
                    JitterBrightness => PilImageOps.AdjustBrightness(images, factor),
                    JitterContrast => PilImageOps.AdjustContrast(images, factor),
                    _ => PilImageOps.AdjustSaturation(images, factor),
                };
                result.index_copy_(0, index, changed);
            }
            x = result;
        }
        return x;
    }

    /// <summary>
    /// torchvision RandomErasing(p).get_params for <paramref name="count"/> images of
    /// <paramref name="height"/> x <paramref name="width"/>: with probability p, up to 10 attempts of area fraction
    /// ~ U(0.02, 0.33) and aspect ratio h / w = exp(U(log 0.3, log 3.3)), h = round(sqrt(area r)),
    /// w = round(sqrt(area / r)); the first with h &lt; height and w &lt; width is placed uniformly. Null where
    /// nothing is erased (not chosen, or no attempt fitted). Draws one coin, 10 areas, 10 ratios, a top and a
    /// left per image, in that order (all images' coins first).
    /// </summary>
    public static CropBox?[] SampleErasing(Generator generator, int count, long height, long width, double probability)
    {
        var coins = Uniforms(generator, count);
        var areas = Uniforms(generator, (long)count * BoxAttempts);
        var ratios = Uniforms(generator, (long)count * BoxAttempts);
        var tops = Uniforms(generator, count);
        var lefts = Uniforms(generator, count);
        double area = height * width, logLow = Math.Log(EraseRatioMin), logHigh = Math.Log(EraseRatioMax);
        var boxes = new CropBox?[count];
        for (var i = 0; i < count; i++)
        {
            if (!(coins[i] < probability)) continue;
            for (var t = 0; t < BoxAttempts && boxes[i] is null; t++)
            {
                var erased = area * (EraseScaleMin + (EraseScaleMax - EraseScaleMin) * areas[i * BoxAttempts + t]);
                var aspect = Math.Exp(logLow + (logHigh - logLow) * ratios[i * BoxAttempts + t]);
                var h = (long)Math.Round(Math.Sqrt(erased * aspect), MidpointRounding.ToEven);
                var w = (long)Math.Round(Math.Sqrt(erased / aspect), MidpointRounding.ToEven);
                if (h < height && w < width)
                    boxes[i] = new CropBox(UniformInt(tops[i], height - h + 1), UniformInt(lefts[i], width - w + 1), h, w);
            }
        }
        return boxes;
    }

    /// <summary>Writes the erasing value (0, torchvision's default) into each image's box, every channel; null boxes leave the image unchanged.</summary>
    public static Tensor Erase(Tensor x, IReadOnlyList<CropBox?> boxes)
    {
        long b = x.shape[0], height = x.shape[2], width = x.shape[3];
        if (boxes.Count != b) throw new ArgumentException($"Expected {b} boxes; got {boxes.Count}.", nameof(boxes));
        Tensor Column(Func<CropBox, long> field) =>
            tensor(boxes.Select(box => box is { } some ? field(some) : 0).ToArray(), ScalarType.Int64).to(x.device).view(b, 1);
        var top = Column(box => box.Top);
        var left = Column(box => box.Left);
        var bottom = top + Column(box => box.Height);
        var right = left + Column(box => box.Width);
        var rows = arange(height, ScalarType.Int64, x.device).view(1, height);
        var cols = arange(width, ScalarType.Int64, x.device).view(1, width);
        var inRows = rows.ge(top).logical_and_(rows.lt(bottom)).view(b, 1, height, 1);
        var inCols = cols.ge(left).logical_and_(cols.lt(right)).view(b, 1, 1, width);
        return x.masked_fill(inRows.logical_and(inCols), EraseValue);
    }
}

/// <summary>A box in pixels: rows Top..Top + Height - 1, columns Left..Left + Width - 1.</summary>
/// <param name="Top">First row.</param>
/// <param name="Left">First column.</param>
/// <param name="Height">Rows.</param>
/// <param name="Width">Columns.</param>
public readonly record struct CropBox(long Top, long Left, long Height, long Width);

/// <summary>ColorJitter's random choices for a batch (see <see cref="BatchAugmenter.SampleColorJitter"/>).</summary>
/// <param name="Orders">Per image, a permutation of the slots 0 brightness, 1 contrast, 2 saturation, 3 hue (skipped).</param>
/// <param name="Brightness">Per-image brightness factor.</param>
/// <param name="Contrast">Per-image contrast factor.</param>
/// <param name="Saturation">Per-image saturation factor.</param>
public sealed record ColorJitterDraw(int[][] Orders, float[] Brightness, float[] Contrast, float[] Saturation);
