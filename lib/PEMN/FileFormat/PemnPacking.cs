using PEMN.Masking;
using PEMN.Storage;
using PEMN.Strategies;
using static TorchSharp.torch;

namespace PEMN.FileFormat;

/// <summary>
/// Between a trained network (<see cref="PemnNetwork"/>) and its file content (<see cref="PackedNetwork"/>): what goes
/// where, and the checks that make a packed network load back bit for bit.
/// </summary>
/// <remarks>
/// <para><b>Prototypes.</b> One per entry of the strategy's <see cref="StrategyResult.Prototypes"/>, read from the trained
/// model's frozen weights (never trained, so they are the values the strategy wrote): the source layer's weights are
/// the prototype itself (Mask, One-layer, MP), its first L values tiled (RP copy), or those values permuted (RP rand:
/// inverted with the permutation, P[perm[j]] = W[j] for perm[j] &lt; L). Stored as float32, or as a recipe with
/// <see cref="PemnPackOptions.SeedStorage"/>. RP's tiled length is the largest layer's size N; RP rand adds
/// permutation generator 1 (<see cref="Runtime.SeededPermutation"/>) with the strategy's seed.</para>
/// <para><b>Layers.</b> Every masked layer, shallow to deep: its prototype and float32 scale as the strategy filled it
/// (<see cref="StrategyResult.Layers"/>), offset 0, and its mask, the top-k of the trained scores.</para>
/// <para><b>Tensors.</b> Every other entry of the state_dict, in its order: norm affine parameters, BatchNorm running
/// statistics and num_batches_tracked, ViT position embedding and class token, and for a Dense network every weight.
/// Dense is packed as a plain stored network (no prototypes, no layers) so that every strategy has a file; it is not
/// small, and is not meant to be.</para>
/// <para><b>Sparse baselines</b> (format version 2) are packed as sparse layers: each conv and linear layer's keep mask,
/// coded as a PEMN mask is (bitmap or context-coded), and its trained weights at the kept entries, so that the two sides
/// of Fig. 4 and 5 compare in bytes on disk. No prototypes: a sparse network stores no random values.</para>
/// <para><b>Proof at packing.</b> After packing, every masked layer's frozen weights are rebuilt from the packed network
/// (FileFormat.md, "Semantics") and compared bit for bit with the model's; a mismatch throws instead of writing a file
/// that would load as another network.</para>
/// <para><b>Loading.</b> <see cref="Unpack"/> builds the network its spec describes, checks the packed network against
/// it (layer paths and shapes, prototypes and their lengths, tiled lengths, scales, kept counts, permutations, tensor
/// names, shapes and dtypes) before drawing or tiling anything, then overwrites frozen weights, scores and tensors. A
/// layer's scores become its mask (1 kept, 0 dropped): with exactly <see cref="TopKMask.KeptCount"/> ones the top-k of
/// the scores is the mask itself, so the network computes with the stored mask.</para>
/// </remarks>
public static partial class PemnPacking
{
    /// <summary>The state_dict suffixes of BatchNorm's running statistics (<see cref="NetworkTally"/> counts the same).</summary>
    private static readonly string[] RunningStatisticNames = ["running_mean", "running_var"];

    /// <summary>How a network's layers are packed (the file configuration names it, so readers know what to expect).</summary>
    public static PackedKind KindOf(NetworkSpec spec) =>
        spec.Strategy.Name == StrategyName.Dense ? PackedKind.Dense
        : spec.Strategy.Name.IsSparse() ? PackedKind.Sparse
        : PackedKind.Masked;

    /// <summary>
    /// The network of <paramref name="spec"/> ready to receive a trained state (a checkpoint, or a packed file): built as
    /// <see cref="PemnNetwork.Build"/> builds it, except that a strategy that prunes a trained parent
    /// (<see cref="StrategyKinds.NeedsParent"/>) prunes an untrained stand-in of the same definition, since the state
    /// overwrites every weight and keep mask the pruning chose; so a trained child loads without its parent run.
    /// </summary>
    public static PemnNetwork BuildForState(NetworkSpec spec, Device? device = null)
    {
        if (!spec.Strategy.Name.NeedsParent()) return PemnNetwork.Build(spec, device);
        using var standIn = PemnNetwork.Build(spec with { Strategy = new StrategyConfig(StrategyName.Dense) });
        return PemnNetwork.Build(spec, device, standIn.Model);
    }

