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
    /// <summary>The real services: synthetic data or the data loaders, and the parameter-efficient strategies.</summary>
    public static ExperimentServices Default { get; } =
        new(new SyntheticDataProvider(new DataSetProvider()), (model, strategy, seed) => ParameterEfficiency.Apply(model, strategy, seed));
}
