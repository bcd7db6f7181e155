using PEMN.Data;
using PEMN.Runtime;

namespace PEMN.Configuration;

/// <summary>Which augmentation recipe the training images get (when <see cref="DataConfig.Augment"/> is on).</summary>
public enum AugmentPolicy
{
    /// <summary>Random crop after zero padding, and horizontal flip: the quick CPU protocol.</summary>
    CropFlip,
    /// <summary>The PEMN authors' CIFAR recipe (<see cref="Data.AugmentationConfig.Paper"/>).</summary>
    Paper,
}

/// <summary>Which images an experiment uses and how the training images are augmented.</summary>
/// <param name="Dataset">The image set.</param>
/// <param name="PerClass">Training subset: the first N images of each class in the file's order (null: all).</param>
/// <param name="Total">Training subset: the first N images of the file (null: all). Exclusive with <paramref name="PerClass"/>.</param>
/// <param name="TestPerClass">Test subset: the first N images of each class (null: the full test split).</param>
/// <param name="DataDir">Folder of the dataset files (null: the loader's default location).</param>
/// <param name="Augment">Random crop (after <paramref name="CropPadding"/> zero padding) and horizontal flip of training images.</param>
/// <param name="CropPadding">Padding in pixels before the random crop back to the image size.</param>
/// <param name="Mean">Per-channel normalisation mean (null: the dataset's standard values).</param>
/// <param name="Std">Per-channel normalisation std (null: the dataset's standard values).</param>
/// <param name="AugmentPolicy">Augmentation recipe (when <paramref name="Augment"/> is on).</param>
public sealed record DataConfig(
    DataSetName Dataset = DataSetName.Cifar10,
    int? PerClass = null,
    int? Total = null,
    int? TestPerClass = null,
    string? DataDir = null,
    bool Augment = true,
    int CropPadding = DataConfig.DefaultCropPadding,
    IReadOnlyList<double>? Mean = null,
    IReadOnlyList<double>? Std = null,
    AugmentPolicy AugmentPolicy = AugmentPolicy.CropFlip)
{
    /// <summary>The usual pad-and-crop of small-image training: 2 pixels (28/32-pixel images).</summary>
    public const int DefaultCropPadding = 2;
    /// <summary>Crop padding above a quarter of a 64-pixel image is a typo, not a recipe.</summary>
    public const int MaxCropPadding = 16;

    /// <summary>
    /// Training and test images one epoch reads, from the subsets and the data set's official split sizes
    /// (<see cref="DataSetCatalog.SplitSizes"/>); null when a split's size is not known (synthetic data without a subset).
    /// </summary>
    public (long Train, long Test)? ImagesPerEpoch(long classes)
    {
        var sizes = DataSetCatalog.SplitSizes(Dataset);
        long? Capped(long? wanted, long? available) => wanted is { } w && available is { } a ? Math.Min(w, a) : wanted ?? available;
        var train = Capped(PerClass is { } perClass ? perClass * classes : Total, sizes?.Train);
        var test = Capped(TestPerClass is { } testPerClass ? testPerClass * classes : null, sizes?.Test);
        return train is { } tr && test is { } te ? (tr, te) : null;
    }

    /// <summary>
    /// The same data with the fields that do not change the images at their defaults (where the files are; crop
    /// padding and recipe when nothing is augmented; the crop padding under the paper recipe, which has no padded crop).
    /// </summary>
    public DataConfig Canonical()
    {
        var d = new DataConfig();
        return this with
        {
            DataDir = null,
            CropPadding = Augment && AugmentPolicy == AugmentPolicy.CropFlip ? CropPadding : d.CropPadding,
            AugmentPolicy = Augment ? AugmentPolicy : d.AugmentPolicy,
        };
    }

    /// <summary>Throws when a field is outside its allowed range, naming the field, the value and the range.</summary>
    public DataConfig Validate()
    {
        if (!Enum.IsDefined(Dataset)) throw ConfigError.Enum("data.dataset", Dataset);
        if (!Enum.IsDefined(AugmentPolicy)) throw ConfigError.Enum("data.augment_policy", AugmentPolicy);
        if (PerClass is { } perClass) ConfigError.AtLeast("data.per_class", perClass, 1);
        if (Total is { } total) ConfigError.AtLeast("data.total", total, 1);
        if (PerClass is not null && Total is not null)
            throw new ArgumentException($"data.per_class = {PerClass} and data.total = {Total} are both set; allowed: at most one of them.", "data.total");
        if (TestPerClass is { } testPerClass) ConfigError.AtLeast("data.test_per_class", testPerClass, 1);
        if (CropPadding < 0 || CropPadding > MaxCropPadding)
            throw new ArgumentOutOfRangeException("data.crop_padding", CropPadding, $"data.crop_padding = {CropPadding} is outside the allowed range [0, {MaxCropPadding}].");
        if ((Mean is null) != (Std is null))
            throw new ArgumentException("data.mean and data.std must be given together (or both left null for the dataset's standard values).", Mean is null ? "data.std" : "data.mean");
        if (Mean is not null && Std is not null)
        {
            if (Mean.Count != Std.Count || Mean.Count == 0)
                throw new ArgumentException($"data.mean has {Mean.Count} values and data.std {Std.Count}; allowed: the same non-zero count (one per channel).", "data.std");
            foreach (var m in Mean) ConfigError.Range("data.mean", m, double.MinValue, double.MaxValue);
            foreach (var s in Std) ConfigError.Range("data.std", s, 0, double.MaxValue, lowOpen: true);
        }
        return this;
    }
}
