using PEMN.Masking;

namespace PEMN.Models;

/// <summary>The architectures the workbook builds.</summary>
public enum ModelName
{
    /// <summary>ConvMixer (dim, depth, kernel, patch).</summary>
    ConvMixer,
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
/// <param name="Activation">Non-linearity.</param>
public sealed record ModelConfig(
    ModelName Name = ModelName.ConvMixer,
    long Dim = 256,
    long Depth = 8,
    long Kernel = 5,
    long Patch = 2,
    long InChannels = 3,
    long ImageSize = 32,
    long Classes = 10,
    Activation Activation = Activation.Gelu)
{
    /// <summary>Throws when a field is outside its allowed range, naming the field.</summary>
    public ModelConfig Validate()
    {
        if (!Enum.IsDefined(Name))
            throw new ArgumentOutOfRangeException(nameof(Name), Name, $"Unknown model; allowed: {string.Join(", ", Enum.GetNames<ModelName>())}.");
        Positive(Dim, nameof(Dim)); Positive(Depth, nameof(Depth)); Positive(Kernel, nameof(Kernel));
        Positive(Patch, nameof(Patch)); Positive(InChannels, nameof(InChannels));
        Positive(ImageSize, nameof(ImageSize));
        if (Classes < 2) throw new ArgumentOutOfRangeException(nameof(Classes), Classes, "Classes must be >= 2.");
        return this;
    }

    /// <summary>Builds the model with <paramref name="layers"/> (dense or masked).</summary>
    public TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> Build(LayerFactory layers)
    {
        Validate();
        return Name switch
        {
            ModelName.ConvMixer => new ConvMixer(Dim, Depth, Kernel, Patch, InChannels, Classes, Activation, layers),
            _ => throw new ArgumentOutOfRangeException(nameof(Name), Name, "Unknown model."),
        };
    }

    private static void Positive(long value, string name)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(name, value, $"{name} must be >= 1; it is {value}.");
    }
}
