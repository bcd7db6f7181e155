using static TorchSharp.torch;

namespace PEMN.Masking;

/// <summary>One conv or linear layer of a model, as the strategies and the storage report see it.</summary>
/// <param name="Path">The dotted module path, e.g. "blocks.0.pointwise".</param>
/// <param name="Module">The layer.</param>
/// <param name="Weight">Its weight tensor (frozen buffer when masked, trained parameter when dense or sparse).</param>
/// <param name="Masked">The layer as <see cref="MaskedLayer"/>, or null for a dense or sparse layer.</param>
/// <param name="Sparse">The layer as <see cref="SparseLayer"/> (trained weights under a fixed keep mask), or null.</param>
public sealed record WeightLayer(string Path, nn.Module Module, Tensor Weight, MaskedLayer? Masked, SparseLayer? Sparse = null)
{
    /// <summary>Number of weights.</summary>
    public long Count => Weight.numel();
    /// <summary>Whether this is a conv layer (4-D weight) rather than a linear one.</summary>
    public bool IsConv => Weight.dim() == 4;
    /// <summary>The weight shape.</summary>
    public long[] Shape => Weight.shape;
}

/// <summary>Finds the conv and linear layers of a model, shallow to deep.</summary>
public static class WeightLayers
{
    /// <summary>
    /// Every conv and linear layer of <paramref name="model"/>, dense, masked or sparse, in depth-first registration
    /// order (PyTorch's named_modules order). TorchSharp's named_modules lists all children before any
    /// grandchild, which would put a ConvMixer's head before its stem conv.
    /// </summary>
    public static IReadOnlyList<WeightLayer> Of(nn.Module model)
    {
        var list = new List<WeightLayer>();
        foreach (var (path, module) in DepthFirst(model, ""))
        {
            switch (module)
            {
                case MaskedLayer masked:
                    list.Add(new WeightLayer(path, module, masked.Weight, masked));
                    break;
                case SparseLayer sparse:
                    list.Add(new WeightLayer(path, module, sparse.Weight, null, sparse));
                    break;
                case DenseConv2d dense:
                    list.Add(new WeightLayer(path, module, dense.Weight, null));
                    break;
                case TorchSharp.Modules.Conv2d conv:
                    list.Add(new WeightLayer(path, module, conv.weight!, null));
                    break;
                case TorchSharp.Modules.Linear linear:
                    list.Add(new WeightLayer(path, module, linear.weight!, null));
                    break;
            }
        }
        return list;
    }

    private static IEnumerable<(string Path, nn.Module Module)> DepthFirst(nn.Module module, string prefix)
    {
        foreach (var (name, child) in module.named_children())
        {
            var path = prefix.Length == 0 ? name : $"{prefix}.{name}";
            yield return (path, child);
            foreach (var descendant in DepthFirst(child, path)) yield return descendant;
        }
    }

    /// <summary>The sparse layers (trained weights under a fixed keep mask) only.</summary>
    public static IReadOnlyList<WeightLayer> Sparse(nn.Module model) =>
        Of(model).Where(l => l.Sparse is not null).ToList();

    /// <summary>The masked layers only.</summary>
    public static IReadOnlyList<WeightLayer> Masked(nn.Module model) =>
        Of(model).Where(l => l.Masked is not null).ToList();
}
