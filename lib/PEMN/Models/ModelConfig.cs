using PEMN.Masking;
using PEMN.Runtime;

namespace PEMN.Models;

/// <summary>The architectures the workbook builds.</summary>
public enum ModelName
{
    /// <summary>ConvMixer (dim, depth, kernel, patch, activation).</summary>
    [Name("convmixer", Label = "ConvMixer")]
    ConvMixer,
    /// <summary>Vision Transformer (dim, depth, patch, heads, MLP ratio, pooling).</summary>
    [Name("vit", Label = "ViT")]
    ViT,
    /// <summary>CIFAR ResNet with option-A shortcuts (depth 6n + 2, width multiplier).</summary>
    [Name("resnet", Label = "ResNet")]
    ResNet,
}

/// <summary>
/// One model definition, validated once; the same record builds the dense or the masked model.
/// Fields that an architecture does not use are ignored by it.
/// </summary>
/// <param name="Name">Architecture.</param>
/// <param name="Dim">Width (ConvMixer, ViT channels).</param>
/// <param name="Depth">Blocks (ConvMixer, ViT).</param>
/// <param name="Kernel">Depthwise kernel (ConvMixer).</param>
/// <param name="Patch">Patch size (ConvMixer stem, ViT patch embedding).</param>
/// <param name="InChannels">Image channels (1 for Fashion-MNIST, 3 for CIFAR).</param>
/// <param name="ImageSize">Image side in pixels (28, 32, 64).</param>
/// <param name="Classes">Number of classes.</param>
/// <param name="Activation">Non-linearity (ConvMixer).</param>
/// <param name="Heads">Attention heads (ViT); must divide <paramref name="Dim"/>.</param>
/// <param name="MlpRatio">Hidden width of the MLP over <paramref name="Dim"/> (ViT).</param>
/// <param name="Pooling">Class token or mean pooling (ViT).</param>
/// <param name="WidthMultiplier">Multiplies ResNet's 16/32/64 channels.</param>
public sealed record ModelConfig(
    ModelName Name = ModelName.ConvMixer,
    long Dim = 256,
    long Depth = 8,
    long Kernel = 5,
    long Patch = 2,
    long InChannels = 3,
    long ImageSize = 32,
    long Classes = 10,
    Activation Activation = Activation.Gelu,
    long Heads = ModelConfig.DefaultHeads,
    long MlpRatio = ModelConfig.DefaultMlpRatio,
    Pooling Pooling = Pooling.ClassToken,
    long WidthMultiplier = 1)
{
    /// <summary>ViT heads: 8 heads of 32 (dim 256) or 64 (dim 512) channels, the usual CIFAR-size ViT.</summary>
    public const long DefaultHeads = 8;
    /// <summary>ViT MLP ratio: 2 keeps the MLP as large as attention's qkv + projection (4 dim^2 each).</summary>
    public const long DefaultMlpRatio = 2;

    /// <summary>
    /// Names that fix the depth as well as the architecture, as papers write them: resnet20, resnet32, resnet56
    /// stand for name resnet with depth 20, 32, 56.
    /// </summary>
    public static IReadOnlyDictionary<string, (ModelName Name, long Depth)> DepthAliases { get; } =
        new Dictionary<string, (ModelName, long)>(StringComparer.OrdinalIgnoreCase)
        {
            ["resnet20"] = (ModelName.ResNet, 20),
            ["resnet32"] = (ModelName.ResNet, 32),
            ["resnet56"] = (ModelName.ResNet, 56),
        };

    /// <summary>Every name <see cref="WithName"/> takes: the architectures, then the names that fix the depth.</summary>
    public static string AllowedNames => $"{Names.Allowed<ModelName>()}, {string.Join(", ", DepthAliases.Keys)}";

    /// <summary>
    /// The same sizes under the architecture <paramref name="nameOrAlias"/>: any spelling of a <see cref="ModelName"/>, or a
    /// name that fixes the depth too (<see cref="DepthAliases"/>: resnet32 is name resnet and depth 32).
    /// </summary>
    /// <exception cref="ArgumentException">Neither; ParamName is model.name and the message lists <see cref="AllowedNames"/>.</exception>
    public ModelConfig WithName(string nameOrAlias) =>
        DepthAliases.TryGetValue(nameOrAlias, out var fixedModel) ? this with { Name = fixedModel.Name, Depth = fixedModel.Depth }
        : Names.TryParse<ModelName>(nameOrAlias, out var name) ? this with { Name = name }
        : throw new ArgumentException($"model.name = '{nameOrAlias}' is not allowed; allowed: {AllowedNames}.", "model.name");

    /// <summary>
    /// One-layer's rule for this family: whether linear layers share prototypes too. A ViT's repeated blocks are
    /// linear layers (its only conv is the patch embedding), so they must, or One-layer would equal Mask; ConvMixer
    /// and ResNet share convs only, as the authors' code does.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool OneLayerSharesLinear => Name == ModelName.ViT;

    /// <summary>
    /// The same model with the fields its architecture does not use at their defaults: two configs with equal
    /// canonical forms build the same network.
    /// </summary>
    public ModelConfig Canonical()
    {
        var d = new ModelConfig();
        return Name switch
        {
            ModelName.ConvMixer => this with { Heads = d.Heads, MlpRatio = d.MlpRatio, Pooling = d.Pooling, WidthMultiplier = d.WidthMultiplier },
            ModelName.ViT => this with { Kernel = d.Kernel, Activation = d.Activation, WidthMultiplier = d.WidthMultiplier },
            ModelName.ResNet => this with
            {
                Dim = d.Dim, Kernel = d.Kernel, Patch = d.Patch, Activation = d.Activation, Heads = d.Heads, MlpRatio = d.MlpRatio,
                Pooling = d.Pooling,
            },
            _ => this,
        };
    }

    /// <summary>A short readable name: convmixer64x4, vit128x6, resnet20 (resnet20w2 at width multiplier 2).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string ShortName => Name switch
    {
        ModelName.ResNet => $"{Names.Of(Name)}{Depth}{(WidthMultiplier == 1 ? "" : $"w{WidthMultiplier}")}",
        _ => $"{Names.Of(Name)}{Dim}x{Depth}",
    };

    /// <summary>Throws when a field is outside its allowed range, naming the field.</summary>
    public ModelConfig Validate()
    {
        if (!Enum.IsDefined(Name)) throw ConfigError.Enum(nameof(Name), Name);
        Positive(Dim, nameof(Dim)); Positive(Depth, nameof(Depth)); Positive(Kernel, nameof(Kernel));
        Positive(Patch, nameof(Patch)); Positive(InChannels, nameof(InChannels));
        Positive(ImageSize, nameof(ImageSize));
        if (Classes < 2) throw new ArgumentOutOfRangeException(nameof(Classes), Classes, "Classes must be >= 2.");
        Positive(Heads, nameof(Heads)); Positive(MlpRatio, nameof(MlpRatio)); Positive(WidthMultiplier, nameof(WidthMultiplier));
        if (!Enum.IsDefined(Activation)) throw ConfigError.Enum(nameof(Activation), Activation);
        if (!Enum.IsDefined(Pooling)) throw ConfigError.Enum(nameof(Pooling), Pooling);
        switch (Name)
        {
            case ModelName.ConvMixer or ModelName.ViT when ImageSize % Patch != 0:
                throw new ArgumentOutOfRangeException(nameof(Patch), Patch, $"Patch = {Patch} does not divide image size {ImageSize}; allowed: a divisor of the image side.");
            case ModelName.ViT when Dim % Heads != 0:
                throw new ArgumentOutOfRangeException(nameof(Heads), Heads, $"Heads = {Heads} does not divide dim {Dim}; allowed: a divisor of dim.");
            case ModelName.ResNet:
                ResNet.BlocksPerStage(Depth);
                break;
        }
        AtMost(Depth, MaxDepth, nameof(Depth), "blocks (ResNet: layers)");
        AtMost(ImageSize, MaxImageSize, nameof(ImageSize), "pixels per side");
        AtMost(Kernel, MaxImageSize, nameof(Kernel), "pixels per side (a kernel wider than any image)");
        // Sizes that pass one by one can still multiply into a model no machine holds: say so before anything is allocated.
        if (WeightCount() is var weights && weights > MaxWeights)
            throw new ArgumentOutOfRangeException(Name == ModelName.ResNet ? nameof(WidthMultiplier) : nameof(Dim), Name == ModelName.ResNet ? WidthMultiplier : Dim,
                string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{(Name == ModelName.ResNet ? $"resnet{Depth} with width multiplier {WidthMultiplier}" : $"{Names.Of(Name)} with dim {Dim} and depth {Depth}")} would have {weights:N0} conv and linear weights; " +
                    $"allowed: at most {MaxWeights:N0} (training holds several tensors of this size; {Runtime.SizeLimits.Advice})."));
        if (ActivationsPerImage() is var activations && activations > MaxActivationsPerImage)
            throw new ArgumentOutOfRangeException(nameof(ImageSize), ImageSize, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"ImageSize = {ImageSize} with dim {Dim}, patch {Patch} and width multiplier {WidthMultiplier} makes activations of {activations:N0} values per image; " +
                $"allowed: at most {MaxActivationsPerImage:N0} ({Runtime.SizeLimits.Advice})."));
        return this;
    }

    /// <summary>Default of <see cref="MaxWeights"/>: 2^27, 512 MiB per float32 tensor; the paper's largest model (ConvMixer-256/8) has 0.6 million.</summary>
    public const long DefaultMaxWeights = 1L << 27;

    /// <summary>Most conv and linear weights a model may have (weights, scores, gradients and optimiser state each hold as many): the default times PEMN_LIMIT_SCALE.</summary>
    public static long MaxWeights => Runtime.SizeLimits.Scaled(DefaultMaxWeights);

    /// <summary>Default of <see cref="MaxDepth"/>: 2,048 (ResNet-1202, the deepest CIFAR ResNet of He et al., fits).</summary>
    public const long DefaultMaxDepth = 2048;

    /// <summary>Most blocks (ResNet: layers) of a model: every block is a few modules, built before anything is trained.</summary>
    public static long MaxDepth => Runtime.SizeLimits.Scaled(DefaultMaxDepth);

    /// <summary>Default of <see cref="MaxImageSize"/>: 1,024 pixels per side (ImageNet is trained at 224, CIFAR at 32).</summary>
    public const long DefaultMaxImageSize = 1024;

    /// <summary>Largest image side (and kernel size) a model may declare.</summary>
    public static long MaxImageSize => Runtime.SizeLimits.Scaled(DefaultMaxImageSize);

    /// <summary>Default of <see cref="MaxActivationsPerImage"/>: 2^26 values (ConvMixer-256 at patch 1 on 224-pixel images makes 12.8 million).</summary>
    public const long DefaultMaxActivationsPerImage = 1L << 26;

    /// <summary>Most values of the largest activation tensor of one image (see <see cref="ActivationsPerImage"/>).</summary>
    public static long MaxActivationsPerImage => Runtime.SizeLimits.Scaled(DefaultMaxActivationsPerImage);

    /// <summary>
    /// Values of the model's largest activation tensor for one image, from the sizes alone (a double, so that hostile sizes
    /// cannot overflow): ConvMixer dim x tokens; ViT the larger of dim x tokens and heads x tokens^2 (attention); ResNet the
    /// first stage's channels x pixels. Training keeps several such tensors per block for the backward pass.
    /// </summary>
    public double ActivationsPerImage()
    {
        double side = ImageSize, tokens = Math.Pow(Math.Max(1, ImageSize / Math.Max(1, Patch)), 2);
        return Name switch
        {
            ModelName.ConvMixer => (double)Dim * tokens,
            ModelName.ViT => Math.Max((double)Dim * (tokens + 1), (double)Heads * (tokens + 1) * (tokens + 1)),
            ModelName.ResNet => (double)ResNet.StageChannels[0] * WidthMultiplier * side * side,
            _ => 0,
        };
    }

    /// <summary>
    /// The model's conv and linear weights (what the storage report calls p), from the shapes alone, without building it; a double,
    /// so that hostile sizes cannot overflow.
    /// </summary>
    public double WeightCount()
    {
        double dim = Dim, depth = Depth, input = InChannels, classes = Classes;
        switch (Name)
        {
            case ModelName.ConvMixer:
                return dim * input * Patch * Patch + depth * (dim * Kernel * Kernel + dim * dim) + dim * classes;
            case ModelName.ViT:
                return dim * input * Patch * Patch + depth * (3 * dim * dim + dim * dim + 2 * dim * dim * MlpRatio) + dim * classes;
            case ModelName.ResNet:
                var n = (double)ResNet.BlocksPerStage(Depth);
                var widths = ResNet.StageChannels.Select(c => (double)c * WidthMultiplier).ToArray();
                var total = input * widths[0] * 9;
                for (var stage = 0; stage < widths.Length; stage++)
                {
                    var into = stage == 0 ? widths[0] : widths[stage - 1];
                    // The first block of a stage comes from the previous stage's width; every block has two 3x3 convs.
                    total += 9 * (into * widths[stage] + widths[stage] * widths[stage]) + (n - 1) * 18 * widths[stage] * widths[stage];
                }
                return total + widths[^1] * classes;
            default:
                throw new ArgumentOutOfRangeException(nameof(Name), Name, "Unknown model.");
        }
    }

    /// <summary>Builds the model with <paramref name="layers"/> (dense or masked).</summary>
    public TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> Build(LayerFactory layers)
    {
        Validate();
        return Name switch
        {
            ModelName.ConvMixer => new ConvMixer(Dim, Depth, Kernel, Patch, InChannels, Classes, Activation, layers),
            ModelName.ViT => new ViT(Dim, Depth, Patch, Heads, MlpRatio, Pooling, InChannels, ImageSize, Classes, layers),
            ModelName.ResNet => new ResNet(Depth, WidthMultiplier, InChannels, Classes, layers),
            _ => throw new ArgumentOutOfRangeException(nameof(Name), Name, "Unknown model."),
        };
    }

    private static void AtMost(long value, long max, string name, string what)
    {
        if (value > max)
            throw new ArgumentOutOfRangeException(name, value, $"{name} = {value} {what} is above the limit of {max}; {Runtime.SizeLimits.Advice}.");
    }

    private static void Positive(long value, string name)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(name, value, $"{name} must be >= 1; it is {value}.");
    }
}
