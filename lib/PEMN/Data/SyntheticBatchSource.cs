using PEMN.Runtime;
using static TorchSharp.torch;

namespace PEMN.Data;

/// <summary>
/// A small in-memory, seeded, learnable image set for tests and the smoke preset: every class has a
/// prototype image made of a few Gaussian blobs (random centre, width and sign per channel), and each
/// image is its class prototype plus Gaussian pixel noise. Train and test share the prototypes and
/// draw their noise from different seed streams.
/// </summary>
public sealed class SyntheticBatchSource : IBatchSource, IDisposable
{
    /// <summary>Blobs per class prototype: enough to make classes differ in shape, few enough to stay easy.</summary>
    public const int BlobsPerClass = 3;
    /// <summary>Default pixel noise std relative to blob amplitude 1: visible noise, still separable.</summary>
    public const double DefaultNoise = 0.5;

    // Seed streams of SeedMix.Derive: prototypes, train noise, test noise, epoch shuffles.
    private const long PrototypeStream = 0, TrainNoiseStream = 1, TestNoiseStream = 2, ShuffleStream = 3;

    private readonly Tensor images;
    private readonly Tensor labels;
    private readonly int batchSize;
    private readonly bool shuffle;
    private readonly long seed;
    private readonly Device device;

    /// <summary>Builds one split.</summary>
    /// <param name="classes">Number of classes (&gt;= 2).</param>
    /// <param name="perClass">Images per class in this split.</param>
    /// <param name="channels">Image channels.</param>
    /// <param name="imageSize">Image side in pixels.</param>
    /// <param name="batchSize">Batch size; the last batch may be smaller.</param>
    /// <param name="seed">Seed of prototypes, noise and shuffles.</param>
    /// <param name="train">Training split (shuffled per epoch, own noise stream) or test split (fixed order).</param>
    /// <param name="device">Device of the yielded batches (default CPU).</param>
    /// <param name="noise">Pixel noise std.</param>
    public SyntheticBatchSource(int classes, int perClass, long channels, long imageSize, int batchSize, long seed,
        bool train, Device? device = null, double noise = DefaultNoise)
    {
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), classes, "classes must be >= 2.");
        if (perClass < 1) throw new ArgumentOutOfRangeException(nameof(perClass), perClass, "perClass must be >= 1.");
        if (channels < 1) throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be >= 1.");
        if (imageSize < 2) throw new ArgumentOutOfRangeException(nameof(imageSize), imageSize, "imageSize must be >= 2.");
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be >= 1.");
        if (!double.IsFinite(noise) || noise < 0) throw new ArgumentOutOfRangeException(nameof(noise), noise, "noise must be finite and >= 0.");
        this.batchSize = batchSize;
        this.seed = seed;
        shuffle = train;
        this.device = device ?? CPU;
        using var scope = NewDisposeScope();
        var prototypes = Prototypes(classes, channels, imageSize, seed);
        using var noiseGen = new Generator(SeedMix.Derive(seed, 0, train ? TrainNoiseStream : TestNoiseStream));
        var y = arange(classes, dtype: ScalarType.Int64).repeat_interleave(perClass);
        var x = prototypes.index_select(0, y) + randn([classes * (long)perClass, channels, imageSize, imageSize], generator: noiseGen) * noise;
        images = x.DetachFromDisposeScope();
        labels = y.DetachFromDisposeScope();
    }

    /// <summary>A train and a test split with shared prototypes.</summary>
    public static (SyntheticBatchSource Train, SyntheticBatchSource Test) CreatePair(int classes, int trainPerClass,
        int testPerClass, long channels, long imageSize, int batchSize, long seed, Device? device = null, double noise = DefaultNoise) =>
        (new SyntheticBatchSource(classes, trainPerClass, channels, imageSize, batchSize, seed, true, device, noise),
         new SyntheticBatchSource(classes, testPerClass, channels, imageSize, batchSize, seed, false, device, noise));

    /// <inheritdoc/>
    public long Count => labels.shape[0];

    /// <inheritdoc/>
    public int BatchesPerEpoch => (int)((Count + batchSize - 1) / batchSize);

    /// <inheritdoc/>
    public IEnumerable<(Tensor Images, Tensor Labels)> Epoch(int epoch)
    {
        Tensor? order = null;
        if (shuffle)
        {
            using var gen = new Generator(SeedMix.Derive(seed, epoch, ShuffleStream));
            order = randperm(Count, generator: gen);
        }
        try
        {
            for (long start = 0; start < Count; start += batchSize)
            {
                var length = Math.Min(batchSize, Count - start);
                Tensor x, y;
                using (NewDisposeScope())
                {
                    var index = order is null ? arange(start, start + length, dtype: ScalarType.Int64) : order.narrow(0, start, length);
                    x = images.index_select(0, index).to(device).MoveToOuterDisposeScope();
                    y = labels.index_select(0, index).to(device).MoveToOuterDisposeScope();
                }
                yield return (x, y);
            }
        }
        finally
        {
            order?.Dispose();
        }
    }

    /// <summary>Frees the stored images and labels.</summary>
    public void Dispose()
    {
        images.Dispose();
        labels.Dispose();
    }

    private static Tensor Prototypes(int classes, long channels, long size, long seed)
    {
        using var gen = new Generator(SeedMix.Derive(seed, 0, PrototypeStream));
        using var scope = NewDisposeScope();
        var coords = arange(size, dtype: ScalarType.Float32);
        var yy = coords.view(size, 1);
        var xx = coords.view(1, size);
        var result = zeros(classes, channels, size, size);
        // Per (class, channel, blob): centre x, centre y in the image, width in [size/8, size/3], sign +-1.
        var centres = rand([classes, channels, BlobsPerClass, 2], generator: gen) * (size - 1);
        var widths = rand([classes, channels, BlobsPerClass], generator: gen) * (size / 3.0 - size / 8.0) + size / 8.0;
        var signs = rand([classes, channels, BlobsPerClass], generator: gen).lt(0.5).to(ScalarType.Float32) * 2 - 1;
        for (var c = 0; c < classes; c++)
            for (var ch = 0; ch < channels; ch++)
                for (var b = 0; b < BlobsPerClass; b++)
                {
                    var cx = centres[c, ch, b, 0].item<float>();
                    var cy = centres[c, ch, b, 1].item<float>();
                    var w = widths[c, ch, b].item<float>();
                    var blob = exp(-((xx - cx).square() + (yy - cy).square()) / (2 * w * w)) * signs[c, ch, b].item<float>();
                    result[c, ch].add_(blob);
                }
        return result.MoveToOuterDisposeScope();
    }
}
