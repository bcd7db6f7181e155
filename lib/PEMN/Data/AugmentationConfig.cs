namespace PEMN.Data;

/// <summary>
/// Training-time augmentation, applied on the device to a whole batch with per-image random parameters, each step
/// defined as torchvision 0.14 defines it and in the PEMN authors' order (their train.py): the crop (RandomCrop with
/// zero padding, OR RandomResizedCrop); RandomHorizontalFlip(0.5); RandAugment (all 14 ops, 31 magnitude bins,
/// nearest interpolation, fill 0; see <see cref="RandAugment"/>); ColorJitter(j, j, j) with its parts in a random
/// order per image; ToTensor; Normalize; RandomErasing(p) (scale (0.02, 0.33), ratio (0.3, 3.3), value 0, after
/// normalisation). Crop, flip, RandAugment and ColorJitter compute on whole numbers 0..255 with Pillow's rounding,
/// as the authors' pipeline does on PIL images (<see cref="PilImageOps"/>). Each step is off when its field says so.
/// </summary>
/// <param name="CropSize">Output side of the crop (padded or resized); 0 = no crop.</param>
/// <param name="CropPadding">Zero padding on each side before the padded crop (pixels).</param>
/// <param name="HorizontalFlip">Flip each image left-right with probability 1/2.</param>
/// <param name="ResizedCrop">Use torchvision's RandomResizedCrop(CropSize, scale, ratio) instead of the padded crop.</param>
/// <param name="ResizedCropScaleMin">Smallest fraction of the image area a resized crop covers (torchvision default 0.08).</param>
/// <param name="ResizedCropScaleMax">Largest fraction of the image area a resized crop covers (torchvision default 1).</param>
/// <param name="ResizedCropRatioMin">Smallest aspect ratio (width / height) of a resized crop (torchvision default 3/4).</param>
/// <param name="ResizedCropRatioMax">Largest aspect ratio of a resized crop (torchvision default 4/3).</param>
/// <param name="RandAugmentOps">RandAugment num_ops: ops applied per image, one after the other (0 = off).</param>
/// <param name="RandAugmentMagnitude">
/// RandAugment magnitude: an index into torchvision's tables of <see cref="RandAugment.MagnitudeBins"/> values, so m
/// means m / 30 of each op's range (12: shear 0.12, 12 degrees, enhance factors 1 +- 0.36, 6 bits, solarize at 153).
/// </param>
/// <param name="ColorJitter">ColorJitter(j, j, j): brightness, contrast and saturation factors from [1 - j, 1 + j], hue off; 0 = off.</param>
/// <param name="RandomErasing">RandomErasing probability p (one rectangle per chosen image, set to 0 after normalisation); 0 = off.</param>
public sealed record AugmentationConfig(
    int CropSize = 0,
    int CropPadding = 0,
    bool HorizontalFlip = false,
    bool ResizedCrop = false,
    double ResizedCropScaleMin = AugmentationConfig.DefaultScaleMin,
    double ResizedCropScaleMax = 1.0,
    double ResizedCropRatioMin = 3.0 / 4.0,
    double ResizedCropRatioMax = 4.0 / 3.0,
    int RandAugmentOps = 0,
    int RandAugmentMagnitude = AugmentationConfig.PaperMagnitude,
    double ColorJitter = 0,
    double RandomErasing = 0)
{
    /// <summary>torchvision RandomResizedCrop's default smallest area fraction, scale=(0.08, 1.0).</summary>
    public const double DefaultScaleMin = 0.08;
    /// <summary>Largest sensible number of RandAugment ops per image.</summary>
    public const int MaxRandAugmentOps = 10;

    /// <summary>No augmentation (evaluation).</summary>
    public static AugmentationConfig None { get; } = new();

    /// <summary>The quick CPU protocol: random crop to <paramref name="size"/> with padding <paramref name="padding"/> and a flip.</summary>
    public static AugmentationConfig CropFlip(int size, int padding) => new(CropSize: size, CropPadding: padding, HorizontalFlip: true);

    /// <summary>
    /// The PEMN authors' CIFAR recipe (paper notes, section 4; their README: --scale=1.0 --ra-n=2 --ra-m=12
    /// --jitter=0.2 --reprob=0.2), torchvision's
    /// RandomResizedCrop(size, scale=(1, 1), ratio=(1, 1)) (the whole image, undistorted: the identity when
    /// <paramref name="size"/> is the image side), RandomHorizontalFlip(), RandAugment(num_ops=2, magnitude=12),
    /// ColorJitter(0.2, 0.2, 0.2), ToTensor(), Normalize(mean, std), RandomErasing(p=0.2).
    /// </summary>
    public static AugmentationConfig Paper(int size) => new(CropSize: size, HorizontalFlip: true, ResizedCrop: true,
        ResizedCropScaleMin: PaperScale, ResizedCropScaleMax: PaperScale, ResizedCropRatioMin: PaperRatio, ResizedCropRatioMax: PaperRatio,
        RandAugmentOps: PaperRandAugmentOps, RandAugmentMagnitude: PaperMagnitude, ColorJitter: PaperJitter, RandomErasing: PaperErasing);

    /// <summary>The authors' resized-crop scale (--scale=1.0, upper bound 1): the whole image area, (1, 1).</summary>
    public const double PaperScale = 1.0;
    /// <summary>The authors' resized-crop aspect ratio (train.py: ratio=(1.0, 1.0)): no distortion.</summary>
    public const double PaperRatio = 1.0;
    /// <summary>The authors' RandAugment ops per image (--ra-n=2).</summary>
    public const int PaperRandAugmentOps = 2;
    /// <summary>The authors' RandAugment magnitude (--ra-m=12): index 12 of 31 bins, 12/30 of each op's range.</summary>
    public const int PaperMagnitude = 12;
    /// <summary>The authors' ColorJitter strength for brightness, contrast and saturation (--jitter=0.2).</summary>
    public const double PaperJitter = 0.2;
    /// <summary>The authors' RandomErasing probability (--reprob=0.2).</summary>
    public const double PaperErasing = 0.2;

    /// <summary>True when any step changes the images.</summary>
    public bool Enabled => CropSize > 0 || HorizontalFlip || RandAugmentOps > 0 || ColorJitter > 0 || RandomErasing > 0;

    /// <summary>Throws naming the field, its value and the allowed range; returns this.</summary>
    public AugmentationConfig Validate()
    {
        if (CropSize < 0) throw new ArgumentOutOfRangeException(nameof(CropSize), CropSize, "CropSize must be >= 0 (0 = no crop).");
        if (CropPadding < 0) throw new ArgumentOutOfRangeException(nameof(CropPadding), CropPadding, "CropPadding must be >= 0.");
        if (CropPadding > 0 && CropSize == 0) throw new ArgumentOutOfRangeException(nameof(CropPadding), CropPadding, "CropPadding needs CropSize > 0.");
        if (ResizedCrop && CropSize == 0) throw new ArgumentOutOfRangeException(nameof(CropSize), CropSize, "ResizedCrop needs CropSize > 0.");
        if (ResizedCrop && CropPadding > 0) throw new ArgumentOutOfRangeException(nameof(CropPadding), CropPadding, "CropPadding applies to the padded crop, not to ResizedCrop; set it to 0.");
        if (!(ResizedCropScaleMin > 0 && ResizedCropScaleMin <= ResizedCropScaleMax && ResizedCropScaleMax <= 1))
            throw new ArgumentOutOfRangeException(nameof(ResizedCropScaleMin), $"Resized crop scale [{ResizedCropScaleMin}, {ResizedCropScaleMax}] must satisfy 0 < min <= max <= 1.");
        if (!(ResizedCropRatioMin > 0 && ResizedCropRatioMin <= ResizedCropRatioMax && double.IsFinite(ResizedCropRatioMax)))
            throw new ArgumentOutOfRangeException(nameof(ResizedCropRatioMin), $"Resized crop ratio [{ResizedCropRatioMin}, {ResizedCropRatioMax}] must satisfy 0 < min <= max.");
        if (RandAugmentOps is < 0 or > MaxRandAugmentOps)
            throw new ArgumentOutOfRangeException(nameof(RandAugmentOps), RandAugmentOps, $"RandAugmentOps must be in 0..{MaxRandAugmentOps}.");
        if (RandAugmentMagnitude is < 0 or >= RandAugment.MagnitudeBins)
            throw new ArgumentOutOfRangeException(nameof(RandAugmentMagnitude), RandAugmentMagnitude, $"RandAugmentMagnitude must be in 0..{RandAugment.MagnitudeBins - 1} (an index into torchvision's {RandAugment.MagnitudeBins} magnitude bins).");
        if (!(ColorJitter >= 0 && ColorJitter < 1))
            throw new ArgumentOutOfRangeException(nameof(ColorJitter), ColorJitter, "ColorJitter must be in [0, 1).");
        if (!(RandomErasing >= 0 && RandomErasing <= 1))
            throw new ArgumentOutOfRangeException(nameof(RandomErasing), RandomErasing, "RandomErasing must be a probability in [0, 1].");
        return this;
    }
}
