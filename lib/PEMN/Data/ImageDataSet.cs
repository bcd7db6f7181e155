using static TorchSharp.torch;

namespace PEMN.Data;

/// <summary>
/// One split of an image classification data set, fully in memory: uint8 pixels laid out [N, C, H, W]
/// (channel planes, as CIFAR stores them) and int64 labels in [0, classes). Immutable; built only when a
/// whole file was read and checked, so a partial data set never exists.
/// </summary>
public sealed class ImageDataSet
{
    /// <summary>Creates a data set and checks that the arrays agree with the shape and the classes.</summary>
    /// <param name="name">A readable name, e.g. "cifar10/train".</param>
    /// <param name="images">Pixels, N*C*H*W bytes, [N, C, H, W] order.</param>
    /// <param name="labels">N labels, each in [0, classNames.Count).</param>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="classNames">One name per class; its length is the number of classes.</param>
    public ImageDataSet(string name, byte[] images, long[] labels, int channels, int height, int width, IReadOnlyList<string> classNames)
    {
        if (channels <= 0 || height <= 0 || width <= 0)
            throw new DataSetException($"{name}: image shape must be positive; got {channels}x{height}x{width}.");
        if (classNames.Count == 0) throw new DataSetException($"{name}: at least one class name is needed.");
        var pixels = (long)channels * height * width;
        if (images.LongLength != pixels * labels.LongLength)
            throw new DataSetException(
                $"{name}: {labels.LongLength} labels need {pixels * labels.LongLength} pixel bytes ({channels}x{height}x{width} each); got {images.LongLength}.");
        for (var i = 0; i < labels.Length; i++)
            if (labels[i] < 0 || labels[i] >= classNames.Count)
                throw new DataSetException($"{name}: label {labels[i]} of image {i} is outside [0, {classNames.Count}).");
        Name = name;
        Images = images;
        Labels = labels;
        Channels = channels;
        Height = height;
        Width = width;
        ClassNames = classNames.ToArray();
    }

    /// <summary>A readable name, e.g. "cifar10/train".</summary>
    public string Name { get; }
    /// <summary>Pixels, [N, C, H, W] order. Do not modify: the data set is shared.</summary>
    public byte[] Images { get; }
    /// <summary>Labels in [0, <see cref="Classes"/>).</summary>
    public long[] Labels { get; }
    /// <summary>Image channels.</summary>
    public int Channels { get; }
    /// <summary>Image height.</summary>
    public int Height { get; }
    /// <summary>Image width.</summary>
    public int Width { get; }
    /// <summary>One name per class.</summary>
    public IReadOnlyList<string> ClassNames { get; }
    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;
    /// <summary>Number of classes.</summary>
    public int Classes => ClassNames.Count;
    /// <summary>Bytes of one image.</summary>
    public int ImageBytes => Channels * Height * Width;
    /// <summary>The image shape [C, H, W].</summary>
    public long[] Shape => [Channels, Height, Width];

    /// <summary>All images as a uint8 tensor [N, C, H, W] on the CPU (a copy; the caller disposes it).</summary>
    public Tensor ImagesTensor() => tensor(Images, [Count, Channels, Height, Width], ScalarType.Byte);

    /// <summary>All labels as an int64 tensor [N] on the CPU (a copy; the caller disposes it).</summary>
    public Tensor LabelsTensor() => tensor(Labels, [Count], ScalarType.Int64);

    /// <summary>Images per class, indexed by label.</summary>
    public int[] ClassCounts()
    {
        var counts = new int[Classes];
        foreach (var label in Labels) counts[label]++;
        return counts;
    }

    /// <summary>A new data set made of the images at <paramref name="indices"/>, in that order.</summary>
    public ImageDataSet Select(IReadOnlyList<int> indices, string? name = null)
    {
        var size = ImageBytes;
        var images = new byte[(long)indices.Count * size];
        var labels = new long[indices.Count];
        for (var i = 0; i < indices.Count; i++)
        {
            var source = indices[i];
            if (source < 0 || source >= Count)
                throw new ArgumentOutOfRangeException(nameof(indices), source, $"{Name}: index {source} is outside [0, {Count}).");
            Array.Copy(Images, (long)source * size, images, (long)i * size, size);
            labels[i] = Labels[source];
        }
        return new ImageDataSet(name ?? Name, images, labels, Channels, Height, Width, ClassNames);
    }
}
