using System.CommandLine;
using PEMN.Strategies;

namespace PEMN.Cli.Options;

/// <summary>The strategy flags: --strategy, --ratio, --pad-mode, --rescale, --include-linear.</summary>
public sealed class StrategyOptions
{
    /// <summary>The names --strategy accepts (the paper's labels).</summary>
    public static readonly NamedChoices<StrategyName> Strategies = new("--strategy",
    [
        ("dense", StrategyName.Dense),
        ("mask", StrategyName.Mask),
        ("one-layer", StrategyName.OneLayer),
        ("mp", StrategyName.MaxLayerPadding),
        ("rp", StrategyName.RandomVectorPadding),
    ]);

    /// <summary>The names --pad-mode accepts.</summary>
    public static readonly NamedChoices<PadMode> PadModes = new("--pad-mode",
    [
        ("copy", PadMode.Copy),
        ("rand", PadMode.Rand),
    ]);

    private static readonly StrategyConfig Defaults = new();

    private static readonly Dictionary<string, string> FlagOfField = new()
    {
        [nameof(StrategyConfig.Name)] = "--strategy",
        [nameof(StrategyConfig.Ratio)] = "--ratio",
        [nameof(StrategyConfig.PadMode)] = "--pad-mode",
    };

    /// <summary>--strategy.</summary>
    public Option<string> Strategy { get; } = new("--strategy")
    {
        Description = $"Which random values fill the weights: {Strategies.Alternatives}.",
        DefaultValueFactory = _ => Strategies.NameOf(Defaults.Name),
    };
    /// <summary>--ratio.</summary>
    public Option<double> Ratio { get; } = new("--ratio")
    {
        Description = $"RP ratio r in {StrategyConfig.RatioRange}: the vector holds floor(N r) + 1 values.",
        DefaultValueFactory = _ => Defaults.Ratio,
    };
    /// <summary>--pad-mode.</summary>
    public Option<string> Pad { get; } = new("--pad-mode")
    {
        Description = $"RP tiling: {PadModes.Alternatives}.",
        DefaultValueFactory = _ => PadModes.NameOf(Defaults.PadMode),
    };
    /// <summary>--rescale.</summary>
    public Option<bool> Rescale { get; } = new("--rescale") { Description = "Rescale every layer's values to its own Kaiming std." };
    /// <summary>--include-linear.</summary>
    public Option<bool> IncludeLinear { get; } = new("--include-linear") { Description = "One-layer: linear layers share prototypes too." };

    /// <summary>Adds the flags to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Strategy, Ratio, Pad, Rescale, IncludeLinear })
            command.Options.Add(option);
    }

    /// <summary>The validated strategy the flags describe.</summary>
    /// <exception cref="FlagException">A flag is out of range or names no strategy.</exception>
    public StrategyConfig Read(ParseResult parse)
    {
        var config = new StrategyConfig(
            Strategies.Parse(parse.GetValue(Strategy)),
            parse.GetValue(Ratio),
            PadModes.Parse(parse.GetValue(Pad)),
            parse.GetValue(Rescale),
            parse.GetValue(IncludeLinear));
        return FlagException.Validated(config.Validate, FlagOfField);
    }
}
