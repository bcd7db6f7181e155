using PEMN.Masking;
using PEMN.Runtime;
using static TorchSharp.torch;

namespace PEMN.Strategies;

/// <summary>
/// The conventional sparse networks PEMN is compared with (paper Fig. 4 and 5): which weights of each conv and linear
/// layer a sparse network keeps. Every layer keeps the same fraction q (<see cref="SparseLayer.KeepFraction"/>, from
/// masking.keep_fraction), exactly <see cref="TopKMask.KeptCount"/> weights, chosen per layer:
/// <list type="bullet">
/// <item><see cref="StrategyName.SparseRandom"/>: a uniformly random subset, drawn from the network seed;</item>
/// <item><see cref="StrategyName.SparseMagnitude"/>: the largest |w| of the initial weights (the paper's "sparse
/// network trained from scratch" after removing the smallest-magnitude weights);</item>
/// <item><see cref="StrategyName.SparseMagnitudeTrained"/>: the largest |w| of the parent dense network's trained
/// weights, which the network takes over first (with the norm parameters and statistics) and then fine-tunes.</item>
/// </list>
/// Ties in |w| keep the lower flat index (the rule of <see cref="TopKMask.Compute"/>).
/// </summary>
public static class SparseBaselines
{
    /// <summary>Stream index of <see cref="SeedMix"/> for random masks: distinct from weights (0), scores (1) and the RP permutation (2).</summary>
    private const long RandomMaskStream = 3;

    /// <summary>Chooses and fixes every layer's keep mask of <paramref name="model"/> and zeroes the pruned weights.</summary>
    /// <param name="model">A model built with <see cref="LayerKind.Sparse"/> layers.</param>
    /// <param name="config">A sparse baseline (<see cref="StrategyKinds.IsSparse"/>).</param>
    /// <param name="seed">The network seed: random masks draw from it, one stream per layer.</param>
    /// <param name="parent">
    /// <see cref="StrategyName.SparseMagnitudeTrained"/> only: the trained dense network of the same model definition,
    /// whose state (weights, norm parameters, running statistics) is copied in before pruning.
    /// </param>
    /// <returns>What was done, for the storage report: sparse baselines store no random values (no prototypes).</returns>
    /// <exception cref="ArgumentException">The strategy is not a sparse baseline, the model has no sparse layers, or the parent is missing, superfluous or of another definition.</exception>
    public static StrategyResult Apply(nn.Module model, StrategyConfig config, long seed, nn.Module? parent = null)
    {
        config.Validate();
        if (!config.Name.IsSparse())
            throw new ArgumentException($"Strategy {Names.Of(config.Name)} is not a sparse baseline; allowed here: {string.Join(", ", SparseNames)}.", nameof(config));
        var layers = WeightLayers.Of(model);
        var notSparse = layers.FirstOrDefault(l => l.Sparse is null);
        if (layers.Count == 0 || notSparse is not null)
            throw new ArgumentException(
                $"Strategy {Names.Of(config.Name)} needs a model built with LayerKind.Sparse; " +
                (notSparse is null ? "this model has no conv or linear layer." : $"layer '{notSparse.Path}' is not sparse.") +
                " Build it with new LayerFactory(LayerKind.Sparse, ...).", nameof(model));
        if (config.Name.NeedsParent() != parent is not null)
            throw new ArgumentException(parent is null
                ? $"Strategy {Names.Of(config.Name)} prunes a trained dense network: pass the parent run's trained model."
                : $"Strategy {Names.Of(config.Name)} starts from its own initial weights; a parent model was given.", nameof(parent));

        using var noGrad = no_grad();
        if (parent is not null) TakeOverState(model, parent);
        for (var index = 0; index < layers.Count; index++)
        {
            var layer = layers[index].Sparse!;
            using var mask = config.Name == StrategyName.SparseRandom
                ? RandomMask(layer, seed, index)
                : TopKMask.Compute(layer.Weight, layer.KeepFraction);
            layer.Prune(mask);
        }
        return new StrategyResult(config.Canonical(), [], [], seed);
    }

    /// <summary>The canonical names of the sparse baselines, for messages.</summary>
    public static IReadOnlyList<string> SparseNames { get; } =
        Enum.GetValues<StrategyName>().Where(n => n.IsSparse()).Select(n => Names.Of(n)).ToArray();

    /// <summary>
    /// A uniformly random keep mask of the layer's kept count: the top q of i.i.d. uniform scores drawn from the layer's
    /// own stream of <paramref name="seed"/> (<see cref="SeedMix"/>), so every layer and seed gets an independent subset.
    /// </summary>
    private static Tensor RandomMask(SparseLayer layer, long seed, long index)
    {
        using var generator = new Generator(SeedMix.Derive(seed, index, RandomMaskStream));
        using var scores = rand(layer.Weight.shape, generator: generator);
        return TopKMask.Compute(scores, layer.KeepFraction).to(layer.Weight.device);
    }

    /// <summary>
    /// Copies every tensor of <paramref name="parent"/>'s state dict into the same name of <paramref name="model"/>'s;
    /// the sparse model must have exactly the parent's names plus its keep masks, with the same shapes.
    /// </summary>
    private static void TakeOverState(nn.Module model, nn.Module parent)
    {
        var target = model.state_dict();
        var source = parent.state_dict();
        var masks = target.Keys.Where(k => k.EndsWith("." + SparseLayer.KeepMaskName, StringComparison.Ordinal)).ToHashSet();
        var expected = target.Keys.Where(k => !masks.Contains(k)).Order(StringComparer.Ordinal).ToList();
        var given = source.Keys.Order(StringComparer.Ordinal).ToList();
        if (!expected.SequenceEqual(given))
            throw new ArgumentException(
                "The parent network is not the dense network of this model definition: its state has " +
                $"[{string.Join(", ", given.Except(expected).Take(3))}] that the sparse model lacks and lacks " +
                $"[{string.Join(", ", expected.Except(given).Take(3))}].", nameof(parent));
        foreach (var (name, value) in source)
        {
            var into = target[name];
            if (!into.shape.SequenceEqual(value.shape))
                throw new ArgumentException(
                    $"The parent's '{name}' has shape [{string.Join(", ", value.shape)}]; this model's has [{string.Join(", ", into.shape)}].", nameof(parent));
            into.copy_(value);
        }
    }
}
