using static TorchSharp.torch;

namespace PEMN.Masking;

/// <summary>
/// Counts the multiply-adds of the masked and sparse conv and linear layers as they run on this thread, while the counter
/// is open: a layer with weight W adds numel(W) per output position of each image (a conv's positions are its output's
/// H x W, a linear's every leading index but the batch: a ViT's tokens). Counting a real forward pass, rather than a
/// formula per architecture, makes every model the layer factory builds countable. Closed, it costs one null check per layer.
/// </summary>
public sealed class MultiplyAddCounter : IDisposable
{
    [ThreadStatic] private static MultiplyAddCounter? current;
    private readonly MultiplyAddCounter? outer;

    private MultiplyAddCounter(MultiplyAddCounter? outer) => this.outer = outer;

    /// <summary>Multiply-adds per image counted so far.</summary>
    public long PerImage { get; private set; }

    /// <summary>Multiply-adds per image of the first layer that ran (the one whose input is the image), 0 before any.</summary>
    public long FirstLayer { get; private set; }

    /// <summary>Opens a counter on this thread (until disposed; counters nest, the innermost counts).</summary>
    public static MultiplyAddCounter Start() => current = new MultiplyAddCounter(current);

    /// <summary>Adds a layer's call: its weight and its output [batch, ...].</summary>
    internal static void Add(Tensor weight, Tensor output, bool conv)
    {
        if (current is not { } counter) return;
        var shape = output.shape;
        var positions = conv ? shape[^2] * shape[^1] : output.numel() / (shape[0] * shape[^1]);
        var count = weight.numel() * positions;
        if (counter.PerImage == 0) counter.FirstLayer = count;
        counter.PerImage += count;
    }

    /// <summary>Closes the counter.</summary>
    public void Dispose() => current = outer;
}
