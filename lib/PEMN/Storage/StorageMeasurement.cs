using PEMN.Masking;
using PEMN.Models;
using PEMN.Strategies;
using TorchSharp;
using static TorchSharp.torch;

namespace PEMN.Storage;

/// <summary>
/// Builds a model from its definition, applies a strategy and measures its storage: what
/// <c>pemn storage</c> prints. With seed storage on, it builds the model a second time from the same seed
/// and stores C_w as a seed only when every frozen weight comes out bit-identical.
/// </summary>
public static class StorageMeasurement
{
    /// <summary>Builds, applies, measures.</summary>
    /// <param name="model">The architecture.</param>
    /// <param name="masking">k, weight init and norm mode of the masked layers.</param>
    /// <param name="strategy">The strategy (<see cref="StrategyName.Dense"/> builds dense layers).</param>
    /// <param name="seed">Seed of the layer factory and of the strategy.</param>
    /// <param name="seedStorage">Count C_w as one 64-bit seed when the values regenerate from it.</param>
    /// <param name="device">Where to build (null: CPU).</param>
    public static StorageReport Run(ModelConfig model, MaskingOptions masking, StrategyConfig strategy, long seed,
        bool seedStorage = false, Device? device = null)
    {
        model.Validate(); masking.Validate(); strategy.Validate();
        using var noGrad = no_grad();
        var (first, result) = Build(model, masking, strategy, seed, device);
        using (first)
        {
            var regenerable = false;
            if (seedStorage && strategy.Name != StrategyName.Dense)
            {
                var (second, _) = Build(model, masking, strategy, seed, device);
                using (second) regenerable = SameFrozenWeights(first, second);
            }
            return StorageAccounting.Measure(first, result, regenerable);
        }
    }

    /// <summary>
    /// The conventional sparse network of the same architecture keeping fraction <paramref name="keep"/> of every
    /// conv and linear layer (<see cref="SparseStorage"/>): trained weights, so it is built dense (affine norms).
    /// </summary>
    public static StorageReport RunSparse(ModelConfig model, double keep, Device? device = null)
    {
        MaskingOptions.ValidateKeepFraction(keep, "sparse keep fraction q");
        using var noGrad = no_grad();
        using var dense = BuildDense(model, device);
        return SparseStorage.Report(dense, keep);
    }

    /// <summary>
    /// The sparse network of the same architecture at a storage compression ratio: the largest q that reaches
    /// <paramref name="compression"/> (<see cref="SparseStorage.KeepForCompression"/>), and its report.
    /// </summary>
    public static StorageReport RunSparseAtCompression(ModelConfig model, double compression, Device? device = null)
    {
        using var noGrad = no_grad();
        using var dense = BuildDense(model, device);
        return SparseStorage.Report(dense, SparseStorage.KeepForCompression(dense, compression));
    }

    private static nn.Module<Tensor, Tensor> BuildDense(ModelConfig model, Device? device)
    {
        var built = model.Validate().Build(new LayerFactory(LayerKind.Dense));
        if (device is not null) built.to(device);
        return built;
    }

    /// <summary>Builds <paramref name="model"/> with the layer kind the strategy needs and applies the strategy.</summary>
    public static (nn.Module<Tensor, Tensor> Model, StrategyResult Result) Build(
        ModelConfig model, MaskingOptions masking, StrategyConfig strategy, long seed, Device? device = null)
    {
        var built = model.Build(new LayerFactory(strategy.RequiredLayerKind(), masking, seed));
        if (device is not null) built.to(device);
        return (built, ParameterEfficiency.Apply(built, strategy, seed));
    }

    /// <summary>Whether two models' masked layers hold bit-identical frozen weights.</summary>
    public static bool SameFrozenWeights(nn.Module a, nn.Module b)
    {
        var la = WeightLayers.Masked(a);
        var lb = WeightLayers.Masked(b);
        return la.Count == lb.Count && la.Zip(lb).All(p =>
            p.First.Shape.SequenceEqual(p.Second.Shape) && Bits(p.First.Weight).SequenceEqual(Bits(p.Second.Weight)));
    }

    private static IEnumerable<uint> Bits(Tensor weight)
    {
        using var scope = NewDisposeScope();
        return weight.detach().to(ScalarType.Float32).cpu().flatten().data<float>().ToArray().Select(BitConverter.SingleToUInt32Bits).ToArray();
    }
}
