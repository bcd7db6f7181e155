using PEMN.Runtime;

namespace PEMN.Plans;

/// <summary>
/// The name of each figure plan (<see cref="FigurePlans"/>), spelled by the name table like strategies and models: the canonical
/// name is what <c>pemn plan NAME</c>, the listings and the tables write; a plan's results folder is accepted as an alias, so
/// <c>pemn plan strategy-ladder</c> runs the plan whose runs are in results/strategy-ladder/.
/// </summary>
public enum PlanName
{
    /// <summary>Fig. 3 on the ConvMixer.</summary>
    [Name("ladder", Aliases = ["strategy_ladder"])]
    Ladder,
    /// <summary>Fig. 3 on the ViT.</summary>
    [Name("vit_ladder")]
    VitLadder,
    /// <summary>Fig. 3's rungs on a CIFAR ResNet.</summary>
    [Name("resnet_ladder")]
    ResNetLadder,
    /// <summary>Wider and deeper ConvMixers against the gap to Dense.</summary>
    [Name("width_depth")]
    WidthDepth,
    /// <summary>How few values are enough, the core.</summary>
    [Name("few_values")]
    FewValues,
    /// <summary>How few values are enough, the whole sweep.</summary>
    [Name("few_values_extended")]
    FewValuesExtended,
    /// <summary>Fig. 4: CIFAR ResNets against sparse baselines.</summary>
    [Name("fig4", Aliases = ["resnet_compression"])]
    Fig4,
    /// <summary>Fig. 5: the ConvMixer against sparse baselines.</summary>
    [Name("fig5", Aliases = ["convmixer_compression"])]
    Fig5,
    /// <summary>The keep fraction swept, accuracy against bytes on disk.</summary>
    [Name("k_sweep")]
    KSweep,
    /// <summary>bf16 mixed precision against fp32.</summary>
    [Name("precision")]
    Precision,
    /// <summary>The paper's plotted values beside the workbook's results, claim by claim.</summary>
    [Name("paper_beside")]
    PaperBeside,
}
