using CsCheck;
using PEMN.Masking;
using PEMN.Strategies;
using PEMN.Tests.Strategies;
using static TorchSharp.torch;

namespace PEMN.Tests.Masking;

/// <summary>
/// The kept count of a mask follows the stated rule for any layer and any k in (0, 1]: n - floor((1 - k) n) of n weights, the
/// reference code's count (<see cref="TopKMask.KeptCount"/>), which is ceil(k n) up to float rounding, and never less than one weight
/// (top-k rounds a k below 1/n up to one weight, <see cref="PEMN.Models.SmallestMaskedLayer"/>; this property found that a k at or
/// below 2^-54 kept none); the kept entries are the largest |scores|, ties going to the lower flat index; and the layer computes
/// with exactly W * M.
/// </summary>
public class TopKMaskProperties
{
    /// <summary>How the scores are drawn: ties and zeros are where a top-k selection goes wrong.</summary>
    public enum Scores
    {
        /// <summary>Standard normal: no ties.</summary>
        Normal,
        /// <summary>Integers in [-2, 2]: many ties at the threshold, and zeros.</summary>
        FewValues,
        /// <summary>All equal: the whole layer ties.</summary>
        Constant,
    }

    /// <summary>One masked layer: conv [out, in / groups, kernel, kernel] (depthwise when <paramref name="Depthwise"/>) or linear [out, in].</summary>
    public sealed record LayerCase(bool Conv, bool Depthwise, long Out, long In, long Kernel, double K, Scores Scores, long Seed)
    {
        /// <summary>The layer's weight count.</summary>
        public long Count => Conv ? Out * (Depthwise ? 1 : In) * Kernel * Kernel : Out * In;
    }

    /// <summary>
    /// k over all of (0, 1] as a double can hold it: uniform four times in eight; j / n for a j in [1, n], where (1 - k) n lands
    /// on or next to an integer and floor rounding decides, two in eight; exactly 1 one in eight; 2^-e for e in [1, 1074] (down
    /// to the smallest double) one in eight.
    /// </summary>
    private static Gen<double> KeepFraction(long n) => Gen.Frequency(
        (4, Gen.Double[0, 1].Select(u => Math.Max(1 - u, double.Epsilon))),
        (2, Gen.Long[1, n].Select(j => (double)j / n)),
        (1, Gen.Const(1.0)),
        (1, Gen.Int[1, 1074].Select(e => Math.Pow(2, -e))));

    private static readonly Gen<LayerCase> Layers =
        from conv in Gen.Bool
        from depthwise in Gen.Bool
        from output in Gen.Long[1, 8]
        from input in Gen.Long[1, 6]
        from kernel in Gen.Long[1, 4]
        let shape = new LayerCase(conv, conv && depthwise, conv && depthwise ? input : output, input, kernel, 1, Scores.Normal, 0)
        from k in KeepFraction(shape.Count)
        from scores in Gen.Enum<Scores>()
        from seed in Gen.Long[0, 1L << 40]
        select shape with { K = k, Scores = scores, Seed = seed };

    // 1,000 cases (under 1 ms each) cover every branch of the k generator and every score draw over a hundred times; a failure may
    // try 2,000 more to shrink. Stream 1: this property's own cases (PropertyCheck).
    [Fact]
    public void EveryMaskedLayerKeepsTheRulesCountOfItsLargestScores() =>
        PropertyCheck.Run(Layers, CheckLayer, stream: 1, iterations: 1_000, shrink: 2_000);

    /// <summary>
    /// The rule the library states (<see cref="TopKMask.KeptCount"/>): n - floor((1 - k) n), as the reference code computes it in
    /// doubles, and at least one weight (where 1 - k rounds to 1, the reference's count is 0).
    /// </summary>
    private static long Rule(long n, double k) => Math.Max(1, n - (long)Math.Floor((1 - k) * n));

