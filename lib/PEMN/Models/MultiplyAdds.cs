using PEMN.Masking;
using static TorchSharp.torch;

namespace PEMN.Models;

/// <summary>
/// Multiply-adds of a ConvMixer's conv and linear layers, counted from the built model: a layer with weight W computes
/// numel(W) multiply-adds per output position (a conv's weight is [out, in / groups, k, k]: each of out x positions
/// outputs sums in / groups x k x k products), and every conv of a ConvMixer outputs on the stem's grid, side H / patch
/// (<see cref="ModelConfig"/> requires the patch to divide the image side); the linear head runs once per image. Normalisation, activations, the residual add
/// and the pooling are left out (a few operations per activation, not products of weights: the usual convention).
/// </summary>
public static class MultiplyAdds
{
    /// <summary>Floating-point operations per multiply-add (a multiply and an add).</summary>
    public const int FlopsPerMultiplyAdd = 2;

    /// <summary>Forward multiply-adds per image of <paramref name="model"/>, built from <paramref name="config"/>.</summary>
    /// <exception cref="NotSupportedException">Not a ConvMixer (only its grid is known here).</exception>
    public static long Forward(nn.Module model, ModelConfig config) => PerLayer(model, config).Sum(l => l.MultiplyAdds);

    /// <summary>
    /// Multiply-adds per image of one training step: the forward pass, the weight gradient of every layer (the same count:
    /// dW sums input x output-gradient over the same positions) and the input gradient of every layer but the first (its
    /// input is the image, which needs none).
    /// </summary>
    public static long Training(nn.Module model, ModelConfig config)
    {
        var layers = PerLayer(model, config);
        return 3 * layers.Sum(l => l.MultiplyAdds) - layers[0].MultiplyAdds;
    }

    /// <summary>Each conv and linear layer, shallow to deep, with its forward multiply-adds per image.</summary>
    public static IReadOnlyList<(string Path, long MultiplyAdds)> PerLayer(nn.Module model, ModelConfig config)
    {
        if (config.Name != ModelName.ConvMixer)
            throw new NotSupportedException($"Multiply-adds are counted for the ConvMixer only; model.name is {PEMN.Runtime.Names.Of(config.Name)}.");
        var side = config.ImageSize / config.Patch;
        return WeightLayers.Of(model).Select(l => (l.Path, l.Count * (l.IsConv ? side * side : 1))).ToList();
    }
}
