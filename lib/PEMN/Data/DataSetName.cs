namespace PEMN.Data;

/// <summary>The data sets the workbook reads.</summary>
public enum DataSetName
{
    /// <summary>Fashion-MNIST (Zalando), IDX files, 1x28x28, 10 classes.</summary>
    FashionMnist,
    /// <summary>MNIST digits, IDX files, 1x28x28, 10 classes.</summary>
    Mnist,
    /// <summary>CIFAR-10, binary version, 3x32x32, 10 classes.</summary>
    Cifar10,
    /// <summary>CIFAR-100, binary version (fine labels), 3x32x32, 100 classes.</summary>
    Cifar100,
    /// <summary>Tiny-ImageNet-200, JPEG folders, 3x64x64, 200 classes.</summary>
    TinyImageNet,
}

/// <summary>The command-line and folder names of <see cref="DataSetName"/>.</summary>
public static class DataSetNames
{
    private static readonly (DataSetName Name, string Key)[] Keys =
    [
        (DataSetName.FashionMnist, "fashion-mnist"),
        (DataSetName.Mnist, "mnist"),
        (DataSetName.Cifar10, "cifar10"),
        (DataSetName.Cifar100, "cifar100"),
        (DataSetName.TinyImageNet, "tiny-imagenet"),
    ];

    /// <summary>Every key, in the order of the enum.</summary>
    public static IReadOnlyList<string> All => Keys.Select(k => k.Key).ToArray();

    /// <summary>The key of a data set: the name on the command line and the folder under data/.</summary>
    public static string Key(this DataSetName name)
    {
        foreach (var (n, k) in Keys)
            if (n == name) return k;
        throw new ArgumentOutOfRangeException(nameof(name), name, $"Unknown data set; allowed: {string.Join(", ", All)}.");
    }

    /// <summary>Parses a key (case-insensitive); throws naming the allowed keys otherwise.</summary>
    public static DataSetName Parse(string key)
    {
        foreach (var (name, k) in Keys)
            if (string.Equals(k, key?.Trim(), StringComparison.OrdinalIgnoreCase)) return name;
        throw new ArgumentOutOfRangeException(nameof(key), key, $"Unknown data set '{key}'; allowed: {string.Join(", ", All)}.");
    }
}
