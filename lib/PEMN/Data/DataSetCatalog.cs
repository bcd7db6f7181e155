using PEMN.Runtime;

namespace PEMN.Data;

/// <summary>The image sets the workbook knows: their one identity, from config files to folder names and labels.</summary>
public enum DataSetName
{
    /// <summary>Seeded Gaussian-blob images generated in memory (<see cref="SyntheticBatchSource"/>): tests and the smoke preset.</summary>
    [Name("synthetic", Label = "Synthetic")]
    Synthetic,
    /// <summary>Fashion-MNIST (Zalando), IDX files, 1x28x28, 10 classes: the CPU protocol.</summary>
    [Name("fashion_mnist", Label = "Fashion-MNIST")]
    FashionMnist,
    /// <summary>MNIST digits, IDX files, 1x28x28, 10 classes.</summary>
    [Name("mnist", Label = "MNIST")]
    Mnist,
    /// <summary>CIFAR-10, binary version, 3x32x32, 10 classes: the paper.</summary>
    [Name("cifar10", Label = "CIFAR-10")]
    Cifar10,
    /// <summary>CIFAR-100, binary version (fine labels), 3x32x32, 100 classes.</summary>
    [Name("cifar100", Label = "CIFAR-100")]
    Cifar100,
    /// <summary>Tiny-ImageNet-200, JPEG folders, 3x64x64, 200 classes.</summary>
    [Name("tiny_imagenet", Label = "Tiny-ImageNet")]
    TinyImageNet,
}

/// <summary>
/// Every data set's identity in one place: image shape, classes, normalisation constants, the files it needs on
/// disk, where the official copies are served (with the publishers' MD5s) and how to read them.
/// </summary>
public static class DataSetCatalog
{
    /// <summary>Fashion-MNIST's classes, in label order.</summary>
    public static readonly IReadOnlyList<string> FashionMnistClasses =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>MNIST's classes: the digits.</summary>
    public static readonly IReadOnlyList<string> MnistClasses = Enumerable.Range(0, 10).Select(d => d.ToString()).ToArray();

    private const string TrainImages = "train-images-idx3-ubyte.gz", TrainLabels = "train-labels-idx1-ubyte.gz";
    private const string TestImages = "t10k-images-idx3-ubyte.gz", TestLabels = "t10k-labels-idx1-ubyte.gz";
    private const string Cifar10Folder = "cifar-10-batches-bin", Cifar100Folder = "cifar-100-binary", TinyFolder = "tiny-imagenet-200";
    private const int Cifar10TrainBatches = 5;

    /// <summary>Fashion-MNIST's training-set pixel mean and std (pixels in [0, 1]), as commonly published.</summary>
    public static readonly Normalization FashionMnistNormalization = new([0.2860], [0.3530]);

    /// <summary>
    /// Images in the official training and test splits (null for synthetic data, whose counts are the config's): what a
    /// full-data run reads per epoch, for estimating its compute before any file is present.
    /// </summary>
    public static (long Train, long Test)? SplitSizes(DataSetName name) => name switch
    {
        DataSetName.FashionMnist or DataSetName.Mnist => (60_000, 10_000),
        DataSetName.Cifar10 or DataSetName.Cifar100 => (50_000, 10_000),
        DataSetName.TinyImageNet => (100_000, 10_000),
        _ => null,
    };

