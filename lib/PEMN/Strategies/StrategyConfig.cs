using System.Globalization;
using PEMN.Runtime;

namespace PEMN.Strategies;

/// <summary>
/// Which random values fill a model's frozen weights (paper section 2), or which conventional sparse network a
/// baseline trains (paper Fig. 4 and 5). Labels are the paper's x-axis and legends.
/// </summary>
public enum StrategyName
{
    /// <summary>Ordinary trained weights; no masks.</summary>
    [Name("dense", Label = "Dense")]
    Dense,
    /// <summary>Sparse selection; every layer its own random values.</summary>
    [Name("mask", Label = "Mask")]
    Mask,
    /// <summary>Layers of one shape share the first such layer's values (shape-keyed prototypes).</summary>
    [Name("one_layer", Label = "One-layer")]
    OneLayer,
    /// <summary>Max-layer padding: every layer is cut from the largest layer.</summary>
    [Name("max_layer_padding", Label = "MP", Aliases = ["mp"])]
    MaxLayerPadding,
    /// <summary>Random vector padding: every layer is tiled from one short random vector.</summary>
    [Name("random_vector_padding", Label = "RP", Aliases = ["rp"])]
    RandomVectorPadding,
    /// <summary>Sparse baseline: a random fraction 1 - q of each layer's weights removed, the rest trained from scratch.</summary>
    [Name("sparse_random", Label = "Random")]
    SparseRandom,
    /// <summary>Sparse baseline: the smallest-magnitude 1 - q of each layer's initial weights removed, the rest trained from scratch.</summary>
    [Name("sparse_magnitude", Label = "Magnitude (init)")]
    SparseMagnitude,
    /// <summary>
    /// Sparse baseline beyond the paper: the smallest-magnitude 1 - q of each layer's weights after training the dense
    /// network of the same config (its parent run) removed, the rest fine-tuned for the same epochs.
    /// </summary>
    [Name("sparse_magnitude_trained", Label = "Magnitude (trained)")]
    SparseMagnitudeTrained,
}

/// <summary>What kind of network a strategy trains: one rule per question, used by the builder, the run id and the storage report.</summary>
public static class StrategyKinds
{
    /// <summary>A conventional sparse network (trained weights under a fixed keep mask of fraction q = masking.keep_fraction).</summary>
    public static bool IsSparse(this StrategyName name) =>
        name is StrategyName.SparseRandom or StrategyName.SparseMagnitude or StrategyName.SparseMagnitudeTrained;

    /// <summary>The weights are trained (dense and sparse networks), so the dense peak learning rate applies; PEMN trains masks.</summary>
    public static bool TrainsWeights(this StrategyName name) => name == StrategyName.Dense || name.IsSparse();

    /// <summary>The network starts from a trained dense network of the same config (its parent run).</summary>
    public static bool NeedsParent(this StrategyName name) => name == StrategyName.SparseMagnitudeTrained;

