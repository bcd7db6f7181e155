using PEMN.Masking;
using PEMN.Models;
using PEMN.Strategies;
using static TorchSharp.torch;

namespace PEMN.Storage;

/// <summary>
/// Builds a network from its spec (<see cref="PemnNetwork"/>) and measures its storage: what <c>pemn storage</c>
/// prints. With seed storage on, it builds the network a second time from the same spec and stores C_w as a seed
/// only when every frozen weight comes out bit-identical.
/// </summary>
public static class StorageMeasurement
{
    /// <summary>Builds, applies, measures.</summary>
    /// <param name="spec">Architecture, masking, strategy (<see cref="StrategyName.Dense"/> builds dense layers) and seed.</param>
    /// <param name="seedStorage">Count C_w as one 64-bit seed when the values regenerate from it.</param>
    /// <param name="device">Where to build (null: CPU).</param>
    /// <param name="sparseIndex">How a sparse baseline stores its positions (stated in the report's scheme); unused otherwise.</param>
    public static StorageReport Run(NetworkSpec spec, bool seedStorage = false, Device? device = null,
        SparseIndexEncoding sparseIndex = SparseIndexEncoding.NarrowCsr)
    {
        using var noGrad = no_grad();
        if (spec.Strategy.Name.IsSparse())
        {
            // A sparse network's storage depends on its layers, q and the encoding, not on which weights are kept: magnitude
            // pruning after training is measured on the magnitude-at-init network, which needs no trained parent.
            var counted = spec.Strategy.Name.NeedsParent() ? spec with { Strategy = new StrategyConfig(StrategyName.SparseMagnitude) } : spec;
            using var sparse = PemnNetwork.Build(counted, device);
            return SparseStorage.Measure(sparse.Model, spec.Strategy.Label(), sparseIndex);
        }
        using var first = PemnNetwork.Build(spec, device);
        var regenerable = false;
        if (seedStorage && spec.Strategy.Name != StrategyName.Dense)
        {
            using var second = PemnNetwork.Build(spec, device);
            regenerable = SameFrozenWeights(first.Model, second.Model);
        }
        return StorageAccounting.Measure(first.Model, first.Values, regenerable, StorageReport.StoredValueBits(spec.Masking.WeightInit));
    }

    /// <summary>
    /// The conventional sparse network of the same architecture keeping fraction <paramref name="keep"/> of every
    /// conv and linear layer (<see cref="SparseStorage"/>): trained weights, so it is built dense (affine norms).
    /// </summary>
    public static StorageReport RunSparse(ModelConfig model, double keep, SparseIndexEncoding encoding = SparseIndexEncoding.NarrowCsr, Device? device = null)
    {
        MaskingOptions.ValidateKeepFraction(keep, "sparse keep fraction q");
        using var noGrad = no_grad();
        using var dense = BuildDense(model, device);
        return SparseStorage.Report(dense.Model, keep, encoding);
    }

    /// <summary>
    /// The sparse network of the same architecture at a storage compression ratio: the largest q that reaches
    /// <paramref name="compression"/> (<see cref="SparseStorage.KeepForCompression"/>), and its report.
    /// </summary>
    public static StorageReport RunSparseAtCompression(ModelConfig model, double compression, SparseIndexEncoding encoding = SparseIndexEncoding.NarrowCsr,
        Device? device = null)
    {
        using var noGrad = no_grad();
        using var dense = BuildDense(model, device);
        return SparseStorage.Report(dense.Model, SparseStorage.KeepForCompression(dense.Model, compression, encoding), encoding);
    }

    private static PemnNetwork BuildDense(ModelConfig model, Device? device) =>
        PemnNetwork.Build(new NetworkSpec(model, new MaskingOptions(), new StrategyConfig(StrategyName.Dense), Seed: 0), device);

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
