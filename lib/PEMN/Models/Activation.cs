using PEMN.Runtime;
using static TorchSharp.torch;

namespace PEMN.Models;

/// <summary>The non-linearity a model uses between layers.</summary>
public enum Activation
{
    /// <summary>GELU (ConvMixer's and ViT's default).</summary>
    Gelu,
    /// <summary>ReLU.</summary>
    Relu,
}

/// <summary>Builds activation modules.</summary>
public static class Activations
{
    /// <summary>A new module for <paramref name="activation"/>.</summary>
    public static nn.Module<Tensor, Tensor> Create(Activation activation) => activation switch
    {
        Activation.Gelu => nn.GELU(),
        Activation.Relu => nn.ReLU(),
        _ => throw ConfigError.Enum(nameof(activation), activation),
    };
}