    /// <summary>Packs the trained <paramref name="network"/> with configuration <paramref name="configJson"/> (a JSON object, opaque here).</summary>
    /// <param name="network">A network built by <see cref="PemnNetwork.Build"/> whose scores and norms were then trained (or loaded).</param>
    /// <param name="configJson">What the file's configuration section holds; the caller puts in what rebuilds <paramref name="network"/>'s spec.</param>
    /// <param name="options">Values stored or regenerated.</param>
    /// <exception cref="InvalidOperationException">The model's frozen weights are not what its strategy makes (not built from its spec), or a tensor has a dtype the format does not hold.</exception>
    /// <exception cref="ArgumentException">The result breaks a rule of the format (a limit, an invalid configuration), or the network
    /// is sign-symmetric RP, which the format cannot describe yet.</exception>
    public static PackedNetwork Pack(PemnNetwork network, string configJson, PemnPackOptions? options = null)
    {
        options ??= new PemnPackOptions();
        using var noGrad = no_grad();
        var spec = network.Spec;
        var model = network.Model;
        var masked = WeightLayers.Masked(model).ToList();
        var tensors = OtherTensors(model).Select(t => ToPacked(t.Name, t.Tensor)).ToList();
        if (KindOf(spec) == PackedKind.Dense)
            return new PackedNetwork(configJson, [], [], [], tensors).Validate();
        if (KindOf(spec) == PackedKind.Sparse)
            return new PackedNetwork(configJson, [], [], [], tensors, PackSparse(model)).Validate();
        // Refused up front with its reason, rather than by the bit-for-bit check below with a misleading one.
        if (spec.Strategy.Canonical().SignSymmetric)
            throw new ArgumentException(
                "strategy.sign_symmetric = true cannot be packed: a PEMN file tiles a prototype without negated copies (FileFormat.md, 'Semantics'); allowed: false.",
                "strategy.sign_symmetric");

        var fills = network.Values.Layers;
        if (!masked.Select(l => l.Path).SequenceEqual(fills.Select(f => f.Path)))
            throw new InvalidOperationException(
                $"The strategy result lists layers [{string.Join(", ", fills.Select(f => f.Path))}], the model's masked layers are " +
                $"[{string.Join(", ", masked.Select(l => l.Path))}]: the network was not built by PemnNetwork.Build.");
        var weights = masked.Select(l => Floats(l.Weight)).ToList();
        var rand = spec.Strategy.Name == StrategyName.RandomVectorPadding && spec.Strategy.PadMode == PadMode.Rand;
        var prototypes = new List<PackedPrototype>();
        var permutations = new List<PackedPermutation>();
        for (var p = 0; p < network.Values.Prototypes.Count; p++)
        {
            var source = network.Values.Prototypes[p];
            var at = masked.FindIndex(l => l.Path == source.SourcePath);
            if (at < 0 || fills[at].PrototypeIndex != p || fills[at].Scale != 1f)
                throw new InvalidOperationException($"Prototype {p}'s source layer '{source.SourcePath}' is not a masked layer holding it unscaled.");
            var tiled = masked[at].Count;
            var order = rand ? Runtime.SeededPermutation.Create(ParameterEfficientStrategies.PermutationSeed(spec.Seed), tiled) : null;
            var values = PrototypeOf(weights[at], source.Values, order);
            prototypes.Add(spec.Strategy.Name == StrategyName.RandomVectorPadding
                ? PackedPrototype.Stored(values, tiled)
                : PackedPrototype.Stored(values));
            if (order is not null)
                permutations.Add(new PackedPermutation(p, PermutationGenerator.SplitMix64FisherYates,
                    ParameterEfficientStrategies.PermutationSeed(spec.Seed), tiled, PemnDigest.Of(order)));
        }
        if (options.SeedStorage)
            for (var p = 0; p < prototypes.Count; p++)
                prototypes[p] = Regenerated(prototypes[p], network, p) ?? prototypes[p];

        var layers = masked.Select((l, i) =>
        {
            using var mask = l.Masked!.Mask();
            return new PackedLayer(l.Path, l.Shape, fills[i].PrototypeIndex, 0, fills[i].Scale, MaskBits.FromValues(Floats(mask)));
        }).ToList();
        var packed = new PackedNetwork(configJson, prototypes, layers, permutations, tensors).Validate();

        for (var i = 0; i < layers.Count; i++)
            if (!BitsEqual(packed.LayerWeights(i, ValueRegeneration.Draw, ValueRegeneration.Randperm), weights[i]))
                throw new InvalidOperationException(
                    $"Layer '{layers[i].Path}': its frozen weights are not what {spec.Strategy.Label()} makes of prototype {layers[i].Prototype} " +
                    "(FileFormat.md, 'Semantics'); the network was not built by PemnNetwork.Build from its spec, or its weights were changed after.");
        return packed;
    }

