using System.Text.Json.Serialization;

namespace PEMN.Experiments;

/// <summary>The image sets an experiment can train on.</summary>
public enum DatasetName
{
    /// <summary>Seeded Gaussian-blob images in memory (<see cref="Data.SyntheticBatchSource"/>): tests and the smoke preset.</summary>
    Synthetic,
    /// <summary>Fashion-MNIST (1x28x28, 10 classes): the CPU protocol.</summary>
    FashionMnist,
    /// <summary>MNIST digits (1x28x28, 10 classes).</summary>
    Mnist,
    /// <summary>CIFAR-10 (3x32x32, 10 classes): the paper.</summary>
    Cifar10,
    /// <summary>CIFAR-100 (3x32x32, 100 classes).</summary>
    Cifar100,
    /// <summary>Tiny-ImageNet (3x64x64, 200 classes).</summary>
    [JsonStringEnumMemberName("tiny_imagenet")]
    TinyImageNet,
}

/// <summary>The one mapping from an experiment's data source to the readable data set of <see cref="Data"/>.</summary>
public static class DatasetNames
{
    /// <summary>The data set read for <paramref name="name"/>; null for synthetic data.</summary>
    public static Data.DataSetName? ToDataSet(this DatasetName name) => name switch
    {
        DatasetName.FashionMnist => Data.DataSetName.FashionMnist,
        DatasetName.Mnist => Data.DataSetName.Mnist,
        DatasetName.Cifar10 => Data.DataSetName.Cifar10,
        DatasetName.Cifar100 => Data.DataSetName.Cifar100,
        DatasetName.TinyImageNet => Data.DataSetName.TinyImageNet,
        _ => null,
    };
}

/// <summary>Image shape and class count of each dataset, for checking that a model fits its data.</summary>
public static class DatasetShapes
{
    /// <summary>(channels, image side, classes) of <paramref name="name"/>; null for synthetic data (any shape).</summary>
    public static (long Channels, long ImageSize, long Classes)? Of(DatasetName name) => name switch
    {
        DatasetName.FashionMnist or DatasetName.Mnist => (1, 28, 10),
        DatasetName.Cifar10 => (3, 32, 10),
        DatasetName.Cifar100 => (3, 32, 100),
        DatasetName.TinyImageNet => (3, 64, 200),
        _ => null,
    };
}
