using PEMN.Masking;
using PEMN.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace PEMN.Tests.Masking;

public class MaskedLayerTests
{
    private static LayerFactory Masked(long seed = 0, double k = 0.5, WeightInit init = WeightInit.KaimingNormal, NormMode norm = NormMode.Learnable) =>
        new(LayerKind.Masked, new MaskingOptions(k, init, norm), seed);

    private static float[] Data(Tensor t) => t.detach().cpu().data<float>().ToArray();

    [Fact]
    public void WeightIsAFrozenBufferAndScoresAreTheOnlyTrainableParameter()
    {
        using var conv = (MaskedConv2d)Masked().Conv2d("c", new ConvSpec(3, 4, 3));
        var parameters = conv.named_parameters().ToList();
        Assert.Single(parameters);
        Assert.Equal("scores", parameters[0].name);
        Assert.Contains(conv.named_buffers(), b => b.name == "weight");
        Assert.False(conv.Weight.requires_grad);
    }

    [Fact]
    public void ScoreGradientEqualsStraightThroughFormulaElementWise()
    {
        using var scope = NewDisposeScope();
        var layer = (MaskedLinear)Masked(seed: 3).Linear("fc", 5, 3);
        var x = randn(new long[] { 4, 5 }, generator: new TorchSharp.torch.Generator(9));
        var upstream = randn(new long[] { 4, 3 }, generator: new TorchSharp.torch.Generator(10));
        var y = layer.forward(x);
        y.backward([upstream]);

        // Hand computation: y = x (W*M)^T, so dL/dW_eff = upstream^T x; dL/dS = dL/dW_eff * W * sign(S).
        var w = Data(layer.Weight); var s = Data(layer.Scores);
        var xs = Data(x); var g = Data(upstream);
        var grad = Data(layer.Scores.grad!);
        for (var o = 0; o < 3; o++)
            for (var i = 0; i < 5; i++)
            {
                double dWeff = 0;
                for (var b = 0; b < 4; b++) dWeff += g[b * 3 + o] * xs[b * 5 + i];
                var expected = dWeff * w[o * 5 + i] * Math.Sign(s[o * 5 + i]);
                Assert.Equal(expected, grad[o * 5 + i], 4);
            }
        // And the forward really used W * M.
        var mask = layer.Mask();
        var expectedY = x.matmul((layer.Weight * mask).t());
        Assert.True(expectedY.allclose(y.detach(), 1e-5, 1e-6));
    }

    [Fact]
    public void ManyOptimiserStepsChangeOnlyScoresAndNormAffineNeverWeights()
    {
        using var scope = NewDisposeScope();
        var model = new ConvMixer(8, 2, 3, 2, 1, 4, Activation.Gelu, Masked(seed: 1));
        var layers = WeightLayers.Of(model);
        var before = layers.Select(l => l.Weight.clone()).ToList();
        var scoresBefore = layers.Select(l => l.Masked!.Scores.detach().clone()).ToList();
        var bnBefore = model.named_parameters().Where(p => !p.name.EndsWith("scores")).Select(p => p.parameter.detach().clone()).ToList();
        Assert.NotEmpty(bnBefore);
        var optimizer = optim.AdamW(model.parameters(), 0.05, weight_decay: 0.005);
        var x = randn(new long[] { 6, 1, 8, 8 }, generator: new TorchSharp.torch.Generator(2));
        var labels = tensor(new long[] { 0, 1, 2, 3, 0, 1 });
        for (var step = 0; step < 10; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            nn.functional.cross_entropy(model.forward(x), labels).backward();
            optimizer.step();
        }
        for (var i = 0; i < layers.Count; i++)
        {
            Assert.Equal(Data(before[i]), Data(layers[i].Weight)); // bit-identical
            Assert.False(scoresBefore[i].Equals(layers[i].Masked!.Scores.detach()), $"scores of {layers[i].Path} did not change");
        }
        var bnAfter = model.named_parameters().Where(p => !p.name.EndsWith("scores")).Select(p => p.parameter.detach()).ToList();
        Assert.Contains(bnBefore.Zip(bnAfter), pair => !pair.First.Equals(pair.Second));
    }

