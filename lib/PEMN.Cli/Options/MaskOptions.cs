using System.CommandLine;
using PEMN.Masking;

namespace PEMN.Cli.Options;

/// <summary>The masking flags: --k, --weight-init, --norm. Defaults are <see cref="MaskingOptions"/>'s.</summary>
public sealed class MaskOptions
{
    /// <summary>The names --weight-init accepts.</summary>
    public static readonly NamedChoices<WeightInit> WeightInits = new("--weight-init",
    [
        ("kaiming-normal", WeightInit.KaimingNormal),
        ("signed-constant", WeightInit.SignedConstant),
    ]);

    /// <summary>The names --norm accepts (the authors' names for the two BatchNorm modes).</summary>
    public static readonly NamedChoices<NormMode> Norms = new("--norm",
    [
        ("learn", NormMode.Learnable),
        ("not-learn", NormMode.NonAffine),
    ]);

    private static readonly MaskingOptions Defaults = new();

    /// <summary>--k.</summary>
    public Option<double> KeepFraction { get; } = new("--k")
    {
        Description = "Fraction of every masked layer the mask keeps, in (0, 1].",
        DefaultValueFactory = _ => Defaults.KeepFraction,
    };
    /// <summary>--weight-init.</summary>
    public Option<string> Init { get; } = new("--weight-init")
    {
        Description = $"Frozen random weights: {WeightInits.Alternatives}.",
        DefaultValueFactory = _ => WeightInits.NameOf(Defaults.WeightInit),
    };
    /// <summary>--norm.</summary>
    public Option<string> Norm { get; } = new("--norm")
    {
        Description = $"BatchNorm affine parameters: {Norms.Alternatives}.",
        DefaultValueFactory = _ => Norms.NameOf(Defaults.Norm),
    };

    /// <summary>Adds the flags to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(KeepFraction);
        command.Options.Add(Init);
        command.Options.Add(Norm);
    }

    /// <summary>The validated masking settings the flags describe.</summary>
    /// <exception cref="FlagException">A flag is out of range.</exception>
    public MaskingOptions Read(ParseResult parse)
    {
        var k = parse.GetValue(KeepFraction);
        var init = WeightInits.Parse(parse.GetValue(Init));
        var norm = Norms.Parse(parse.GetValue(Norm));
        if (!double.IsFinite(k) || k <= 0 || k > 1)
            throw new FlagException("--k", $"{k} is outside the allowed range (0, 1].");
        return new MaskingOptions(k, init, norm).Validate();
    }
}
