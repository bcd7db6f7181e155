namespace PEMN.Strategies;

/// <summary>Which random values fill a model's frozen weights (paper section 2).</summary>
public enum StrategyName
{
    /// <summary>Ordinary trained weights; no masks.</summary>
    Dense,
    /// <summary>Sparse selection; every layer its own random values.</summary>
    Mask,
    /// <summary>Layers of one shape share the first such layer's values (shape-keyed prototypes).</summary>
    OneLayer,
    /// <summary>Max-layer padding: every layer is cut from the largest layer.</summary>
    MaxLayerPadding,
    /// <summary>Random vector padding: every layer is tiled from one short random vector.</summary>
    RandomVectorPadding,
}

/// <summary>How RP fills the tiled vector.</summary>
public enum PadMode
{
    /// <summary>Plain tiling (the paper).</summary>
    Copy,
    /// <summary>Tiling, then a seeded random permutation of positions (the authors' code).</summary>
    Rand,
}

/// <summary>A strategy and its settings.</summary>
/// <param name="Name">The strategy.</param>
/// <param name="Ratio">RP ratio r in (0, 1): the vector holds floor(N r) + 1 values.</param>
/// <param name="PadMode">RP tiling mode.</param>
/// <param name="Rescale">Rescale each layer's values to its own Kaiming std (named, never implemented, by the authors).</param>
/// <param name="IncludeLinear">One-layer: let linear layers share prototypes too (the authors share convs only).</param>
public sealed record StrategyConfig(
    StrategyName Name = StrategyName.Mask,
    double Ratio = 0.1,
    PadMode PadMode = PadMode.Copy,
    bool Rescale = false,
    bool IncludeLinear = false);
