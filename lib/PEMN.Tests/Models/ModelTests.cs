using PEMN.Masking;
using PEMN.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace PEMN.Tests.Models;

public class ModelTests
{
    private static nn.Module<Tensor, Tensor> Build(ModelConfig config, LayerKind kind = LayerKind.Masked, long seed = 0) =>
        config.Build(new LayerFactory(kind, seed: seed));

    private static (long Total, long Largest) Counts(nn.Module model)
    {
        var layers = WeightLayers.Of(model);
        return (layers.Sum(l => l.Count), layers.Max(l => l.Count));
    }

    [Theory]
    [InlineData(256L, 6L, 5L, 2L, 3L, 10L)]
    [InlineData(512L, 8L, 5L, 2L, 3L, 100L)]
    [InlineData(64L, 4L, 5L, 2L, 1L, 10L)]
    public void ConvMixerWeightsFollowItsDefinition(long dim, long depth, long kernel, long patch, long channels, long classes)
    {
        using var model = Build(new ModelConfig(ModelName.ConvMixer, dim, depth, kernel, patch, channels, 32, classes));
        // stem conv + depth x (depthwise + pointwise) + head (Trockman & Kolter; no biases)
        var expected = channels * dim * patch * patch + depth * (dim * kernel * kernel + dim * dim) + dim * classes;
        var (total, largest) = Counts(model);
        Assert.Equal(expected, total);
        Assert.Equal(new[] { channels * dim * patch * patch, dim * kernel * kernel, dim * dim, dim * classes }.Max(), largest);
    }

    [Theory]
    [InlineData(ModelName.ConvMixer, 64L, 4L, 1L)]
    [InlineData(ModelName.ConvMixer, 48L, 3L, 1L)]
    [InlineData(ModelName.ViT, 64L, 2L, 1L)]
    [InlineData(ModelName.ViT, 32L, 3L, 1L)]
    [InlineData(ModelName.ResNet, 16L, 8L, 1L)]
    [InlineData(ModelName.ResNet, 16L, 20L, 2L)]
    public void WeightCountFromTheShapesIsTheBuiltModels(ModelName name, long dim, long depth, long widthMultiplier)
    {
        var config = new ModelConfig(name, dim, depth, Kernel: 3, Patch: 4, InChannels: 3, ImageSize: 32, Classes: 10, Heads: 4, WidthMultiplier: widthMultiplier);
        using var model = Build(config, LayerKind.Dense);
        Assert.Equal(Counts(model).Total, (long)config.WeightCount());
    }

    [Theory]
    [InlineData(ModelName.ConvMixer, "Dim")]
    [InlineData(ModelName.ViT, "Dim")]
    [InlineData(ModelName.ResNet, "WidthMultiplier")]
    public void AModelTooLargeForAnyMachineIsRefusedBeforeAnythingIsAllocated(ModelName name, string field)
    {
        // Each size passes alone; together they would be about 10^16 weights (ResNet: width multiplier 10^6).
        var config = new ModelConfig(name, Dim: 10_000_000, Depth: name == ModelName.ResNet ? 20 : 100, Heads: 8, WidthMultiplier: name == ModelName.ResNet ? 1_000_000 : 1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => config.Validate());
        Assert.Equal(field, error.ParamName);
        Assert.Contains($"conv and linear weights; allowed: at most {ModelConfig.MaxWeights:N0}", error.Message);
        Assert.True(new ModelConfig(name, Dim: 256, Depth: name == ModelName.ResNet ? 56 : 8).WeightCount() < ModelConfig.MaxWeights, "the paper's models pass");
    }

    [Fact]
    public void ConvMixer256x6OnCifar10HasThePapersCounts()
    {
        using var model = Build(new ModelConfig(ModelName.ConvMixer, 256, 6));
        Assert.Equal((437_248L, 65_536L), Counts(model));
    }

