using PEMN.Runtime;
using static TorchSharp.torch;

namespace PEMN.Data;

/// <summary>
/// Batches of one in-memory split for training or evaluation. The whole split stays uint8 on the CPU;
/// each batch is gathered, moved to the device, augmented and normalised there (<see cref="BatchAugmenter"/>).
/// Epoch e's order comes from (seed, e) and batch i's augmentation from (seed, e, i), so the same seed
/// gives the same batches whether or not prefetching is on. With prefetching, batch i + 1 is built on a
/// background task while the caller uses batch i.
/// </summary>
/// <remarks>
/// Ownership: a yielded batch belongs to the caller. It is attached to the dispose scope that is current on
/// the caller's thread when the enumerator advances (if any), so a caller's scope frees it; with no scope,
/// the caller disposes it. A batch built ahead but never yielded (the caller stopped early) is disposed here.
/// </remarks>
public sealed class BatchPipeline : IBatchSource, IDisposable
{
    private const long OrderStream = 0, AugmentStream = 1;
    private readonly Tensor images;
    private readonly Tensor labels;
    private readonly BatchAugmenter augmenter;
    private readonly Device device;
    private bool disposed;

    /// <summary>Creates the pipeline over <paramref name="data"/>.</summary>
    /// <param name="data">The split (kept in memory as uint8).</param>
    /// <param name="normalization">Per-channel constants; its channel count must match the images.</param>
    /// <param name="config">Batching and augmentation; validated here.</param>
    /// <param name="device">Where batches are built and delivered.</param>
    public BatchPipeline(ImageDataSet data, Normalization normalization, BatchPipelineConfig config, Device device)
    {
        Config = config.Validate();
        if (normalization.Validate().Channels != data.Channels)
            throw new ArgumentException($"Normalization has {normalization.Channels} channels; {data.Name} has {data.Channels}.", nameof(normalization));
        if (data.Count == 0) throw new ArgumentException($"{data.Name} is empty.", nameof(data));
        if (config.DropLast && data.Count < config.BatchSize)
            throw new ArgumentOutOfRangeException(nameof(config), $"DropLast with BatchSize {config.BatchSize} leaves no batch of {data.Name} ({data.Count} images).");
        augmenter = new BatchAugmenter(Config.Augment, normalization);
        Normalization = normalization;
        this.device = device;
        Data = data;
        images = data.ImagesTensor().DetachFromDisposeScope();
        labels = data.LabelsTensor().DetachFromDisposeScope();
    }

    /// <summary>The split.</summary>
    public ImageDataSet Data { get; }
    /// <summary>The settings.</summary>
    public BatchPipelineConfig Config { get; }
    /// <summary>The per-channel normalisation constants.</summary>
    public Normalization Normalization { get; }

    /// <summary>The same pipeline building every batch on the calling thread (benchmarks measure production alone).</summary>
    public BatchPipeline WithoutPrefetch() => new(Data, Normalization, Config with { Prefetch = false }, device);
    /// <summary>The image side after augmentation (crop size, or the stored size).</summary>
    public long OutputSide => augmenter.OutputSide(Data.Height);

    /// <inheritdoc/>
    public long Count => Data.Count;

    /// <inheritdoc/>
    public int BatchesPerEpoch => Config.DropLast ? Data.Count / Config.BatchSize : (Data.Count + Config.BatchSize - 1) / Config.BatchSize;

    /// <summary>The image indices of epoch <paramref name="epoch"/> in batch order.</summary>
    public long[] Order(int epoch)
    {
        if (!Config.Shuffle) return Enumerable.Range(0, Data.Count).Select(i => (long)i).ToArray();
        using var generator = new Generator(SeedMix.Derive(Config.Seed, epoch, OrderStream));
        using var permutation = randperm(Data.Count, generator: generator);
        return permutation.data<long>().ToArray();
    }

    /// <inheritdoc/>
    public IEnumerable<(Tensor Images, Tensor Labels)> Epoch(int epoch)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var order = Order(epoch);
        var batches = BatchesPerEpoch;
        Task<(Tensor Images, Tensor Labels)>? pending = null;
        try
        {
            for (var i = 0; i < batches; i++)
            {
                var current = pending is null ? Build(order, epoch, i) : pending.GetAwaiter().GetResult();
                pending = null;
                if (Config.Prefetch && i + 1 < batches)
                {
                    var next = i + 1;
                    pending = Task.Run(() => Build(order, epoch, next));
                }
                var scope = CurrentDisposeScope;
                yield return (current.Images.MoveToOtherDisposeScope(scope), current.Labels.MoveToOtherDisposeScope(scope));
            }
        }
        finally
        {
            if (pending is not null)
            {
                // The caller stopped early: wait for the batch in flight and free it.
                try
                {
                    var (x, y) = pending.GetAwaiter().GetResult();
                    x.Dispose();
                    y.Dispose();
                }
                catch (Exception) when (disposed)
                {
                    // Building raced with Dispose; nothing was yielded, nothing to free.
                }
            }
        }
    }

    /// <summary>Batch <paramref name="index"/> of the given order; the tensors belong to no dispose scope.</summary>
    private (Tensor Images, Tensor Labels) Build(long[] order, int epoch, int index)
    {
        using var scope = NewDisposeScope();
        var start = index * Config.BatchSize;
        var length = Math.Min(Config.BatchSize, order.Length - start);
        var picked = tensor(order.AsSpan(start, length).ToArray(), ScalarType.Int64);
        using var generator = new Generator(SeedMix.Derive((long)SeedMix.Derive(Config.Seed, epoch, AugmentStream), index));
        var batch = augmenter.Apply(images.index_select(0, picked).to(device), generator);
        var batchLabels = labels.index_select(0, picked).to(device);
        return (batch.DetachFromDisposeScope(), batchLabels.DetachFromDisposeScope());
    }

    /// <summary>Frees the in-memory split.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        images.Dispose();
        labels.Dispose();
    }
}
