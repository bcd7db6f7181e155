using PEMN.Masking;
using PEMN.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace PEMN.Strategies;

/// <summary>What defines a PEMN (or dense) network before training: architecture, masking, strategy and seed.</summary>
/// <param name="Model">The architecture.</param>
/// <param name="Masking">k, weight init and norm mode of the masked layers (unused by <see cref="StrategyName.Dense"/>); for a
/// sparse baseline only its keep fraction, q.</param>
/// <param name="Strategy">Which random values fill the frozen weights.</param>
/// <param name="Seed">Seed of every random weight and score, and of the strategy.</param>
public sealed record NetworkSpec(ModelConfig Model, MaskingOptions Masking, StrategyConfig Strategy, long Seed)
{
    /// <summary>Validates every part; returns this.</summary>
    public NetworkSpec Validate()
    {
        Model.Validate();
        Masking.Validate();
        Strategy.Validate();
        return this;
    }
}

/// <summary>
/// The one place that builds a network: the model with the layer kind its strategy needs (dense for Dense, sparse for
/// the sparse baselines, masked otherwise), seeded, its frozen weights filled by the strategy
/// (<see cref="ParameterEfficientStrategies"/>) or its keep masks fixed by the sparse baseline
/// (<see cref="SparseBaselines"/>). Experiments, storage, benchmarks and notebooks all build through here, so the same
/// spec (and, for magnitude pruning after training, the same parent) always gives the same network.
/// </summary>
public sealed class PemnNetwork : IDisposable
{
    private PemnNetwork(NetworkSpec spec, nn.Module<Tensor, Tensor> model, StrategyResult values) =>
        (Spec, Model, Values) = (spec, model, values);

    /// <summary>What was built.</summary>
    public NetworkSpec Spec { get; }

    /// <summary>The model: images [B, C, H, W] to logits [B, classes].</summary>
    public nn.Module<Tensor, Tensor> Model { get; }

    /// <summary>What the strategy did: the stored prototypes and which one every masked layer took its values from (none for dense and sparse networks).</summary>
    public StrategyResult Values { get; }

    /// <summary>Builds <paramref name="spec"/> (validated here) and moves it to <paramref name="device"/> (null: stays on the CPU).</summary>
    /// <param name="spec">What to build.</param>
    /// <param name="device">Where the model goes.</param>
    /// <param name="parent">
    /// Only for <see cref="StrategyName.SparseMagnitudeTrained"/>: the trained dense network of the same spec with strategy
    /// Dense (its parent run), on the CPU or <paramref name="device"/>; its weights are pruned by magnitude.
    /// </param>
    /// <exception cref="ArgumentException">The parent is missing for a strategy that needs it, given for one that does not, or of another model.</exception>
    public static PemnNetwork Build(NetworkSpec spec, Device? device = null, nn.Module? parent = null)
    {
        spec.Validate();
        var model = spec.Model.Build(new LayerFactory(spec.Strategy.RequiredLayerKind(), spec.Masking, spec.Seed));
        try
        {
            var values = spec.Strategy.Name.IsSparse()
                ? SparseBaselines.Apply(model, spec.Strategy, spec.Seed, parent)
                : parent is null
                    ? ParameterEfficientStrategies.Apply(model, spec.Strategy, spec.Seed, spec.Model.OneLayerSharesLinear)
                    : throw new ArgumentException($"Strategy {Runtime.Names.Of(spec.Strategy.Name)} builds from its seed; a parent model was given.", nameof(parent));
            if (device is not null) model.to(device);
            return new PemnNetwork(spec, model, values);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Releases the model's tensors.</summary>
    public void Dispose() => Model.Dispose();
}
