using PEMN.Configuration;
using PEMN.Models;

namespace PEMN.Plans;

/// <summary>
/// The compute of runs before they train: weight FLOPs counted from each model (<see cref="MultiplyAdds"/>: a training step's
/// forward, weight and input gradients per training image, a forward pass per test image, every epoch), and the hours they
/// take at an assumed sustained rate. An estimate for planning GPU work, not a measurement: no GPU is measured here.
/// </summary>
/// <param name="Runs">Runs counted.</param>
/// <param name="Flops">Their floating-point operations.</param>
/// <param name="Uncounted">Runs whose images per epoch are unknown (synthetic data without a subset), left out of <paramref name="Flops"/>.</param>
public sealed record RunCost(int Runs, double Flops, int Uncounted)
{
    /// <summary>
    /// The assumed sustained rate of one data-centre GPU on these small-image networks, TFLOP/s: about an eighth of an
    /// A100's TF32 peak (156), since depthwise convolutions, normalisation and small batches keep such networks far from it.
    /// </summary>
    public const double AssumedGpuTflops = 20;

    /// <summary>Hours at <paramref name="tflops"/> sustained.</summary>
    public double Hours(double tflops = AssumedGpuTflops) => Flops / (tflops * 1e12) / 3600;

    /// <summary>The compute of <paramref name="configs"/> (each model counted once).</summary>
    public static RunCost Of(IEnumerable<ExperimentConfig> configs)
    {
        var perModel = new Dictionary<ModelConfig, (long Training, long Forward)>();
        var (runs, uncounted, flops) = (0, 0, 0.0);
        foreach (var config in configs)
        {
            runs++;
            if (config.Data.ImagesPerEpoch(config.Model.Classes) is not { } images)
            {
                uncounted++;
                continue;
            }
            if (!perModel.TryGetValue(config.Model, out var counts))
                perModel[config.Model] = counts = (MultiplyAdds.Training(config.Model), MultiplyAdds.Forward(config.Model));
            flops += MultiplyAdds.FlopsPerMultiplyAdd * config.Training.Epochs
                * ((double)counts.Training * images.Train + (double)counts.Forward * images.Test);
        }
        return new RunCost(runs, flops, uncounted);
    }
}