    [Theory]
    [InlineData(20L, 1L)]
    [InlineData(32L, 1L)]
    [InlineData(56L, 1L)]
    [InlineData(20L, 2L)]
    public void ResNetWeightsFollowHeEtAl(long depth, long width)
    {
        using var model = Build(new ModelConfig(ModelName.ResNet, Depth: depth, WidthMultiplier: width));
        var n = (depth - 2) / 6;
        long[] c = [16 * width, 32 * width, 64 * width];
        long Conv(long i, long o) => i * o * 9;
        // stem; stage 1: 2n convs c0->c0; stages 2, 3: one c(s-1)->c(s) conv then 2n - 1 c(s)->c(s); head.
        var expected = Conv(3, c[0]) + 2 * n * Conv(c[0], c[0])
            + Conv(c[0], c[1]) + (2 * n - 1) * Conv(c[1], c[1])
            + Conv(c[1], c[2]) + (2 * n - 1) * Conv(c[2], c[2])
            + c[2] * 10;
        var (total, largest) = Counts(model);
        Assert.Equal(expected, total);
        Assert.Equal(Conv(c[2], c[2]), largest);
        Assert.Equal(6 * n + 1 + 1, WeightLayers.Of(model).Count); // 6n convs + stem + head: option A adds no weights
    }

    [Fact]
    public void ResNet32OnCifar10HasThePapersCounts()
    {
        using var model = Build(new ModelConfig(ModelName.ResNet, Depth: 32));
        Assert.Equal((461_872L, 36_864L), Counts(model));
    }

    [Theory]
    [InlineData(Pooling.ClassToken)]
    [InlineData(Pooling.Mean)]
    public void ViTWeightsFollowItsDefinition(Pooling pooling)
    {
        const long dim = 64, depth = 3, patch = 4, heads = 4, ratio = 2, channels = 3, classes = 10;
        using var model = Build(new ModelConfig(ModelName.ViT, dim, depth, Patch: patch, InChannels: channels, Classes: classes,
            Heads: heads, MlpRatio: ratio, Pooling: pooling));
        // patch embedding + depth x (qkv 3d^2 + proj d^2 + MLP 2 r d^2) + head
        var expected = channels * dim * patch * patch + depth * (4 * dim * dim + 2 * ratio * dim * dim) + dim * classes;
        Assert.Equal(expected, Counts(model).Total);
        var tokens = (32 / patch) * (32 / patch) + (pooling == Pooling.ClassToken ? 1 : 0);
        var extra = model.named_parameters().Where(p => !p.name.EndsWith("scores") && !p.name.Contains("norm")).Sum(p => p.parameter.numel());
        Assert.Equal(tokens * dim + (pooling == Pooling.ClassToken ? dim : 0), extra);
    }

    public static TheoryData<ModelConfig> TinyModels() => new()
    {
        new ModelConfig(ModelName.ConvMixer, Dim: 8, Depth: 2, Kernel: 3, Patch: 2),
        new ModelConfig(ModelName.ResNet, Depth: 8),
        new ModelConfig(ModelName.ViT, Dim: 16, Depth: 2, Patch: 4, Heads: 2),
        new ModelConfig(ModelName.ViT, Dim: 16, Depth: 1, Patch: 4, Heads: 4, Pooling: Pooling.Mean),
    };

    [Theory]
    [MemberData(nameof(TinyModels))]
    public void EveryModelFitsEveryInputGeometry(ModelConfig tiny)
    {
        foreach (var (channels, size, classes) in new (long, long, long)[] { (1, 28, 10), (3, 32, 10), (3, 64, 200) })
        {
            using var scope = NewDisposeScope();
            var config = tiny with { InChannels = channels, ImageSize = size, Classes = classes };
            var model = Build(config);
            var y = model.forward(randn(2, channels, size, size));
            Assert.Equal(new long[] { 2, classes }, y.shape);
        }
    }