    /// <summary>The spec of <paramref name="name"/>.</summary>
    public static DataSetSpec Get(DataSetName name) => name switch
    {
        // Images standardised as generated: no normalisation, any shape (the model's).
        DataSetName.Synthetic => new DataSetSpec(name, null, null, [], [], [], null),
        DataSetName.FashionMnist => Idx(name, FashionMnistClasses, FashionMnistNormalization, "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
            ("8d4fb7e6c68d591d4c3dfef9ec88bf0d", "25c81989df183df01b3e8a0aad5dffbe", "bef4ecab320f06d8554ea6380940ec79", "bb300cfdad3c16e7a12a480ee83cd310")),
        // The original host rate-limits; this mirror serves byte-identical files with the same official MD5s.
        DataSetName.Mnist => Idx(name, MnistClasses, new Normalization([0.1307], [0.3081]), "https://ossci-datasets.s3.amazonaws.com/mnist/",
            ("f68b3c2dcbeaaa9fbdd348bbdeb94873", "d53e105ee54ea40749a09fcbcd1e9432", "9fb629c4189551a2d022fa330f9573f3", "ec29112dd5afa0611ce80d1b7f02629c")),
        DataSetName.Cifar10 => new DataSetSpec(name, new ImageShape(3, 32, 10),
            new Normalization([0.4914, 0.4822, 0.4465], [0.2470, 0.2435, 0.2616]), CifarReader.Cifar10Classes,
            [.. Enumerable.Range(1, Cifar10TrainBatches).Select(i => $"{Cifar10Folder}/data_batch_{i}.bin"), $"{Cifar10Folder}/test_batch.bin"],
            [new DownloadSource(new Uri("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"), "cifar-10-binary.tar.gz",
                "c32a1d4ab5d03f1284b67883e8d87530", Archive: ArchiveKind.TarGz)],
            folder =>
            {
                var root = Path.Combine(folder, Cifar10Folder);
                var names = CifarReader.ClassNames(Path.Combine(root, "batches.meta.txt"), CifarReader.Cifar10Classes);
                var train = Enumerable.Range(1, Cifar10TrainBatches).Select(i => Path.Combine(root, $"data_batch_{i}.bin")).ToArray();
                return (CifarReader.Load("cifar10/train", train, 1, names),
                        CifarReader.Load("cifar10/test", [Path.Combine(root, "test_batch.bin")], 1, names));
            }),
        DataSetName.Cifar100 => new DataSetSpec(name, new ImageShape(3, 32, 100),
            new Normalization([0.5071, 0.4865, 0.4409], [0.2673, 0.2564, 0.2762]), CifarReader.Cifar100Classes,
            [$"{Cifar100Folder}/train.bin", $"{Cifar100Folder}/test.bin"],
            [new DownloadSource(new Uri("https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz"), "cifar-100-binary.tar.gz",
                "03b5dce01913d631647c71ecec9e9cb8", Archive: ArchiveKind.TarGz)],
            folder =>
            {
                var root = Path.Combine(folder, Cifar100Folder);
                var names = CifarReader.ClassNames(Path.Combine(root, "fine_label_names.txt"), CifarReader.Cifar100Classes);
                return (CifarReader.Load("cifar100/train", [Path.Combine(root, "train.bin")], 2, names),
                        CifarReader.Load("cifar100/test", [Path.Combine(root, "test.bin")], 2, names));
            }),
        DataSetName.TinyImageNet => new DataSetSpec(name, new ImageShape(3, 64, 200),
            new Normalization([0.480, 0.448, 0.398], [0.277, 0.269, 0.282]), [],
            [$"{TinyFolder}/{TinyImageNetReader.WnidsFile}", $"{TinyFolder}/train/", $"{TinyFolder}/val/images/", $"{TinyFolder}/val/val_annotations.txt"],
            [new DownloadSource(new Uri("http://cs231n.stanford.edu/tiny-imagenet-200.zip"), "tiny-imagenet-200.zip",
                "90528d7ca1a48142e341f4ef8d21d0de", Archive: ArchiveKind.Zip)],
            folder =>
            {
                var root = Path.Combine(folder, TinyFolder);
                return (TinyImageNetReader.LoadTrain(root), TinyImageNetReader.LoadVal(root));
            }),
        _ => throw ConfigError.Enum("data set", name),
    };

    private static DataSetSpec Idx(DataSetName name, IReadOnlyList<string> classes, Normalization normalization, string baseUrl,
        (string TrainImages, string TrainLabels, string TestImages, string TestLabels) md5)
    {
        var key = Names.Of(name);
        return new DataSetSpec(name, new ImageShape(1, 28, classes.Count), normalization, classes,
            [TrainImages, TrainLabels, TestImages, TestLabels],
            [
                new DownloadSource(new Uri(baseUrl + TrainImages), TrainImages, md5.TrainImages),
                new DownloadSource(new Uri(baseUrl + TrainLabels), TrainLabels, md5.TrainLabels),
                new DownloadSource(new Uri(baseUrl + TestImages), TestImages, md5.TestImages),
                new DownloadSource(new Uri(baseUrl + TestLabels), TestLabels, md5.TestLabels),
            ],
            folder =>
            {
                string At(string file) => DataSetSpec.Find(folder, file) ?? Path.Combine(folder, file);
                return (IdxReader.Load($"{key}/train", At(TrainImages), At(TrainLabels), classes),
                        IdxReader.Load($"{key}/test", At(TestImages), At(TestLabels), classes));
            });
    }
}
