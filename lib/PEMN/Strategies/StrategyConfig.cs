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
    bool IncludeLinear = false)
{
    /// <summary>The allowed RP ratios, as text for error messages: an open interval.</summary>
    public const string RatioRange = "(0, 1)";

    /// <summary>
    /// The layers a model needs for this strategy: dense for <see cref="StrategyName.Dense"/>, masked otherwise.
    /// A method, not a property, so that it never enters the serialised config (and the run id).
    /// </summary>
    public Masking.LayerKind RequiredLayerKind() => Name == StrategyName.Dense ? Masking.LayerKind.Dense : Masking.LayerKind.Masked;

    /// <summary>
    /// Throws when a field is outside its allowed range, naming the field, the value and the allowed values.
    /// The ratio must always be finite; it must lie in (0, 1) for RP (r = 1 would be MP, use that strategy).
    /// </summary>
    public StrategyConfig Validate()
    {
        if (!Enum.IsDefined(Name))
            throw new ArgumentOutOfRangeException(nameof(Name), Name,
                $"Unknown strategy '{Name}'; allowed: {string.Join(", ", Enum.GetNames<StrategyName>())}.");
        if (!Enum.IsDefined(PadMode))
            throw new ArgumentOutOfRangeException(nameof(PadMode), PadMode,
                $"Unknown pad mode '{PadMode}'; allowed: {string.Join(", ", Enum.GetNames<PadMode>())}.");
        if (!double.IsFinite(Ratio))
            throw new ArgumentOutOfRangeException(nameof(Ratio), Ratio, $"Ratio = {Ratio} must be a finite number in {RatioRange}.");
        if (Name == StrategyName.RandomVectorPadding && (Ratio <= 0 || Ratio >= 1))
            throw new ArgumentOutOfRangeException(nameof(Ratio), Ratio,
                $"Ratio = {Ratio} is outside the allowed range {RatioRange} for random vector padding (r = 1 is max-layer padding).");
        return this;
    }
}
