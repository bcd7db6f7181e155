namespace PEMN.Data;

/// <summary>
/// CIFAR-10 and CIFAR-100 "binary version": fixed-length records of label byte(s) followed by
/// 3x32x32 pixels as three 1024-byte colour planes (R, G, B), row-major. CIFAR-10 has one label byte;
/// CIFAR-100 has a coarse then a fine label byte, and the fine label is used.
/// </summary>
public static class CifarReader
{
    /// <summary>Image side in pixels.</summary>
    public const int Side = 32;
    /// <summary>Colour planes.</summary>
    public const int Channels = 3;
    /// <summary>Pixel bytes of one image.</summary>
    public const int ImageBytes = Channels * Side * Side;

    /// <summary>CIFAR-10's classes, in label order (the archive's batches.meta.txt).</summary>
    public static readonly IReadOnlyList<string> Cifar10Classes =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>CIFAR-100's fine classes, in label order (the archive's fine_label_names.txt).</summary>
    public static readonly IReadOnlyList<string> Cifar100Classes =
    [
        "apple", "aquarium_fish", "baby", "bear", "beaver", "bed", "bee", "beetle", "bicycle", "bottle",
        "bowl", "boy", "bridge", "bus", "butterfly", "camel", "can", "castle", "caterpillar", "cattle",
        "chair", "chimpanzee", "clock", "cloud", "cockroach", "couch", "crab", "crocodile", "cup", "dinosaur",
        "dolphin", "elephant", "flatfish", "forest", "fox", "girl", "hamster", "house", "kangaroo", "keyboard",
        "lamp", "lawn_mower", "leopard", "lion", "lizard", "lobster", "man", "maple_tree", "motorcycle", "mountain",
        "mouse", "mushroom", "oak_tree", "orange", "orchid", "otter", "palm_tree", "pear", "pickup_truck", "pine_tree",
        "plain", "plate", "poppy", "porcupine", "possum", "rabbit", "raccoon", "ray", "road", "rocket",
        "rose", "sea", "seal", "shark", "shrew", "skunk", "skyscraper", "snail", "snake", "spider",
        "squirrel", "streetcar", "sunflower", "sweet_pepper", "table", "tank", "telephone", "television", "tiger", "tractor",
        "train", "trout", "tulip", "turtle", "wardrobe", "whale", "willow_tree", "wolf", "woman", "worm",
    ];

    /// <summary>
    /// Reads and concatenates record files (e.g. data_batch_1..5.bin) into one split.
    /// <paramref name="labelBytes"/> is 1 for CIFAR-10 and 2 for CIFAR-100 (the last byte is the label used).
    /// </summary>
    public static ImageDataSet Load(string name, IReadOnlyList<string> paths, int labelBytes, IReadOnlyList<string> classNames)
    {
        if (labelBytes is not (1 or 2))
            throw new ArgumentOutOfRangeException(nameof(labelBytes), labelBytes, "CIFAR records have 1 (CIFAR-10) or 2 (CIFAR-100) label bytes.");
        var record = labelBytes + ImageBytes;
        var files = paths.Select(path => (Path: path, Bytes: FileBytes.Read(path))).ToArray();
        foreach (var (path, bytes) in files)
            if (bytes.Length == 0 || bytes.Length % record != 0)
                throw new DataSetException(
                    $"{path}: {bytes.Length} bytes is not a whole number of {record}-byte records ({labelBytes} label byte(s) + {ImageBytes} pixels); the file is truncated or not CIFAR binary.");
        var count = files.Sum(f => (long)(f.Bytes.Length / record));
        DataLimits.CheckDataSet(string.Join(", ", paths), count, ImageBytes);
        var images = new byte[(long)count * ImageBytes];
        var labels = new long[count];
        var n = 0L;
        foreach (var (path, bytes) in files)
        {
            for (var offset = 0; offset < bytes.Length; offset += record, n++)
            {
                var label = bytes[offset + labelBytes - 1];
                if (label >= classNames.Count)
                    throw new DataSetException($"{path}: label {label} of record {offset / record} is out of range; expected 0..{classNames.Count - 1}.");
                labels[n] = label;
                Array.Copy(bytes, offset + labelBytes, images, (long)n * ImageBytes, ImageBytes);
            }
        }
        return new ImageDataSet(name, images, labels, Channels, Side, Side, classNames);
    }

    /// <summary>Class names from a names file (one per line, blank lines ignored), or the built-in list when absent.</summary>
    public static IReadOnlyList<string> ClassNames(string? namesFile, IReadOnlyList<string> fallback)
    {
        if (namesFile is null || !File.Exists(namesFile)) return fallback;
        var names = File.ReadAllLines(namesFile).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        if (names.Length != fallback.Count)
            throw new DataSetException($"{namesFile}: {names.Length} class names; expected {fallback.Count}.");
        return names;
    }

    /// <summary>Writes records in the binary format (a coarse label byte first when given); tests and tools use it to make small files.</summary>
    public static void Write(string path, byte[] images, byte[] fine, byte[]? coarse = null)
    {
        using var file = File.Create(path);
        for (var i = 0; i < fine.Length; i++)
        {
            if (coarse is not null) file.WriteByte(coarse[i]);
            file.WriteByte(fine[i]);
            file.Write(images, i * ImageBytes, ImageBytes);
        }
    }
}
