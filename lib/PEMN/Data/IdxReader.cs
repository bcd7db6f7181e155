using System.Buffers.Binary;

namespace PEMN.Data;

/// <summary>
/// MNIST / Fashion-MNIST IDX files (plain or .gz): a big-endian header, magic 2051 with
/// count, rows, columns for images, magic 2049 with count for labels, then one unsigned byte per value.
/// </summary>
public static class IdxReader
{
    /// <summary>Magic number of an IDX file of unsigned-byte images (type 0x08, 3 dimensions).</summary>
    public const int ImagesMagic = 2051;
    /// <summary>Magic number of an IDX file of unsigned-byte labels (type 0x08, 1 dimension).</summary>
    public const int LabelsMagic = 2049;
    private const int ImagesHeaderBytes = 16, LabelsHeaderBytes = 8;

    /// <summary>Reads an image file: pixels [N, rows, cols] and the sizes.</summary>
    public static (byte[] Pixels, int Count, int Rows, int Columns) ReadImages(string path)
    {
        var bytes = FileBytes.Read(path);
        if (bytes.Length < ImagesHeaderBytes)
            throw new DataSetException($"{path}: truncated; expected an IDX image header of {ImagesHeaderBytes} bytes, got {bytes.Length} bytes.");
        var magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != ImagesMagic)
            throw new DataSetException($"{path}: wrong magic number {magic}; expected {ImagesMagic} (IDX unsigned-byte images).");
        var count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        var rows = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8));
        var columns = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(12));
        if (count < 0 || rows <= 0 || columns <= 0)
            throw new DataSetException($"{path}: header says {count} images of {rows}x{columns}; expected positive sizes.");
        // Before the product below: rows x columns within the pixel limit keeps count x rows x columns inside a long.
        if ((long)rows * columns > DataLimits.MaxImagePixels)
            throw new DataSetException($"{path}: header says images of {rows}x{columns} pixels, more than the limit of {DataLimits.MaxImagePixels} pixels per image; " +
                $"expected an IDX image file ({Runtime.SizeLimits.Advice}).");
        var expected = ImagesHeaderBytes + (long)count * rows * columns;
        if (bytes.LongLength != expected)
            throw new DataSetException($"{path}: {(bytes.LongLength < expected ? "truncated" : "too long")}; expected {expected} bytes for {count} images of {rows}x{columns}, got {bytes.LongLength}.");
        return (bytes[ImagesHeaderBytes..], count, rows, columns);
    }

    /// <summary>Reads a label file: one byte per image.</summary>
    public static byte[] ReadLabels(string path)
    {
        var bytes = FileBytes.Read(path);
        if (bytes.Length < LabelsHeaderBytes)
            throw new DataSetException($"{path}: truncated; expected an IDX label header of {LabelsHeaderBytes} bytes, got {bytes.Length} bytes.");
        var magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != LabelsMagic)
            throw new DataSetException($"{path}: wrong magic number {magic}; expected {LabelsMagic} (IDX unsigned-byte labels).");
        var count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        var expected = LabelsHeaderBytes + (long)count;
        if (count < 0 || bytes.LongLength != expected)
            throw new DataSetException($"{path}: {(bytes.LongLength < expected ? "truncated" : "wrong length")}; expected {expected} bytes for {count} labels, got {bytes.LongLength}.");
        return bytes[LabelsHeaderBytes..];
    }

    /// <summary>Reads a matching image and label file into one split; every check happens before it is built.</summary>
    public static ImageDataSet Load(string name, string imagesPath, string labelsPath, IReadOnlyList<string> classNames)
    {
        var (pixels, count, rows, columns) = ReadImages(imagesPath);
        var labelBytes = ReadLabels(labelsPath);
        if (labelBytes.Length != count)
            throw new DataSetException($"{labelsPath}: {labelBytes.Length} labels, but {imagesPath} has {count} images; expected the same count.");
        var labels = new long[count];
        for (var i = 0; i < count; i++)
        {
            if (labelBytes[i] >= classNames.Count)
                throw new DataSetException($"{labelsPath}: label {labelBytes[i]} of image {i} is out of range; expected 0..{classNames.Count - 1}.");
            labels[i] = labelBytes[i];
        }
        return new ImageDataSet(name, pixels, labels, 1, rows, columns, classNames);
    }

    /// <summary>Writes an IDX image file (gzip when <paramref name="gzip"/>); used by tests and tools that make small data sets.</summary>
    public static void WriteImages(string path, byte[] pixels, int count, int rows, int columns, bool gzip)
    {
        var header = new byte[ImagesHeaderBytes];
        BinaryPrimitives.WriteInt32BigEndian(header, ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), columns);
        Write(path, [.. header, .. pixels], gzip);
    }

    /// <summary>Writes an IDX label file (gzip when <paramref name="gzip"/>).</summary>
    public static void WriteLabels(string path, byte[] labels, bool gzip)
    {
        var header = new byte[LabelsHeaderBytes];
        BinaryPrimitives.WriteInt32BigEndian(header, LabelsMagic);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), labels.Length);
        Write(path, [.. header, .. labels], gzip);
    }

    private static void Write(string path, byte[] content, bool gzip)
    {
        using var file = File.Create(path);
        if (!gzip) { file.Write(content); return; }
        using var stream = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest);
        stream.Write(content);
    }
}
