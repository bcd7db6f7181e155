using PEMN.Strategies;
using static TorchSharp.torch;

namespace PEMN.Experiments;

/// <summary>Fills a freshly built model's frozen weights according to a strategy (seeded).</summary>
public delegate void StrategyApplier(nn.Module<Tensor, Tensor> model, StrategyConfig strategy, long seed);

/// <summary>
/// The pluggable parts of an experiment run: where data comes from and how a strategy rewrites a model's
/// frozen weights. <see cref="Default"/> is the single place where the real loaders and strategies are wired.
/// </summary>
/// <param name="Data">Data loading.</param>
/// <param name="Strategy">Strategy application (after the model is built, before it moves to the device).</param>
public sealed record ExperimentServices(IDataProvider Data, StrategyApplier Strategy)
{
    /// <summary>Synthetic data and Dense/Mask only: the services this library part has on its own.</summary>
    public static ExperimentServices Default { get; } = new(new SyntheticDataProvider(), DenseAndMaskOnly);

    /// <summary>Leaves Dense and Mask models as built (their weights are already the per-layer seeded draws).</summary>
    public static void DenseAndMaskOnly(nn.Module<Tensor, Tensor> model, StrategyConfig strategy, long seed)
    {
        if (strategy.Name is StrategyName.Dense or StrategyName.Mask) return;
        throw new NotSupportedException(
            $"strategy.name = {strategy.Name} needs the strategies applier, which is not wired in ExperimentServices.Strategy; available here: Dense, Mask.");
    }
}