    [Fact]
    public void NonAffineNormModeHasNoNormParameters()
    {
        using var model = new ConvMixer(8, 1, 3, 2, 1, 4, Activation.Gelu, Masked(norm: NormMode.NonAffine));
        Assert.All(model.named_parameters(), p => Assert.EndsWith("scores", p.name));
    }

    [Fact]
    public void WithKeepOneMaskedLayersComputeExactlyWhatDenseLayersWithTheSameWeightCompute()
    {
        using var scope = NewDisposeScope();
        var masked = (MaskedConv2d)Masked(seed: 4, k: 1.0).Conv2d("c", new ConvSpec(4, 4, 3, Groups: 2, SamePadding: true, Dilation: 2));
        var dense = nn.Conv2d(4, 4, (3, 3), Padding.Same, dilation: (2, 2), groups: 2, bias: false);
        using (no_grad()) dense.weight!.copy_(masked.Weight);
        var x = randn(2, 4, 7, 7);
        Assert.True(dense.forward(x).Equals(masked.forward(x)));

        var maskedFc = (MaskedLinear)Masked(seed: 4, k: 1.0).Linear("fc", 6, 2);
        var x2 = randn(3, 6);
        Assert.True(nn.functional.linear(x2, maskedFc.Weight).Equals(maskedFc.forward(x2)));
    }

    [Fact]
    public void StridedAndPaddedConvMatchesTorchConvGeometry()
    {
        using var scope = NewDisposeScope();
        var masked = (MaskedConv2d)Masked(k: 1.0).Conv2d("c", new ConvSpec(3, 5, 3, Stride: 2, Padding: 1));
        var y = masked.forward(randn(2, 3, 9, 9));
        Assert.Equal(new long[] { 2, 5, 5, 5 }, y.shape);
    }

    [Fact]
    public void SameSeedGivesIdenticalWeightsScoresAndMasksDifferentSeedsDiffer()
    {
        using var scope = NewDisposeScope();
        foreach (var init in Enum.GetValues<WeightInit>())
        {
            var a = WeightLayers.Of(new ConvMixer(8, 2, 3, 2, 1, 4, Activation.Gelu, Masked(seed: 5, init: init)));
            var b = WeightLayers.Of(new ConvMixer(8, 2, 3, 2, 1, 4, Activation.Gelu, Masked(seed: 5, init: init)));
            var c = WeightLayers.Of(new ConvMixer(8, 2, 3, 2, 1, 4, Activation.Gelu, Masked(seed: 6, init: init)));
            for (var i = 0; i < a.Count; i++)
            {
                Assert.True(a[i].Weight.Equals(b[i].Weight));
                Assert.True(a[i].Masked!.Scores.Equals(b[i].Masked!.Scores));
                Assert.True(a[i].Masked!.Mask().Equals(b[i].Masked!.Mask()));
                Assert.False(a[i].Weight.Equals(c[i].Weight), $"{init}: {a[i].Path} equal across seeds");
                Assert.False(a[i].Masked!.Scores.Equals(c[i].Masked!.Scores));
            }
        }
    }

    [Fact]
    public void InitialisersHaveTheDocumentedScale()
    {
        using var scope = NewDisposeScope();
        long[] shape = [64, 32, 3, 3];
        var std = Math.Sqrt(2.0 / (32 * 9));
        var normal = Initializers.Weight(shape, WeightInit.KaimingNormal, new TorchSharp.torch.Generator(1));
        Assert.InRange(normal.std().item<float>(), std * 0.95, std * 1.05);
        var signed = Initializers.Weight(shape, WeightInit.SignedConstant, new TorchSharp.torch.Generator(1));
        Assert.True(signed.abs().sub(std).abs().max().item<float>() < 1e-6);
        Assert.InRange(signed.gt(0).to(ScalarType.Float32).mean().item<float>(), 0.45, 0.55);
        var scores = Initializers.KaimingUniform(shape, new TorchSharp.torch.Generator(1));
        var bound = 1 / Math.Sqrt(32 * 9);
        Assert.True(scores.abs().max().item<float>() <= bound);
        Assert.InRange(scores.abs().max().item<float>(), bound * 0.95, bound);
    }

