using PEMN.Masking;
using static TorchSharp.torch;

namespace PEMN.Models;

/// <summary>
/// Multiply-adds of a model's conv and linear layers per image, counted on one forward pass of the masked model its config
/// builds (<see cref="MultiplyAddCounter"/>: a layer with weight W computes numel(W) multiply-adds per output position). Every
/// family is counted the same way, and every strategy of one config has the same count (masks zero weights, they do not
/// skip products). Normalisation, activations, residual adds, pooling and a ViT's attention products are left out: a few
/// operations per activation, or products of activations rather than of weights (the usual convention of weight FLOPs).
/// </summary>
public static class MultiplyAdds
{
    /// <summary>Floating-point operations per multiply-add (a multiply and an add).</summary>
    public const int FlopsPerMultiplyAdd = 2;

    /// <summary>Forward multiply-adds per image of the model <paramref name="config"/> describes.</summary>
    public static long Forward(ModelConfig config) => Count(config).PerImage;

    /// <summary>
    /// Multiply-adds per image of one training step: the forward pass, the weight gradient of every layer (the same count:
    /// dW sums input x output-gradient over the same positions) and the input gradient of every layer but the first (its
    /// input is the image, which needs none).
    /// </summary>
    public static long Training(ModelConfig config)
    {
        var (perImage, first) = Count(config);
        return 3 * perImage - first;
    }

    private static (long PerImage, long First) Count(ModelConfig config)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var model = config.Build(new LayerFactory(LayerKind.Masked));
        model.eval();
        using var counter = MultiplyAddCounter.Start();
        model.forward(zeros(1, config.InChannels, config.ImageSize, config.ImageSize));
        return (counter.PerImage, counter.FirstLayer);
    }
}
