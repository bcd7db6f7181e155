using PEMN.Strategies;
using static TorchSharp.torch;

namespace PEMN.Storage;

/// <summary>
/// The storage report of a built PEMN (or dense) network: stored random values measured from the
/// weight tensors (<see cref="StoredValueProbe"/>) at 32 bits each (1 bit for signed-constant values), plus the 64-bit
/// permutation seed of RP rand mode, 1-bit masks,
/// and 32 bits per trained value outside the masks; of a sparse baseline: <see cref="SparseStorage.Measure"/>.
/// See <see cref="StorageReport"/> for what each total includes.
/// </summary>
public static class StorageAccounting
{
    /// <summary>Measures <paramref name="model"/> after <paramref name="strategy"/> was applied to it.</summary>
    /// <param name="model">The built model.</param>
    /// <param name="strategy">What <see cref="ParameterEfficientStrategies.Apply"/> returned for this model.</param>
    /// <param name="seedStored">
    /// The random values can be regenerated from the seed (the caller checked it, e.g.
    /// <see cref="StorageMeasurement"/> rebuilds the model and compares): C_w is one 64-bit seed.
    /// Ignored for <see cref="StrategyName.Dense"/>, whose weights are trained values.
    /// </param>
    /// <param name="bitsPerValue">
    /// Bits of one stored random value when the values are stored (not a seed): 32 for Kaiming normal draws, 1 for signed-constant
    /// draws (<see cref="StorageReport.StoredValueBits"/>).
    /// </param>
    /// <param name="sparseIndex">How a sparse baseline stores its positions (<see cref="SparseStorage.Measure"/>); unused otherwise.</param>
    /// <exception cref="ArgumentException">The strategy result does not describe this model's masked layers.</exception>
    public static StorageReport Measure(nn.Module model, StrategyResult strategy, bool seedStored = false, long bitsPerValue = StorageReport.FloatBits,
        SparseIndexEncoding sparseIndex = SparseIndexEncoding.NarrowCsr)
    {
        // A sparse baseline is a conventional sparse network: kept values plus their indices, the accounting of SparseStorage.
        if (strategy.Config.Name.IsSparse()) return SparseStorage.Measure(model, strategy.Config.Label(), sparseIndex);
        var tally = NetworkTally.Of(model);
        var masked = tally.Layers.Where(l => l.Masked is not null).ToList();
        if (strategy.Config.Name == StrategyName.Dense)
        {
            if (masked.Count > 0)
                throw new ArgumentException($"A dense report needs a dense model; this one has {masked.Count} masked layers.", nameof(model));
            return StorageReport.FromParts(strategy.Config.Label(), 1, tally.Weights, 0,
                tally.Layers.Count == 0 ? 0 : tally.Layers.Max(l => l.Count), 0, 0, false, 0, 0, tally.UnmaskedLayerWeights,
                tally.NonLayerParameters, tally.RunningStatistics);
        }
        if (!masked.Select(l => l.Path).SequenceEqual(strategy.Layers.Select(f => f.Path)))
            throw new ArgumentException(
                $"The strategy result lists {strategy.Layers.Count} layers that do not match this model's {masked.Count} masked layers " +
                "(apply the strategy to this model and pass its result).", nameof(strategy));
        var unique = StoredValueProbe.Count(model, strategy);
        var distinct = DistinctValues.Count(masked);
        var fractions = masked.Select(l => l.Masked!.KeepFraction).Distinct().ToList();
        // Factory-built models share one k; otherwise report the weighted mean.
        var keep = fractions.Count == 1 ? fractions[0] : masked.Sum(l => l.Masked!.KeepFraction * l.Count) / tally.MaskedWeights;
        // RP rand mode also stores its permutation: one 64-bit seed of the specified generator (SeededPermutation);
        // a network stored as one seed derives it from that seed at no further cost.
        var permutationBits = !seedStored && strategy.Config.Canonical() is { Name: StrategyName.RandomVectorPadding, PadMode: PadMode.Rand }
            ? StorageReport.SeedBits : 0;
        return StorageReport.FromParts(
            strategy.Config.Label(), keep, tally.Weights, tally.MaskedWeights, masked.Max(l => l.Count), unique, distinct, seedStored,
            (seedStored ? StorageReport.SeedBits : bitsPerValue * unique) + permutationBits,
            StorageReport.MaskBitsPerWeight * tally.MaskedWeights,
            tally.UnmaskedLayerWeights, tally.NonLayerParameters, tally.RunningStatistics);
    }
}
