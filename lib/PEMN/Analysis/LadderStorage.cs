using PEMN.Configuration;
using PEMN.Storage;
using PEMN.Sweeps;

namespace PEMN.Analysis;

/// <summary>What every rung of a ladder stores on one model, measured on built networks (nothing is trained).</summary>
/// <param name="Model">The model's label (<see cref="LadderComparison.ModelLabel"/>).</param>
/// <param name="Reports">One storage report per rung, in rung order; <see cref="StorageReport.Scheme"/> is the rung's label.</param>
public sealed record ModelStorage(string Model, IReadOnlyList<StorageReport> Reports);

/// <summary>The storage side of a ladder: unique values, mask bits and compression of each rung's network, for any preset.</summary>
public static class LadderStorage
{
    /// <summary>
    /// Builds every rung's network over <paramref name="baseConfig"/> (the configs <see cref="StrategyLadder.Steps"/> gives,
    /// at its seed) and measures its storage (<see cref="StorageMeasurement.Run"/>); <paramref name="rungs"/> defaults
    /// to the paper's nine. The paper's ConvMixer takes about a second per rung on a CPU.
    /// </summary>
    public static ModelStorage Measure(ExperimentConfig baseConfig, IReadOnlyList<LadderRung>? rungs = null) =>
        new(LadderComparison.ModelLabel(baseConfig.Model), (rungs ?? StrategyLadder.Rungs).Select(rung =>
        {
            // The rung's config as StrategyLadder.Steps makes it: the base's other strategy settings kept.
            var strategy = rung.Strategy with
            {
                PadMode = baseConfig.Strategy.PadMode, Rescale = baseConfig.Strategy.Rescale, IncludeLinear = baseConfig.Strategy.IncludeLinear,
            };
            return StorageMeasurement.Run((baseConfig with { Strategy = strategy }).Validate().Network);
        }).ToList());

    /// <summary>Share of the paper's C (<see cref="StorageReport.WeightBits"/>) that the masks take, above which fewer values barely shrink C.</summary>
    public const double MasksDominate = 0.9;

    /// <summary>
    /// What the measurements say, a line per model: the unique values from Mask to the last rung, the mask bits every
    /// masked rung pays, and the first rung from which the masks are over <see cref="MasksDominate"/> of C (fewer values
    /// then save little).
    /// </summary>
    public static string Describe(IReadOnlyList<ModelStorage> models)
    {
        var lines = new List<string>();
        foreach (var model in models)
        {
            var masked = model.Reports.Where(r => r.MaskedWeights > 0).ToList();
            if (masked.Count == 0) { lines.Add($"{model.Model}: no masked rung."); continue; }
            var dominated = masked.FirstOrDefault(r => r.WeightBits > 0 && (double)r.MaskBits / r.WeightBits > MasksDominate);
            lines.Add($"{model.Model}: {string.Join(", ", masked.Select(r => $"{r.Scheme} {r.UniqueValues:N0}"))} unique values; " +
                $"every masked rung also stores {masked[0].MaskBits:N0} mask bits" +
                (dominated is null
                    ? "."
                    : $", which are over {MasksDominate:P0} of C from {dominated.Scheme} on (compression {dominated.CompressionRatio:P1} there, " +
                      $"{masked[^1].CompressionRatio:P1} at {masked[^1].Scheme}): fewer values then save little."));
        }
        return string.Join(Environment.NewLine, lines);
    }
}
