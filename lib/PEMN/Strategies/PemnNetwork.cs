using PEMN.Masking;
using PEMN.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace PEMN.Strategies;

/// <summary>What defines a PEMN (or dense) network before training: architecture, masking, strategy and seed.</summary>
/// <param name="Model">The architecture.</param>
/// <param name="Masking">k, weight init and norm mode of the masked layers (unused by <see cref="StrategyName.Dense"/>).</param>
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
/// The one place that builds a network: the model with the layer kind its strategy needs (dense for Dense, masked
/// otherwise), seeded, its frozen weights filled by the strategy. Experiments, storage, benchmarks and notebooks all
/// build through here, so the same spec always gives the same network.
/// </summary>
public sealed class PemnNetwork : IDisposable
{
    private PemnNetwork(NetworkSpec spec, nn.Module<Tensor, Tensor> model, StrategyResult values) =>
        (Spec, Model, Values) = (spec, model, values);

    /// <summary>What was built.</summary>
    public NetworkSpec Spec { get; }

    /// <summary>The model: images [B, C, H, W] to logits [B, classes].</summary>
    public nn.Module<Tensor, Tensor> Model { get; }

    /// <summary>What the strategy did: the stored prototypes and which one every masked layer took its values from.</summary>
    public StrategyResult Values { get; }

    /// <summary>Builds <paramref name="spec"/> (validated here) and moves it to <paramref name="device"/> (null: stays on the CPU).</summary>
    public static PemnNetwork Build(NetworkSpec spec, Device? device = null)
    {
        spec.Validate();
        var model = spec.Model.Build(new LayerFactory(spec.Strategy.RequiredLayerKind(), spec.Masking, spec.Seed));
        try
        {
            var values = ParameterEfficientStrategies.Apply(model, spec.Strategy, spec.Seed, spec.Model.OneLayerSharesLinear);
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
