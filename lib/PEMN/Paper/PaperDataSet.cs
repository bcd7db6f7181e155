using PEMN.Data;
using PEMN.Runtime;

namespace PEMN.Paper;

/// <summary>
/// The data sets of the paper's figures. Those the library can load are spelled as their <see cref="DataSetName"/>
/// (<see cref="PaperDataSets.Catalogued"/>; a test holds the spellings equal); the ImageNet subsets of the extra panels
/// are not in the catalogue (no loader, no files), so they are named here only.
/// </summary>
public enum PaperDataSet
{
    /// <summary>CIFAR-10 (<see cref="DataSetName.Cifar10"/>).</summary>
    [Name("cifar10", Label = "CIFAR-10")]
    Cifar10,
    /// <summary>CIFAR-100 (<see cref="DataSetName.Cifar100"/>).</summary>
    [Name("cifar100", Label = "CIFAR-100")]
    Cifar100,
    /// <summary>Tiny-ImageNet-200 (<see cref="DataSetName.TinyImageNet"/>).</summary>
    [Name("tiny_imagenet", Label = "Tiny-ImageNet")]
    TinyImageNet,
    /// <summary>A 100-class subset of ImageNet (extra panel; not in the catalogue).</summary>
    [Name("imagenet100", Label = "ImageNet-100")]
    ImageNet100,
    /// <summary>A 200-class subset of ImageNet (extra panel; not in the catalogue).</summary>
    [Name("imagenet200", Label = "ImageNet-200")]
    ImageNet200,
}

/// <summary>The paper's data sets against the library's catalogue.</summary>
public static class PaperDataSets
{
    /// <summary>The catalogue's data set of the same name, or null for the ImageNet subsets the library does not load.</summary>
    public static DataSetName? Catalogued(this PaperDataSet dataSet) => dataSet switch
    {
        PaperDataSet.Cifar10 => DataSetName.Cifar10,
        PaperDataSet.Cifar100 => DataSetName.Cifar100,
        PaperDataSet.TinyImageNet => DataSetName.TinyImageNet,
        _ => null,
    };
}
