using PEMN.Masking;
using PEMN.Runtime;
using static TorchSharp.torch;

namespace PEMN.Strategies;

/// <summary>
/// Applies a parameter-efficient strategy (paper section 2) to a model built through
/// <see cref="LayerFactory"/>: it decides which random values fill the frozen weights of the masked
/// layers. Masks (scores) are untouched: every layer keeps its own.
/// </summary>
/// <remarks>
/// <para>Dense and Mask leave the factory's weights as they are. One-layer: masked conv layers,
/// shallow to deep; the first layer of each distinct weight shape is a prototype and later layers of
/// that shape get its values. Which layers take part is a rule per model family
/// (<see cref="Models.ModelConfig.OneLayerSharesLinear"/>): conv layers only on ConvMixer and ResNet (the
/// authors' code), every masked layer on a ViT, whose repeated blocks are linear layers (else One-layer would
/// equal Mask); <see cref="StrategyConfig.IncludeLinear"/> makes linear layers take part on any model. MP: the largest masked layer (most elements, the first in order on
/// ties) is the prototype; every masked layer takes the first d_l values of it, flattened. RP: the
/// first floor(N r) + 1 values of the flattened largest layer (N elements), tiled to length N
/// (<see cref="PadMode.Rand"/>: then a seeded permutation of positions, <see cref="SeededPermutation"/>), and every layer
/// takes the first d_l values. <see cref="StrategyConfig.SignSymmetric"/> (our extension): the tiled period is the vector followed by
/// its negation, [u_0 .. u_{m-1}, -u_0 .. -u_{m-1}], so before any permutation position i holds u[i mod m] with a minus sign
/// exactly when (i mod 2m) &gt;= m; rand mode then permutes positions as usual. The stored values are still the m values of u.</para>
/// <para>Rescale (our extension; the authors name the flag but never implement it): after filling,
/// layer l's values are multiplied by s_l = KaimingStd(shape_l) / KaimingStd(shape of the
/// prototype's source layer) = sqrt(fan_in(source) / fan_in(l)), a float32 factor applied in
/// float32. Values drawn at the source's Kaiming std then have layer l's own Kaiming std. The
/// factor is a function of the shapes, so it costs no storage; one-layer and mask give s_l = 1. At the few-values end it
/// changes neither signs nor the draw's size relative to the source's std: with one value v, layer l holds v s_l (or 0) at
/// every position, all of v's sign.</para>
/// </remarks>
public static class ParameterEfficientStrategies
{
    /// <summary>Stream index of <see cref="SeedMix"/> for the RP rand-mode permutation (distinct from layer indices' streams 0 and 1).</summary>
    private const long PermutationStream = 2;

    /// <summary>Index passed to <see cref="SeedMix"/> for the permutation: one permutation per model.</summary>
    private const long PermutationIndex = 0;

    /// <summary>The seed of the RP rand-mode permutation of a network seeded with <paramref name="seed"/> (<see cref="SeededPermutation"/>).</summary>
    public static ulong PermutationSeed(long seed) => SeedMix.Derive(seed, PermutationIndex, PermutationStream);

    /// <summary>Length of the RP vector for a largest layer of <paramref name="n"/> elements: floor(n r) + 1 (authors' definition).</summary>
    public static long RandomVectorLength(long n, double ratio) => (long)Math.Floor(n * ratio) + 1;

    /// <summary>
    /// An RP ratio whose vector holds exactly <paramref name="values"/> values on a largest layer of <paramref name="n"/> elements
    /// (<see cref="RandomVectorLength"/>): the first of <paramref name="preferred"/> that does (the paper's round ratios keep the
    /// paper's labels and the run ids of its rungs), else (values - 1/2) / n, the middle of the interval
    /// [(values - 1) / n, values / n) of ratios that do, so that floor(n r) has half a step of margin against rounding.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">values is not in [1, n - 1] (n values would need r = 1: that is MP).</exception>
    public static double RatioForValues(long n, long values, IEnumerable<double>? preferred = null)
    {
        if (n < 2 || values < 1 || values >= n)
            throw new ArgumentOutOfRangeException(nameof(values), values,
                $"values = {values} is outside the allowed range [1, {n - 1}] for a largest layer of {n} elements (RP needs r in {StrategyConfig.RatioRange}).");
        foreach (var r in preferred ?? [])
            if (r > 0 && r < 1 && RandomVectorLength(n, r) == values) return r;
        var ratio = (values - 0.5) / n;
        return RandomVectorLength(n, ratio) == values ? ratio
            : throw new InvalidOperationException($"No ratio found for {values} values of {n}: floor({n} * {ratio}) + 1 = {RandomVectorLength(n, ratio)}.");
    }