    [Fact]
    public void DenseLayersStartAsTheAuthorsDenseModelAndMaskedOnesAsThePapersWeights()
    {
        // Per layer of a ConvMixer: dense weights are PyTorch's default, Kaiming uniform a = sqrt 5, i.e.
        // U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with std 1/sqrt(3 fan_in); frozen masked weights are Kaiming normal,
        // std sqrt(2 / fan_in): about 2.45x larger. Fan-ins: stem 1*2*2 = 4, depthwise 1*5*5 = 25, pointwise 64, head 64.
        var config = new ModelConfig(ModelName.ConvMixer, Dim: 64, Depth: 2, Kernel: 5, Patch: 2, InChannels: 1, ImageSize: 8, Classes: 10);
        using var dense = config.Build(new LayerFactory(LayerKind.Dense, seed: 4));
        using var masked = config.Build(new LayerFactory(LayerKind.Masked, seed: 4));
        var fanIns = new Dictionary<string, long> { ["stem.conv"] = 4, ["head"] = 64 };
        foreach (var (d, m) in WeightLayers.Of(dense).Zip(WeightLayers.Of(masked)))
        {
            var fanIn = fanIns.GetValueOrDefault(d.Path, d.Path.EndsWith("depthwise", StringComparison.Ordinal) ? 25 : 64);
            var bound = 1 / Math.Sqrt(fanIn);
            Assert.True(d.Weight.abs().max().item<float>() <= bound * (1 + 1e-6), $"{d.Path}: outside U(-{bound}, {bound})");
            // Sample std of n uniform draws: relative error about 1/sqrt(n); the smallest layer here has 256 weights.
            Assert.InRange(d.Weight.std().item<float>(), 0.85 * bound / Math.Sqrt(3), 1.15 * bound / Math.Sqrt(3));
            Assert.InRange(m.Weight.std().item<float>(), 0.85 * Math.Sqrt(2.0 / fanIn), 1.15 * Math.Sqrt(2.0 / fanIn));
        }
    }

    [Fact]
    public void MaskInspectionReportsFractionsAndOverlap()
    {
        using var scope = NewDisposeScope();
        var model = new ConvMixer(8, 1, 3, 2, 1, 4, Activation.Gelu, Masked(k: 0.3));
        foreach (var (path, fraction) in MaskInspection.FractionsKept(model))
        {
            var layer = WeightLayers.Masked(model).Single(l => l.Path == path);
            Assert.Equal(TopKMask.KeptCount(layer.Count, 0.3) / (double)layer.Count, fraction, 6);
        }
        var a = tensor(new float[] { 1, 1, 0, 0 });
        var b = tensor(new float[] { 1, 0, 1, 0 });
        var overlap = MaskInspection.Overlap(a, b);
        Assert.Equal(0.5, overlap.Agreement);
        Assert.Equal(1.0 / 3, overlap.Jaccard, 9);
        Assert.Equal(0.5, overlap.SharedKept);
        Assert.Throws<ArgumentException>(() => MaskInspection.Overlap(a, tensor(new float[] { 1, 0 })));
    }

    [Fact]
    public void BadOptionsAreRejectedNamingValueAndRange()
    {
        var k = Assert.Throws<ArgumentOutOfRangeException>(() => new MaskingOptions(KeepFraction: 1.2).Validate());
        Assert.Contains("1.2", k.Message);
        Assert.Contains("(0, 1]", k.Message);
        var init = Assert.Throws<ArgumentOutOfRangeException>(() => new MaskingOptions(WeightInit: (WeightInit)42).Validate());
        Assert.Contains("kaiming_normal, signed_constant", init.Message);
        var groups = Assert.Throws<ArgumentException>(() => new ConvSpec(3, 4, 3, Groups: 2).Validate());
        Assert.Contains("Groups = 2", groups.Message);
    }

    [Fact]
    public void SetWeightRejectsWrongSizeAndKeepsTheOldValues()
    {
        using var scope = NewDisposeScope();
        var layer = (MaskedLinear)Masked().Linear("fc", 3, 2);
        var before = layer.Weight.clone();
        var error = Assert.Throws<ArgumentException>(() => layer.SetWeight(zeros(5)));
        Assert.Contains("fc", error.Message);
        Assert.True(before.Equals(layer.Weight));
        layer.SetWeight(arange(6, dtype: ScalarType.Float32));
        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 5 }, Data(layer.Weight));
    }
}
