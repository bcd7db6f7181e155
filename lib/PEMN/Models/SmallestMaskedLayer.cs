using System.Collections.Concurrent;
using PEMN.Masking;
using static TorchSharp.torch;

namespace PEMN.Models;

/// <summary>
/// The masked layer with the fewest weights of a model, for the one check of k that depends on the architecture: a mask
/// keeps k of each layer's weights, and a k below 1/n of the smallest layer (n weights) asks for less than one weight there
/// (top-k rounds it up to one, so the experiment would not be the k it says). Found by building the model once on the CPU
/// (milliseconds even for the paper's ConvMixer-256/8) and remembered per model config.
/// </summary>
public static class SmallestMaskedLayer
{
    private static readonly ConcurrentDictionary<ModelConfig, (string Path, long Weights)> Known = new();

    /// <summary>The dotted module path and weight count of the smallest masked layer of <paramref name="model"/> (validated first).</summary>
    public static (string Path, long Weights) Of(ModelConfig model) => Known.GetOrAdd(model.Validate(), m =>
    {
        using var scope = NewDisposeScope();
        using var built = m.Build(new LayerFactory(LayerKind.Masked));
        var smallest = WeightLayers.Masked(built).MinBy(l => l.Count)
            ?? throw new InvalidOperationException($"model {m.ShortName} has no masked layer.");
        return (smallest.Path, smallest.Count);
    });

    /// <summary>
    /// Throws unless <paramref name="keepFraction"/> keeps at least one weight of every masked layer of <paramref name="model"/>,
    /// naming masking.keep_fraction, its value, the layer and the allowed range.
    /// </summary>
    public static void CheckKeepFraction(ModelConfig model, double keepFraction)
    {
        var (path, weights) = Of(model);
        if (keepFraction * weights >= 1) return;
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        throw new ArgumentOutOfRangeException("masking.keep_fraction", keepFraction,
            $"masking.keep_fraction = {keepFraction.ToString(invariant)} keeps less than one of the {weights} weights " +
            $"of {model.ShortName}'s smallest masked layer ({path}); allowed for this model: [{RoundedUp(1.0 / weights).ToString(invariant)}, 1] (k >= 1/{weights}).");
    }

    /// <summary>
    /// <paramref name="x"/> rounded up at its fourth significant digit: a bound a user can type that is still allowed
    /// (1/64 = 0.015625 shows as 0.01563; rounding to nearest would show 0.01562, which is refused).
    /// </summary>
    private static double RoundedUp(double x)
    {
        const int digits = 4;
        var step = Math.Pow(10, Math.Floor(Math.Log10(x)) - (digits - 1));
        return Math.Round(Math.Ceiling(x / step) * step, 15);
    }
}
