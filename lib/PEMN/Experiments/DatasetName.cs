using System.Text.Json.Serialization;

namespace PEMN.Experiments;

/// <summary>The image sets an experiment can train on.</summary>
public enum DatasetName
{
    /// <summary>Seeded Gaussian-blob images in memory (<see cref="Data.SyntheticBatchSource"/>): tests and the smoke preset.</summary>
    Synthetic,
    /// <summary>Fashion-MNIST (1x28x28, 10 classes): the CPU protocol.</summary>
    FashionMnist,
    /// <summary>CIFAR-10 (3x32x32, 10 classes): the paper.</summary>
    Cifar10,
    /// <summary>CIFAR-100 (3x32x32, 100 classes).</summary>
    Cifar100,
    /// <summary>Tiny-ImageNet (3x64x64, 200 classes).</summary>
    [JsonStringEnumMemberName("tiny_imagenet")]
    TinyImageNet,
}

/// <summary>Image shape and class count of each dataset, for checking that a model fits its data.</summary>
public static class DatasetShapes
{
    /// <summary>(channels, image side, classes) of <paramref name="name"/>; null for synthetic data (any shape).</summary>
    public static (long Channels, long ImageSize, long Classes)? Of(DatasetName name) => name switch
    {
        DatasetName.FashionMnist => (1, 28, 10),
        DatasetName.Cifar10 => (3, 32, 10),
        DatasetName.Cifar100 => (3, 32, 100),
        DatasetName.TinyImageNet => (3, 64, 200),
        _ => null,
    };
}