    /// <summary>Fills the frozen weights of <paramref name="model"/> according to <paramref name="config"/>.</summary>
    /// <param name="model">A model whose conv and linear layers came from a <see cref="LayerFactory"/>.</param>
    /// <param name="config">The strategy; validated here.</param>
    /// <param name="seed">Seed of the RP rand-mode permutation (the only random choice a strategy makes).</param>
    /// <param name="shareLinear">One-layer: linear layers share prototypes too (the model family's rule, or'ed with
    /// <see cref="StrategyConfig.IncludeLinear"/>).</param>
    /// <returns>The prototypes and which prototype every masked layer took its values from.</returns>
    /// <exception cref="ArgumentException">The model's layer kind does not fit the strategy.</exception>
    public static StrategyResult Apply(nn.Module model, StrategyConfig config, long seed, bool shareLinear = false)
    {
        shareLinear |= config.IncludeLinear;
        config.Validate();
        if (config.Name.IsSparse())
            throw new ArgumentException(
                $"Strategy {Names.Of(config.Name)} is a sparse baseline: SparseBaselines.Apply chooses its keep masks (PemnNetwork.Build routes it there).",
                nameof(config));
        var layers = WeightLayers.Of(model);
        var masked = layers.Where(l => l.Masked is not null).ToList();
        if (config.Name == StrategyName.Dense)
        {
            if (masked.Count > 0)
                throw new ArgumentException(
                    $"Strategy Dense needs a model built with LayerKind.Dense; this model has {masked.Count} masked layers " +
                    $"(first: '{masked[0].Path}'). Build it with new LayerFactory(LayerKind.Dense, ...).", nameof(model));
            if (layers.Count == 0)
                throw new ArgumentException("Strategy Dense found no conv or linear layer in the model.", nameof(model));
            return new StrategyResult(config, [], [], seed, shareLinear);
        }
        if (masked.Count == 0)
            throw new ArgumentException(
                $"Strategy {config.Name} needs a model built with LayerKind.Masked; this model has no masked layers " +
                "(built with LayerKind.Dense?). Build it with new LayerFactory(LayerKind.Masked, ...).", nameof(model));

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return config.Name switch
        {
            StrategyName.Mask => OwnValues(masked, config, seed, shareLinear),
            StrategyName.OneLayer => OneLayer(masked, config, seed, shareLinear),
            StrategyName.MaxLayerPadding or StrategyName.RandomVectorPadding => Padding(masked, config, seed, shareLinear),
            _ => throw new ArgumentOutOfRangeException(nameof(config), config.Name, "Unknown strategy."),
        };
    }

    private static StrategyResult OwnValues(List<WeightLayer> masked, StrategyConfig config, long seed, bool shareLinear)
    {
        var prototypes = masked.Select(l => new Prototype(l.Path, l.Shape, l.Count)).ToList();
        var fills = masked.Select((l, i) => new LayerFill(l.Path, l.Shape, i, 1f)).ToList();
        return new StrategyResult(config, prototypes, fills, seed, shareLinear);
    }

    private static StrategyResult OneLayer(List<WeightLayer> masked, StrategyConfig config, long seed, bool shareLinear)
    {
        var prototypes = new List<Prototype>();
        var sources = new List<Tensor>();
        var byShape = new Dictionary<string, int>();
        var fills = new List<LayerFill>();
        foreach (var layer in masked)
        {
            var shares = layer.IsConv || shareLinear;
            var key = string.Join("x", layer.Shape);
            if (shares && byShape.TryGetValue(key, out var index))
            {
                var scale = Scale(layer.Shape, prototypes[index].SourceShape, config.Rescale);
                Fill(layer, sources[index], scale);
                fills.Add(new LayerFill(layer.Path, layer.Shape, index, scale));
                continue;
            }
            prototypes.Add(new Prototype(layer.Path, layer.Shape, layer.Count));
            sources.Add(layer.Weight.detach().clone());
            index = prototypes.Count - 1;
            if (shares) byShape[key] = index;
            fills.Add(new LayerFill(layer.Path, layer.Shape, index, 1f));
        }
        return new StrategyResult(config, prototypes, fills, seed, shareLinear);
    }

    private static StrategyResult Padding(List<WeightLayer> masked, StrategyConfig config, long seed, bool shareLinear)
    {
        var largest = masked[0];
        foreach (var layer in masked)
            if (layer.Count > largest.Count) largest = layer; // strict: the first in order wins ties
        var n = largest.Count;
        var vector = largest.Weight.detach().flatten().clone();
        var stored = n;
        if (config.Name == StrategyName.RandomVectorPadding)
        {
            stored = RandomVectorLength(n, config.Ratio);
            var period = vector.narrow(0, 0, stored);
            // Sign-symmetric: the period is u then -u, so position i of the tiled vector holds u[i mod m] with the sign
            // (-1)^floor((i mod 2m) / m); negation is exact in float32, and nothing about the signs needs storing.
            if (config.SignSymmetric) period = cat([period, period.neg()]);
            var copies = (n + period.numel() - 1) / period.numel();
            vector = period.repeat(copies).narrow(0, 0, n);
            if (config.PadMode == PadMode.Rand)
            {
                // A specified generator (not torch.randperm, whose algorithm may change): a .pemn file stores only its seed.
                var permutation = tensor(SeededPermutation.Create(PermutationSeed(seed), n)).to(vector.device);
                vector = vector.index_select(0, permutation);
            }
        }
        var fills = new List<LayerFill>();
        foreach (var layer in masked)
        {
            var scale = Scale(layer.Shape, largest.Shape, config.Rescale);
            Fill(layer, vector.narrow(0, 0, layer.Count), scale);
            fills.Add(new LayerFill(layer.Path, layer.Shape, 0, scale));
        }
        return new StrategyResult(config, [new Prototype(largest.Path, largest.Shape, stored)], fills, seed, shareLinear);
    }

    private static float Scale(long[] layer, long[] source, bool rescale) =>
        rescale ? (float)(Initializers.KaimingStd(layer) / Initializers.KaimingStd(source)) : 1f;

    private static void Fill(WeightLayer layer, Tensor values, float scale)
    {
        using var scope = NewDisposeScope();
        // A float32 scalar tensor: the multiply is exactly v * Scale in float32, the factor LayerFill records.
        var scaled = scale == 1f ? values : values.mul(tensor(scale, values.dtype, values.device));
        layer.Masked!.SetWeight(scaled);
    }
}