    /// <summary>The layers a model needs: dense for Dense, sparse for the sparse baselines, masked for PEMN.</summary>
    public static Masking.LayerKind LayerKind(this StrategyName name) =>
        name == StrategyName.Dense ? Masking.LayerKind.Dense : name.IsSparse() ? Masking.LayerKind.Sparse : Masking.LayerKind.Masked;
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
/// <param name="Rescale">MP and RP: rescale each layer's values to its own Kaiming std (named, never implemented, by the authors).</param>
/// <param name="IncludeLinear">One-layer: let linear layers share prototypes on any model (the authors share convs only;
/// on a ViT linear layers always take part, see <see cref="Models.ModelConfig.OneLayerSharesLinear"/>).</param>
/// <param name="SignSymmetric">RP (our extension, from the few-values study): tile the vector followed by its negation, [u, -u], instead of u
/// (<see cref="ParameterEfficientStrategies"/> says exactly where each sign goes). Every stored value then appears with both
/// signs, so a mask can select negative weights even when the draw is all positive; it costs no storage (the negation and
/// the layout follow from the definition). Added after runs were recorded: JSON and run ids leave it out while false.</param>
public sealed record StrategyConfig(
    StrategyName Name = StrategyName.Mask,
    double Ratio = StrategyConfig.DefaultRatio,
    PadMode PadMode = PadMode.Copy,
    bool Rescale = false,
    bool IncludeLinear = false,
    [property: OmittedWhileDefault] bool SignSymmetric = false)
{
    /// <summary>The default RP ratio: the paper's first RP rung.</summary>
    public const double DefaultRatio = 0.1;

    /// <summary>What <see cref="Label"/> appends for <see cref="SignSymmetric"/>: short, as tables and chart legends need.</summary>
    public const string SignSymmetricLabel = "sym";

    /// <summary>The allowed RP ratios, as text for error messages: an open interval.</summary>
    public const string RatioRange = "(0, 1)";

    /// <summary>
    /// The layers a model needs for this strategy: dense for <see cref="StrategyName.Dense"/>, sparse for the sparse
    /// baselines, masked otherwise (<see cref="StrategyKinds.LayerKind"/>).
    /// A method, not a property, so that it never enters the serialised config (and the run id).
    /// </summary>
    public Masking.LayerKind RequiredLayerKind() => Name.LayerKind();

    /// <summary>
    /// Whether the strategy field <paramref name="field"/> (its JSON name: ratio, pad_mode, rescale, include_linear,
    /// sign_symmetric) decides anything for this strategy: ratio, pad mode and sign symmetry only for RP, rescale for MP and RP,
    /// linear sharing for One-layer. The one rule that run ids (<see cref="Canonical"/>) and the command line's refusals share.
    /// </summary>
    public bool Applies(string field) => field switch
    {
        "ratio" or "pad_mode" or "sign_symmetric" => Name == StrategyName.RandomVectorPadding,
        "rescale" => Name is StrategyName.MaxLayerPadding or StrategyName.RandomVectorPadding,
        "include_linear" => Name == StrategyName.OneLayer,
        _ => true,
    };

    /// <summary>
    /// The same strategy with the fields that do not apply to it (<see cref="Applies"/>) at their defaults: two configs with equal
    /// canonical forms fill a model identically, so they are the same experiment.
    /// </summary>
    public StrategyConfig Canonical()
    {
        var defaults = new StrategyConfig();
        return this with
        {
            Ratio = Applies("ratio") ? Ratio : defaults.Ratio,
            PadMode = Applies("pad_mode") ? PadMode : defaults.PadMode,
            Rescale = Applies("rescale") && Rescale,
            IncludeLinear = Applies("include_linear") && IncludeLinear,
            SignSymmetric = Applies("sign_symmetric") && SignSymmetric,
        };
    }

    /// <summary>
    /// The label of tables and charts, as the paper writes its x-axis: "Dense", "Mask", "One-layer", "MP", "RP 1e-3";
    /// settings that differ from the paper's are appended ("rand", "sym" for sign-symmetric, "rescaled", "incl. linear").
    /// </summary>
    public string Label()
    {
        var c = Canonical();
        var text = Names.Label(c.Name);
        if (c.Name == StrategyName.RandomVectorPadding) text += " " + c.Ratio.ToString("0e0", CultureInfo.InvariantCulture);
        if (c.PadMode == PadMode.Rand && c.Name == StrategyName.RandomVectorPadding) text += " " + Names.Of(c.PadMode);
        if (c.SignSymmetric) text += " " + SignSymmetricLabel;
        if (c.Rescale) text += " rescaled";
        if (c.IncludeLinear) text += " incl. linear";
        return text;
    }

    /// <summary>
    /// Throws when a field is outside its allowed range, naming the field, the value and the allowed values.
    /// The ratio must always be finite; it must lie in (0, 1) for RP (r = 1 would be MP, use that strategy).
    /// </summary>
    public StrategyConfig Validate()
    {
        if (!Enum.IsDefined(Name)) throw ConfigError.Enum(nameof(Name), Name);
        if (!Enum.IsDefined(PadMode)) throw ConfigError.Enum(nameof(PadMode), PadMode);
        if (!double.IsFinite(Ratio))
            throw new ArgumentOutOfRangeException(nameof(Ratio), Ratio, $"Ratio = {Ratio} must be a finite number in {RatioRange}.");
        if (Name == StrategyName.RandomVectorPadding && (Ratio <= 0 || Ratio >= 1))
            throw new ArgumentOutOfRangeException(nameof(Ratio), Ratio,
                $"Ratio = {Ratio} is outside the allowed range {RatioRange} for random vector padding (r = 1 is max-layer padding).");
        return this;
    }
}
