namespace PEMN.Data;

/// <summary>
/// Training-time augmentation, applied on the device to a whole batch with per-image random parameters,
/// in this order: random crop with zero padding OR random resized crop; horizontal flip; RandAugment;
/// colour jitter; normalisation; random erasing. Each step is off when its field says so.
/// RandAugment implements this subset of the usual ops (all vectorised): Identity, AutoContrast,
/// Brightness, Contrast, Color (saturation), Posterize, Solarize, Rotate, ShearX, ShearY, TranslateX,
/// TranslateY. Not implemented: Equalize, Sharpness, Invert. Colour jitter implements brightness,
/// contrast and saturation, not hue.
/// </summary>
/// <param name="CropSize">Output side of the random crop (and of the resized crop); 0 = no crop.</param>
/// <param name="CropPadding">Zero padding on each side before the random crop (pixels).</param>
/// <param name="HorizontalFlip">Flip each image left-right with probability 1/2.</param>
/// <param name="ResizedCrop">Use a random resized crop (scale, ratio below) instead of the padded crop.</param>
/// <param name="ResizedCropScaleMin">Smallest fraction of the image area a resized crop covers.</param>
/// <param name="ResizedCropScaleMax">Largest fraction of the image area a resized crop covers.</param>
/// <param name="ResizedCropRatioMin">Smallest aspect ratio (width / height) of a resized crop.</param>
/// <param name="ResizedCropRatioMax">Largest aspect ratio of a resized crop.</param>
/// <param name="RandAugmentOps">RandAugment: ops applied per image (0 = off).</param>
/// <param name="RandAugmentMagnitude">RandAugment magnitude on the usual 0..30 scale (10 = the classic maximum).</param>
/// <param name="ColorJitter">Brightness, contrast and saturation factors drawn from [1 - j, 1 + j]; 0 = off.</param>
/// <param name="RandomErasing">Probability of erasing one random rectangle per image (after normalisation, to 0); 0 = off.</param>
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
    double RandAugmentMagnitude = AugmentationConfig.DefaultMagnitude,
    double ColorJitter = 0,
    double RandomErasing = 0)
{
    /// <summary>ConvMixer's CIFAR recipe keeps at least 35% of the image in a resized crop (torchvision's 8% is for ImageNet).</summary>
    public const double DefaultScaleMin = 0.35;
    /// <summary>ConvMixer's CIFAR recipe uses RandAugment magnitude 12 (timm scale, maximum 30 allowed here).</summary>
    public const double DefaultMagnitude = 12;
    /// <summary>The magnitude at which an op reaches its classic maximum strength (RandAugment paper's scale).</summary>
    public const double MagnitudeScale = 10;
    private const double MaxMagnitude = 30;
    /// <summary>Largest sensible number of RandAugment ops per image.</summary>
    public const int MaxRandAugmentOps = 10;

    /// <summary>No augmentation (evaluation).</summary>
    public static AugmentationConfig None { get; } = new();

    /// <summary>The quick CPU protocol: random crop to <paramref name="size"/> with padding <paramref name="padding"/> and a flip.</summary>
    public static AugmentationConfig CropFlip(int size, int padding) => new(CropSize: size, CropPadding: padding, HorizontalFlip: true);

    /// <summary>
    /// The PEMN authors' CIFAR recipe (paper notes, section 4): RandomResizedCrop(size, scale (1, 1)) (only the aspect
    /// ratio varies), flip, RandAugment(2, 12), ColorJitter(0.2), RandomErasing(0.2).
    /// </summary>
    public static AugmentationConfig Paper(int size) => new(CropSize: size, HorizontalFlip: true, ResizedCrop: true,
        ResizedCropScaleMin: PaperScale, ResizedCropScaleMax: PaperScale,
        RandAugmentOps: PaperRandAugmentOps, RandAugmentMagnitude: DefaultMagnitude, ColorJitter: PaperJitter, RandomErasing: PaperErasing);

    /// <summary>The authors' resized-crop scale: the whole image area (1, 1).</summary>
    public const double PaperScale = 1.0;
    /// <summary>The authors' RandAugment ops per image.</summary>
    public const int PaperRandAugmentOps = 2;
    /// <summary>The authors' ColorJitter factor.</summary>
    public const double PaperJitter = 0.2;
    /// <summary>The authors' RandomErasing probability.</summary>
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
        if (!(RandAugmentMagnitude >= 0 && RandAugmentMagnitude <= MaxMagnitude))
            throw new ArgumentOutOfRangeException(nameof(RandAugmentMagnitude), RandAugmentMagnitude, $"RandAugmentMagnitude must be in [0, {MaxMagnitude}].");
        if (!(ColorJitter >= 0 && ColorJitter < 1))
            throw new ArgumentOutOfRangeException(nameof(ColorJitter), ColorJitter, "ColorJitter must be in [0, 1).");
        if (!(RandomErasing >= 0 && RandomErasing <= 1))
            throw new ArgumentOutOfRangeException(nameof(RandomErasing), RandomErasing, "RandomErasing must be a probability in [0, 1].");
        return this;
    }
}
