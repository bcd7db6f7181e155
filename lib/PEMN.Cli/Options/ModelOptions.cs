using System.CommandLine;
using PEMN.Models;

namespace PEMN.Cli.Options;

/// <summary>A model name on the command line: the architecture, and the depth when the name fixes it (e.g. resnet32).</summary>
/// <param name="Name">The architecture.</param>
/// <param name="FixedDepth">Depth implied by the name, overriding --depth; null when --depth applies.</param>
public sealed record ModelChoice(ModelName Name, long? FixedDepth = null);

/// <summary>
/// The model flags shared by every command that builds a model (<c>pemn storage</c>, <c>pemn train</c>):
/// --model, --dim, --depth, --kernel, --patch, --in-channels, --classes, --image-size. Defaults are
/// <see cref="ModelConfig"/>'s.
/// </summary>
public sealed class ModelOptions
{
    /// <summary>
    /// The names --model accepts. One line per architecture; the command-line names the issue asks for are
    /// convmixer, vit, resnet20, resnet32, resnet56: add each here as its <see cref="ModelName"/> lands.
    /// </summary>
    public static readonly NamedChoices<ModelChoice> Models = new("--model",
    [
        ("convmixer", new ModelChoice(ModelName.ConvMixer)),
        ("vit", new ModelChoice(ModelName.ViT)),
        ("resnet", new ModelChoice(ModelName.ResNet)),
        ("resnet20", new ModelChoice(ModelName.ResNet, 20)),
        ("resnet32", new ModelChoice(ModelName.ResNet, 32)),
        ("resnet56", new ModelChoice(ModelName.ResNet, 56)),
    ]);

    private static readonly ModelConfig Defaults = new();

    private static readonly Dictionary<string, string> FlagOfField = new()
    {
        [nameof(ModelConfig.Name)] = "--model",
        [nameof(ModelConfig.Dim)] = "--dim",
        [nameof(ModelConfig.Depth)] = "--depth",
        [nameof(ModelConfig.Kernel)] = "--kernel",
        [nameof(ModelConfig.Patch)] = "--patch",
        [nameof(ModelConfig.InChannels)] = "--in-channels",
        [nameof(ModelConfig.Classes)] = "--classes",
        [nameof(ModelConfig.ImageSize)] = "--image-size",
        [nameof(ModelConfig.Heads)] = "--heads",
        [nameof(ModelConfig.MlpRatio)] = "--mlp-ratio",
        [nameof(ModelConfig.WidthMultiplier)] = "--width",
    };

    /// <summary>--model.</summary>
    public Option<string> Model { get; } = new("--model")
    {
        Description = $"Architecture: {Models.Alternatives}.",
        DefaultValueFactory = _ => Models.NameOf(new ModelChoice(Defaults.Name)),
    };
    /// <summary>--dim.</summary>
    public Option<long> Dim { get; } = new("--dim") { Description = "Width (channels).", DefaultValueFactory = _ => Defaults.Dim };
    /// <summary>--depth.</summary>
    public Option<long> Depth { get; } = new("--depth") { Description = "Blocks.", DefaultValueFactory = _ => Defaults.Depth };
    /// <summary>--kernel.</summary>
    public Option<long> Kernel { get; } = new("--kernel") { Description = "Depthwise kernel size (ConvMixer).", DefaultValueFactory = _ => Defaults.Kernel };
    /// <summary>--patch.</summary>
    public Option<long> Patch { get; } = new("--patch") { Description = "Patch size.", DefaultValueFactory = _ => Defaults.Patch };
    /// <summary>--in-channels.</summary>
    public Option<long> InChannels { get; } = new("--in-channels") { Description = "Image channels.", DefaultValueFactory = _ => Defaults.InChannels };
    /// <summary>--classes.</summary>
    public Option<long> Classes { get; } = new("--classes") { Description = "Number of classes (>= 2).", DefaultValueFactory = _ => Defaults.Classes };
    /// <summary>--image-size.</summary>
    public Option<long> ImageSize { get; } = new("--image-size") { Description = "Image side in pixels.", DefaultValueFactory = _ => Defaults.ImageSize };

    /// <summary>--heads.</summary>
    public Option<long> Heads { get; } = new("--heads") { Description = "Attention heads (ViT).", DefaultValueFactory = _ => Defaults.Heads };
    /// <summary>--mlp-ratio.</summary>
    public Option<long> MlpRatio { get; } = new("--mlp-ratio") { Description = "MLP hidden width over dim (ViT).", DefaultValueFactory = _ => Defaults.MlpRatio };
    /// <summary>--width.</summary>
    public Option<long> Width { get; } = new("--width") { Description = "Width multiplier of ResNet's 16/32/64 channels.", DefaultValueFactory = _ => Defaults.WidthMultiplier };

    /// <summary>Adds every model flag to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Model, Dim, Depth, Kernel, Patch, InChannels, Classes, ImageSize, Heads, MlpRatio, Width })
            command.Options.Add(option);
    }

    /// <summary>The validated model definition the flags describe. Builds nothing.</summary>
    /// <exception cref="FlagException">A flag is out of range or names no model.</exception>
    public ModelConfig Read(ParseResult parse)
    {
        var choice = Models.Parse(parse.GetValue(Model));
        var config = Defaults with
        {
            Name = choice.Name,
            Dim = parse.GetValue(Dim),
            Depth = choice.FixedDepth ?? parse.GetValue(Depth),
            Kernel = parse.GetValue(Kernel),
            Patch = parse.GetValue(Patch),
            InChannels = parse.GetValue(InChannels),
            Classes = parse.GetValue(Classes),
            ImageSize = parse.GetValue(ImageSize),
            Heads = parse.GetValue(Heads),
            MlpRatio = parse.GetValue(MlpRatio),
            WidthMultiplier = parse.GetValue(Width),
        };
        return FlagException.Validated(config.Validate, FlagOfField);
    }
}
