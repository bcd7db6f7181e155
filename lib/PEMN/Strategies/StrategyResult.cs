namespace PEMN.Strategies;

/// <summary>One block of random values a strategy keeps and the layers are cut from.</summary>
/// <param name="SourcePath">The masked layer whose initial values the prototype is (its module path).</param>
/// <param name="SourceShape">That layer's weight shape.</param>
/// <param name="Values">How many values the prototype holds: the layer's size, or the RP vector length.</param>
public sealed record Prototype(string SourcePath, long[] SourceShape, long Values);

/// <summary>How one masked layer was filled.</summary>
/// <param name="Path">The layer's module path.</param>
/// <param name="Shape">Its weight shape.</param>
/// <param name="PrototypeIndex">Index into <see cref="StrategyResult.Prototypes"/> of the values it took.</param>
/// <param name="Scale">
/// The factor its values were multiplied by (float32, applied as a float32 multiply): 1 unless
/// <see cref="StrategyConfig.Rescale"/> asked for KaimingStd(layer) / KaimingStd(prototype source).
/// </param>
public sealed record LayerFill(string Path, long[] Shape, int PrototypeIndex, float Scale);

/// <summary>What <see cref="ParameterEfficientStrategies.Apply"/> did to a model.</summary>
/// <param name="Config">The strategy applied.</param>
/// <param name="Prototypes">The stored blocks of random values (empty for <see cref="StrategyName.Dense"/>).</param>
/// <param name="Layers">One entry per masked layer, shallow to deep.</param>
/// <param name="Seed">The seed the strategy was applied with (it only matters for RP rand mode).</param>
/// <param name="ShareLinear">Whether linear layers took part in One-layer sharing (the model family's rule or
/// <see cref="StrategyConfig.IncludeLinear"/>); applying the strategy again needs it.</param>
public sealed record StrategyResult(StrategyConfig Config, IReadOnlyList<Prototype> Prototypes, IReadOnlyList<LayerFill> Layers, long Seed,
    bool ShareLinear = false)
{
    /// <summary>
    /// Random values the strategy needs stored, by its definition (sum over prototypes). The storage
    /// report measures the same number from the tensors (<see cref="Storage.StoredValueProbe"/>).
    /// </summary>
    public long StoredValues => Prototypes.Sum(p => p.Values);
}
