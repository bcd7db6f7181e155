using PEMN.Runtime;

namespace PEMN.Data;

/// <summary>
/// Limits on what a data file may declare, checked before memory is taken for it. The defaults hold the paper's data sets
/// many times over (Fashion-MNIST's training images: 47 MB; a CIFAR batch: 30 MB; Tiny-ImageNet's training split decoded:
/// 1.2 GB); each is multiplied by <see cref="SizeLimits.Scale"/> (<c>PEMN_LIMIT_SCALE</c>) for larger honest data.
/// </summary>
public static class DataLimits
{
    /// <summary>Default of <see cref="MaxFileBytes"/>: 1 GiB, on disk and again after gunzip.</summary>
    public const long DefaultMaxFileBytes = 1L << 30;

    /// <summary>Default of <see cref="MaxImagePixels"/>: 2^24 pixels (4096 x 4096).</summary>
    public const long DefaultMaxImagePixels = 1L << 24;

    /// <summary>Default of <see cref="MaxDataSetBytes"/>: 4 GiB of decoded pixels in one split.</summary>
    public const long DefaultMaxDataSetBytes = 1L << 32;

    /// <summary>Largest data file read, and largest content a gzip file may inflate to (a few bytes can claim gigabytes).</summary>
    public static long MaxFileBytes => Math.Min(SizeLimits.Scaled(DefaultMaxFileBytes), Array.MaxLength);

    /// <summary>Most pixels of one decoded image (checked on the image's header, before it is decoded).</summary>
    public static long MaxImagePixels => SizeLimits.Scaled(DefaultMaxImagePixels);

    /// <summary>Most bytes of decoded pixels in one split (checked before the split's buffer is allocated).</summary>
    public static long MaxDataSetBytes => SizeLimits.Scaled(DefaultMaxDataSetBytes);

    /// <summary>Throws unless <paramref name="count"/> images of <paramref name="imageBytes"/> bytes fit <see cref="MaxDataSetBytes"/>.</summary>
    /// <exception cref="DataSetException">They do not; the message names <paramref name="source"/>.</exception>
    public static void CheckDataSet(string source, long count, long imageBytes)
    {
        var max = MaxDataSetBytes;
        if (imageBytes > 0 && count > max / imageBytes)
            throw new DataSetException($"{source}: {count} images of {imageBytes} bytes exceed the limit of {max} bytes of pixels per split; " +
                $"expected a smaller data set ({SizeLimits.Advice}).");
    }
}