    [Theory]
    [MemberData(nameof(TinyModels))]
    public void DenseAndMaskedBuildsHaveTheSameLayerList(ModelConfig tiny)
    {
        using var dense = Build(tiny, LayerKind.Dense);
        using var masked = Build(tiny, LayerKind.Masked);
        var d = WeightLayers.Of(dense).Select(l => (l.Path, string.Join("x", l.Shape))).ToList();
        var m = WeightLayers.Of(masked).Select(l => (l.Path, string.Join("x", l.Shape))).ToList();
        Assert.Equal(d, m);
        Assert.All(WeightLayers.Of(masked), l => Assert.NotNull(l.Masked));
        Assert.All(WeightLayers.Of(dense), l => Assert.Null(l.Masked));
    }

    [Theory]
    [MemberData(nameof(TinyModels))]
    public void ForwardAndBackwardInsideADisposeScopeLeaveNoTensorAlive(ModelConfig tiny)
    {
        foreach (var kind in Enum.GetValues<LayerKind>())
        {
            using var model = Build(tiny, kind);
            var stats = DisposeScopeManager.Statistics;
            var before = stats.ThreadTotalLiveCount;
            using (var scope = NewDisposeScope())
            {
                var x = randn(4, tiny.InChannels, tiny.ImageSize, tiny.ImageSize);
                var labels = randint(tiny.Classes, [4]);
                nn.functional.cross_entropy(model.forward(x), labels).backward();
            }
            // Gradients live on the parameters until zero_grad: drop them, then nothing of the pass may remain.
            foreach (var p in model.parameters()) { p.grad?.Dispose(); p.grad = null; }
            Assert.Equal(before, stats.ThreadTotalLiveCount);
        }
    }

    [Theory]
    [InlineData(10L)]
    [InlineData(4L)]
    public void ResNetRejectsDepthsThatAreNot6nPlus2(long depth)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => new ModelConfig(ModelName.ResNet, Depth: depth).Validate());
        Assert.Contains("6n + 2", e.Message);
        Assert.Contains(depth.ToString(), e.Message);
    }

    [Fact]
    public void ViTRejectsPatchesAndHeadsThatDoNotDivide()
    {
        Assert.Contains("Patch = 5", Assert.ThrowsAny<ArgumentException>(() => new ModelConfig(ModelName.ViT, Patch: 5).Validate()).Message);
        Assert.Contains("Heads = 3", Assert.ThrowsAny<ArgumentException>(() => new ModelConfig(ModelName.ViT, Dim: 64, Patch: 4, Heads: 3).Validate()).Message);
    }

    [Fact]
    public void SameSeedSameModelDifferentSeedDifferentPositions()
    {
        var config = new ModelConfig(ModelName.ViT, Dim: 16, Depth: 1, Patch: 4, Heads: 2);
        using var a = Build(config, seed: 1); using var b = Build(config, seed: 1); using var c = Build(config, seed: 2);
        var pa = a.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var pb = b.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var pc = c.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.True(pa["positions"].Equals(pb["positions"]));
        Assert.False(pa["positions"].Equals(pc["positions"]));
    }

    [Theory]
    [MemberData(nameof(TinyModels))]
    public void EveryScoreAndEveryTrainedEmbeddingGetsAGradient(ModelConfig tiny)
    {
        using var model = Build(tiny);
        using (var scope = NewDisposeScope())
        {
            var x = randn(4, tiny.InChannels, tiny.ImageSize, tiny.ImageSize, generator: new TorchSharp.torch.Generator(3));
            nn.functional.cross_entropy(model.forward(x), tensor(new long[] { 0, 1, 2, 3 })).backward();
        }
        foreach (var (name, p) in model.named_parameters())
        {
            Assert.NotNull(p.grad);
            Assert.True(p.grad!.abs().sum().item<float>() > 0, $"{name} got a zero gradient");
        }
    }
}