    /// <summary>
    /// Every sparse layer of <paramref name="model"/> as a packed sparse layer: its keep mask and its weights at the kept entries.
    /// The pruned weights are not stored, so they must be zero (as <see cref="SparseLayer"/> keeps them); the loaded layer
    /// then holds exactly the trained one's weights.
    /// </summary>
    private static List<PackedSparseLayer> PackSparse(nn.Module model)
    {
        var layers = WeightLayers.Sparse(model);
        if (layers.Count == 0)
            throw new InvalidOperationException("A sparse baseline's model has no sparse layers: it was not built by PemnNetwork.Build from its spec.");
        return layers.Select(l =>
        {
            var sparse = l.Sparse!;
            if (!sparse.IsPruned)
                throw new InvalidOperationException($"Sparse layer '{l.Path}' is not pruned yet: a sparse baseline's layers keep a fixed fraction q, set by its strategy.");
            var weights = Floats(sparse.Weight);
            var mask = MaskBits.FromValues(Floats(sparse.KeepMask));
            for (var i = 0; i < weights.Length; i++)
                if (!mask[i] && weights[i] != 0)
                    throw new InvalidOperationException(
                        $"Sparse layer '{l.Path}': weight {i} is pruned by its keep mask but holds {weights[i]}, not 0; a sparse layer keeps its pruned weights at 0 " +
                        "(SparseLayer.Prune), and the file stores the kept ones only.");
            return PackedSparseLayer.Of(l.Path, l.Shape, mask, weights);
        }).ToList();
    }

    /// <summary>
    /// Every state_dict entry of <paramref name="model"/> except the masked layers' frozen weights and scores (which
    /// the file holds as prototypes and masks) and the sparse layers' weights and keep masks (which it holds as sparse
    /// layers), in state_dict order.
    /// </summary>
    public static IReadOnlyList<(string Name, Tensor Tensor)> OtherTensors(nn.Module model)
    {
        var excluded = new HashSet<IntPtr>();
        foreach (var layer in WeightLayers.Of(model))
        {
            if (layer.Masked is { } masked)
            {
                excluded.Add(masked.Weight.Handle);
                excluded.Add(masked.Scores.Handle);
            }
            else if (layer.Sparse is { } sparse)
            {
                excluded.Add(sparse.Weight.Handle);
                excluded.Add(sparse.KeepMask.Handle);
            }
        }
        return model.state_dict().Where(e => !excluded.Contains(e.Value.Handle)).Select(e => (e.Key, e.Value)).ToList();
    }

    /// <summary>Whether a tensor name is a BatchNorm running statistic (running_mean, running_var).</summary>
    public static bool IsRunningStatistic(string name) => RunningStatisticNames.Contains(name.Split('.')[^1]);

    /// <summary>The prototype's L values, from the source layer's weights (the tiled vector, permuted when <paramref name="order"/> is given).</summary>
    private static float[] PrototypeOf(float[] source, long length, long[]? order)
    {
        if (order is null) return source.AsSpan(0, checked((int)length)).ToArray();
        // V[j] = T[perm[j]] and T[i] = P[i] for i < L: P[perm[j]] = V[j] wherever perm[j] < L.
        var values = new float[length];
        for (var j = 0; j < order.Length; j++)
            if (order[j] < length) values[order[j]] = source[j];
        return values;
    }

    /// <summary>
    /// Prototype <paramref name="index"/> as a recipe when its source layer's draw, made again here, gives its values bit for bit;
    /// null otherwise (it stays stored). The source's creation index in the layer factory is taken to be its position among all
    /// conv and linear layers (true of every model here); a wrong guess only fails the check.
    /// </summary>
    private static PackedPrototype? Regenerated(PackedPrototype stored, PemnNetwork network, int index)
    {
        var source = network.Values.Prototypes[index];
        var creation = WeightLayers.Of(network.Model).Select(l => l.Path).ToList().IndexOf(source.SourcePath);
        var generator = ValueRegeneration.GeneratorOf(network.Spec.Masking.WeightInit);
        var seed = Runtime.SeedMix.Derive(network.Spec.Seed, creation, 0);
        var recipe = new RegenerationRecipe(generator, seed, source.SourceShape, PemnDigest.Of(stored.Values!));
        var drawn = ValueRegeneration.Draw(recipe, stored.Length);
        return BitsEqual(drawn, stored.Values!) ? PackedPrototype.Regenerated(recipe, stored.Length, stored.TiledLength) : null;
    }

    private static PackedTensor ToPacked(string name, Tensor t)
    {
        var shape = t.shape;
        using var scope = NewDisposeScope();
        var flat = t.detach().cpu().contiguous().flatten();
        return t.dtype switch
        {
            ScalarType.Float32 => PackedTensor.Of(name, shape, flat.data<float>().ToArray()),
            ScalarType.Int64 => PackedTensor.Of(name, shape, flat.data<long>().ToArray()),
            _ => throw new InvalidOperationException($"Tensor '{name}' is {t.dtype}; a PEMN file holds float32 and int64 tensors (convert the model to float32 first)."),
        };
    }

    private static float[] Floats(Tensor t)
    {
        using var scope = NewDisposeScope();
        return t.detach().to(ScalarType.Float32).cpu().contiguous().flatten().data<float>().ToArray();
    }

    private static bool BitsEqual(float[] a, float[] b) =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(a).SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(b));
}
