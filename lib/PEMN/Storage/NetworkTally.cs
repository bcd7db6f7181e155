using PEMN.Masking;
using static TorchSharp.torch;

namespace PEMN.Storage;

/// <summary>
/// The counts every storage report starts from, read off a built model: its conv/linear weights, which of
/// them are masked, the other trained parameters and the BatchNorm running statistics.
/// </summary>
/// <param name="Layers">Every conv and linear layer, shallow to deep.</param>
/// <param name="Weights">Elements of all conv and linear weights.</param>
/// <param name="MaskedWeights">Elements of the masked layers' weights.</param>
/// <param name="UnmaskedLayerWeights">Elements of dense (trained) conv and linear weights.</param>
/// <param name="NonLayerParameters">
/// Trained parameters (requires_grad) that are neither a masked layer's scores nor a conv/linear weight:
/// norm affine, embeddings, biases, tokens.
/// </param>
/// <param name="RunningStatistics">Elements of buffers named running_mean or running_var (BatchNorm statistics).</param>
public sealed record NetworkTally(
    IReadOnlyList<WeightLayer> Layers,
    long Weights,
    long MaskedWeights,
    long UnmaskedLayerWeights,
    long NonLayerParameters,
    long RunningStatistics)
{
    private static readonly string[] RunningStatisticNames = ["running_mean", "running_var"];

    /// <summary>Tallies <paramref name="model"/>.</summary>
    public static NetworkTally Of(nn.Module model)
    {
        var layers = WeightLayers.Of(model);
        // Scores are not stored (masks are) and layer weights are accounted for separately.
        var excluded = new HashSet<IntPtr>();
        foreach (var layer in layers)
            excluded.Add(layer.Masked is null ? layer.Weight.Handle : layer.Masked.Scores.Handle);
        long nonLayer = 0;
        foreach (var (_, parameter) in model.named_parameters())
            if (parameter.requires_grad && !excluded.Contains(parameter.Handle)) nonLayer += parameter.numel();
        long running = 0;
        foreach (var (name, buffer) in model.named_buffers())
            if (RunningStatisticNames.Contains(name.Split('.')[^1])) running += buffer.numel();
        return new NetworkTally(
            layers,
            layers.Sum(l => l.Count),
            layers.Where(l => l.Masked is not null).Sum(l => l.Count),
            layers.Where(l => l.Masked is null).Sum(l => l.Count),
            nonLayer,
            running);
    }
}
