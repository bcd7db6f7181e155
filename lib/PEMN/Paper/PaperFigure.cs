using PEMN.Runtime;

namespace PEMN.Paper;

/// <summary>
/// A figure of the paper whose plotted points the library holds (<see cref="PaperFigures"/>), named as the data file's
/// <c>figure</c> column spells it. The extra panels are the camera-ready version's, one model and data set each.
/// </summary>
public enum PaperFigure
{
    /// <summary>Fig. 3: the strategy ladder (Dense ... RP 1e-5) on ConvMixer and ViT, depth 6 and 8, width 256 and 512, CIFAR-10.</summary>
    [Name("fig3", Label = "Fig. 3")]
    Fig3,
    /// <summary>Fig. 4 (a): ResNet-32 and -56 against sparse baselines, accuracy against storage compression, CIFAR-10.</summary>
    [Name("fig4a", Label = "Fig. 4a")]
    Fig4a,
    /// <summary>Fig. 4 (b): the same on CIFAR-100.</summary>
    [Name("fig4b_cifar100", Label = "Fig. 4b", Aliases = ["fig4b"])]
    Fig4b,
    /// <summary>Fig. 5: ConvMixer depth 6 and 8 against sparse baselines, CIFAR-10.</summary>
    [Name("fig5", Label = "Fig. 5")]
    Fig5,
    /// <summary>Extra panel: ConvMixer depth 8 against sparse baselines on CIFAR-100.</summary>
    [Name("extra_convmixer_cf100", Label = "Extra (ConvMixer, CIFAR-100)")]
    ExtraConvMixerCifar100,
    /// <summary>Extra panel: ConvMixer depth 6 against sparse baselines on Tiny-ImageNet.</summary>
    [Name("extra_convmixer_tinyimagenet", Label = "Extra (ConvMixer, Tiny-ImageNet)")]
    ExtraConvMixerTinyImageNet,
    /// <summary>Extra panel: ResNet-50 against the magnitude baseline on ImageNet-100.</summary>
    [Name("extra_imagenet100", Label = "Extra (ResNet-50, ImageNet-100)")]
    ExtraImageNet100,
    /// <summary>Extra panel: ResNet-50 against the magnitude baseline on ImageNet-200.</summary>
    [Name("extra_imagenet200", Label = "Extra (ResNet-50, ImageNet-200)")]
    ExtraImageNet200,
}

/// <summary>What each figure shows, beyond its points: its data set and whether it is a ladder or a compression figure.</summary>
public static class PaperFigureKinds
{
    /// <summary>
    /// The data set of a figure's accuracies: CIFAR-10 unless the figure says otherwise (Fig. 4b: CIFAR-100; the extra
    /// panels: each its own).
    /// </summary>
    public static PaperDataSet DataSet(this PaperFigure figure) => figure switch
    {
        PaperFigure.Fig4b or PaperFigure.ExtraConvMixerCifar100 => PaperDataSet.Cifar100,
        PaperFigure.ExtraConvMixerTinyImageNet => PaperDataSet.TinyImageNet,
        PaperFigure.ExtraImageNet100 => PaperDataSet.ImageNet100,
        PaperFigure.ExtraImageNet200 => PaperDataSet.ImageNet200,
        _ => PaperDataSet.Cifar10,
    };

    /// <summary>Whether the figure is the strategy ladder (Fig. 3); every other figure plots accuracy against storage compression.</summary>
    public static bool IsLadder(this PaperFigure figure) => figure == PaperFigure.Fig3;
}
