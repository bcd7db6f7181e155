using PEMN.Masking;
using PEMN.Models;
using static TorchSharp.torch;

namespace PEMN.Tests.Masking;

public class SparseLayerTests
{
    private static LayerFactory Sparse(double q = 0.25, long seed = 0) => new(LayerKind.Sparse, new MaskingOptions(KeepFraction: q), seed);

    private static float[] Data(Tensor t) => t.detach().cpu().flatten().data<float>().ToArray();

    /// <summary>A mask keeping the first <paramref name="kept"/> entries (flat order) of a tensor of <paramref name="shape"/>.</summary>
    private static Tensor FirstKept(long[] shape, long kept)
    {
        var n = shape.Aggregate(1L, (a, b) => a * b);
        return cat([ones(kept), zeros(n - kept)]).view(shape);
    }

    [Fact]
    public void WeightIsTheOnlyParameterAndTheMaskABufferNamedAsTheDenseLayerPlusKeepMask()
    {
        using var conv = (SparseConv2d)Sparse().Conv2d("c", new ConvSpec(3, 4, 3));
        Assert.Equal(["weight"], conv.named_parameters().Select(p => p.name));
        Assert.Equal(["keep_mask"], conv.named_buffers().Select(b => b.name));
        Assert.True(conv.Weight.requires_grad);
        // A dense conv's state is the sparse conv's without the mask: a trained dense network loads into it name for name.
        using var dense = new LayerFactory(LayerKind.Dense).Conv2d("c", new ConvSpec(3, 4, 3));
        Assert.Equal(dense.state_dict().Keys.Append("keep_mask").Order(), conv.state_dict().Keys.Order());
    }

    [Fact]
    public void SparseLayersDrawTheDenseLayersInitialWeightsOfTheSameSeedAndStartUnpruned()
    {
        using var scope = NewDisposeScope();
        var sparse = WeightLayers.Of(new ModelConfig(Dim: 8, Depth: 2, Kernel: 3, InChannels: 1, ImageSize: 8, Classes: 4).Build(Sparse(seed: 7)));
        var dense = WeightLayers.Of(new ModelConfig(Dim: 8, Depth: 2, Kernel: 3, InChannels: 1, ImageSize: 8, Classes: 4).Build(new LayerFactory(LayerKind.Dense, seed: 7)));
        Assert.Equal(dense.Count, sparse.Count);
        foreach (var (s, d) in sparse.Zip(dense))
        {
            Assert.NotNull(s.Sparse);
            Assert.False(s.Sparse!.IsPruned);
            Assert.Equal(Data(d.Weight), Data(s.Weight));
            Assert.Equal(s.Count, (long)s.Sparse.KeepMask.sum().item<float>());
        }
    }

    [Fact]
    public void PruneZeroesThePrunedWeightsAndForwardComputesWithWeightTimesMask()
    {
        using var scope = NewDisposeScope();
        var conv = (SparseConv2d)Sparse(q: 0.25, seed: 3).Conv2d("c", new ConvSpec(2, 4, 3, Padding: 1));
        var before = conv.Weight.detach().clone();
        var kept = TopKMask.KeptCount(72, 0.25); // 72 - floor(0.75 * 72) = 18
        Assert.Equal(18, kept);
        var mask = FirstKept(conv.Weight.shape, kept);
        conv.Prune(mask);
        Assert.True(conv.IsPruned);
        Assert.Equal(Data(before.mul(mask)), Data(conv.Weight));
        Assert.Equal(54, Data(conv.Weight).Count(v => v == 0));
        var x = randn(2, 2, 5, 5, generator: new Generator(1));
        Assert.True(nn.functional.conv2d(x, before.mul(mask), padding: [1]).allclose(conv.forward(x), 1e-6, 1e-7));

        var fc = (SparseLinear)Sparse(q: 0.5).Linear("fc", 6, 2);
        fc.Prune(FirstKept([2, 6], 6));
        var x2 = randn(3, 6);
        Assert.True(nn.functional.linear(x2, fc.Weight.mul(fc.KeepMask)).Equals(fc.forward(x2)));
    }

    [Fact]
    public void PrunedWeightsGetNoGradient()
    {
        using var scope = NewDisposeScope();
        var fc = (SparseLinear)Sparse(q: 0.5, seed: 2).Linear("fc", 4, 3);
        var mask = FirstKept([3, 4], 6);
        fc.Prune(mask);
        fc.forward(randn(5, 4)).sum().backward();
        var grad = Data(fc.Weight.grad!);
        var m = Data(mask);
        Assert.All(Enumerable.Range(0, 12).Where(i => m[i] == 0), i => Assert.Equal(0f, grad[i]));
        Assert.Contains(Enumerable.Range(0, 12).Where(i => m[i] == 1), i => grad[i] != 0);
    }

    [Fact]
    public void AMaskOfAnotherCountShapeOrValueIsRejectedNamingTheLayer()
    {
        using var scope = NewDisposeScope();
        var fc = (SparseLinear)Sparse(q: 0.5).Linear("head", 4, 2);
        var count = Assert.Throws<ArgumentException>(() => fc.Prune(FirstKept([2, 4], 3)));
        Assert.Contains("'head'", count.Message);
        Assert.Contains("keeps 3 of 8", count.Message);
        Assert.Contains("keeps 4", count.Message);
        Assert.Throws<ArgumentException>(() => fc.Prune(FirstKept([4, 2], 4)));
        var notBinary = Assert.Throws<ArgumentException>(() => fc.Prune(FirstKept([2, 4], 4).mul(0.5)));
        Assert.Contains("only 0 and 1", notBinary.Message);
        Assert.False(fc.IsPruned);
    }

    [Fact]
    public void SparseNetworksHaveAffineNormsWhateverTheNormMode()
    {
        // The weights are trained, as in the dense network: masking.norm concerns PEMN's masked networks only.
        using var model = new ConvMixer(8, 1, 3, 2, 1, 4, Activation.Gelu, new LayerFactory(LayerKind.Sparse, new MaskingOptions(Norm: NormMode.NonAffine)));
        Assert.Contains(model.named_parameters(), p => p.name.EndsWith(".bias", StringComparison.Ordinal));
    }
}