    private static void CheckLayer(LayerCase c)
    {
        using var scope = NewDisposeScope();
        var factory = new LayerFactory(LayerKind.Masked, new MaskingOptions(c.K), c.Seed);
        using var module = c.Conv
            ? factory.Conv2d("layer", new ConvSpec(c.In, c.Out, c.Kernel, Groups: c.Depthwise ? c.In : 1))
            : factory.Linear("layer", c.In, c.Out);
        var layer = (MaskedLayer)module;
        var n = c.Count;
        Assert.Equal(n, layer.Weight.numel());
        using (no_grad()) layer.Scores.copy_(DrawScores(layer.Scores.shape, c.Scores, c.Seed));

        var mask = layer.Mask();
        Assert.Equal(layer.Weight.shape, mask.shape);
        Assert.Equal(layer.Weight.dtype, mask.dtype);
        Assert.True(mask.eq(0).logical_or(mask.eq(1)).all().item<bool>(), "the mask holds only 0 and 1");
        var kept = (long)mask.sum().item<float>();

        // The rule, and what it means: at least one weight, at most all, ceil(k n) up to the rounding of (1 - k) n.
        Assert.Equal(Rule(n, c.K), kept);
        Assert.Equal(TopKMask.KeptCount(n, c.K), kept);
        Assert.InRange(kept, 1, n);
        Assert.InRange(kept - c.K * n, -1e-9 * n, 1 + 1e-9 * n);

        // Which ones: every kept |score| >= every dropped one; at the threshold the lower flat indices are kept.
        var magnitude = layer.Scores.detach().abs().flatten().data<float>().ToArray();
        var keep = mask.flatten().data<float>().ToArray();
        var order = Enumerable.Range(0, (int)n).OrderByDescending(i => magnitude[i]).ThenBy(i => i).ToArray();
        var expected = new float[n];
        foreach (var i in order.Take((int)kept)) expected[i] = 1;
        Assert.Equal(expected, keep);
        Assert.Equal(keep, TopKMask.ComputeBySort(layer.Scores, c.K).flatten().data<float>().ToArray());

        // The layer computes with W * M exactly, with gradients on (the straight-through surrogate) and off.
        var product = layer.Weight.mul(mask);
        Assert.True(layer.EffectiveWeight().Equals(product), "the straight-through weight is W * M in value");
        using (no_grad()) Assert.True(layer.EffectiveWeight().Equals(product), "without gradients the weight is W * M");
        // Frozen weights are never 0 (normal draws), so the weights the layer uses are the kept ones.
        Assert.Equal(kept, product.count_nonzero().item<long>());
    }

    private static Tensor DrawScores(long[] shape, Scores kind, long seed)
    {
        using var generator = new Generator((ulong)seed);
        return kind switch
        {
            Scores.Normal => randn(shape, generator: generator),
            Scores.FewValues => randint(-2, 3, shape, generator: generator).to(ScalarType.Float32),
            _ => full(shape, 0.5f),
        };
    }

    /// <summary>A built network of any family and parameter-efficient strategy: k as its config allows it (one weight of its smallest layer up to 1).</summary>
    private static readonly Gen<NetworkSpec> Networks = NetworkSpecGen.Spec(NetworkSpecGen.ParameterEfficient);

    // 150 networks (ConvMixer, ViT, ResNet; 1 to 20 ms each): every masked layer of each, so layers of every size in one model share one k.
    // Stream 2: this property's cases. No shrinking: a printed spec is small already.
    [Fact]
    public void EveryLayerOfABuiltNetworkKeepsTheRulesCount() =>
        PropertyCheck.Run(Networks, spec =>
        {
            using var scope = NewDisposeScope();
            using var network = PemnNetwork.Build(spec);
            var masked = WeightLayers.Masked(network.Model);
            Assert.NotEmpty(masked);
            foreach (var layer in masked)
            {
                Assert.Equal(spec.Masking.KeepFraction, layer.Masked!.KeepFraction);
                using var mask = layer.Masked.Mask();
                Assert.True(Rule(layer.Count, spec.Masking.KeepFraction) == (long)mask.sum().item<float>(), $"layer {layer.Path} of {layer.Count} weights");
            }
        }, stream: 2, iterations: 150);
}
