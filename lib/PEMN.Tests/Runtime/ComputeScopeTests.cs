using PEMN.Configuration;
using PEMN.Masking;
using PEMN.Models;
using PEMN.Runs;
using PEMN.Runtime;
using static TorchSharp.torch;

namespace PEMN.Tests.Runtime;

/// <summary>
/// Precision and memory format of a forward pass (<see cref="ComputeScope"/>): bf16 through libtorch's autocast keeps the
/// trained tensors, the masks and the loss in float32; channels-last computes what contiguous computes, up to the order of sums.
/// </summary>
public class ComputeScopeTests : IDisposable
{
    private readonly int threads = get_num_threads();

    public ComputeScopeTests() => set_num_threads(1);

    public void Dispose() => set_num_threads(threads);

    private static readonly ModelConfig Tiny = new(ModelName.ConvMixer, Dim: 16, Depth: 2, Kernel: 3, Patch: 2, InChannels: 1, ImageSize: 8, Classes: 4);

    private static nn.Module<Tensor, Tensor> Model(LayerKind kind) => Tiny.Build(new LayerFactory(kind, new MaskingOptions(KeepFraction: 0.5), seed: 7));

    private static Tensor Images() => randn([6, 1, 8, 8], generator: new Generator(11));

    /// <summary>A channels-last (NHWC) stride pattern of a 4-D tensor.</summary>
    private static bool IsChannelsLast(Tensor t) =>
        t.stride().SequenceEqual([t.shape[1] * t.shape[2] * t.shape[3], 1, t.shape[3] * t.shape[1], t.shape[1]]);

    [Fact]
    public void Bf16ComputesConvolutionsInBfloat16AndKeepsEverythingTrainedInFloat32()
    {
        using var scope = NewDisposeScope();
        var model = Model(LayerKind.Masked);
        model.train();
        var masked = WeightLayers.Masked(model);
        var masksBefore = masked.Select(l => l.Masked!.Mask()).ToList();
        Tensor logits;
        using (ComputeScope.Begin(Precision.Bf16, MemoryFormat.Contiguous, CPU)) logits = model.forward(Images());
        Assert.Equal(ScalarType.BFloat16, logits.dtype);
        var loss = nn.functional.cross_entropy(logits.to(ScalarType.Float32), tensor(new long[] { 0, 1, 2, 3, 0, 1 }));
        Assert.Equal(ScalarType.Float32, loss.dtype);
        loss.backward();
        foreach (var layer in masked)
        {
            Assert.Equal(ScalarType.Float32, layer.Masked!.Scores.dtype);
            Assert.Equal(ScalarType.Float32, layer.Masked.Scores.grad!.dtype);
            Assert.True(layer.Masked.Scores.grad.abs().sum().item<float>() > 0, $"{layer.Path}: no gradient reached the scores");
        }
        // The masks are the top-k of the float32 scores, as in float32: unchanged by the pass.
        Assert.All(masked.Zip(masksBefore), p => Assert.True(p.First.Masked!.Mask().eq(p.Second).all().item<bool>()));
        // Norm statistics stay float32.
        Assert.All(model.modules().OfType<TorchSharp.Modules.BatchNorm2d>(), bn => Assert.Equal(ScalarType.Float32, bn.running_mean!.dtype));
        // Outside the scope autocast is off again.
        using var noGrad = no_grad();
        Assert.Equal(ScalarType.Float32, model.forward(Images()).dtype);
    }

    [Fact]
    public void Bf16IsCloseToFloat32AndScopesNest()
    {
        using var scope = NewDisposeScope();
        var model = Model(LayerKind.Dense);
        model.eval();
        using var noGrad = no_grad();
        var x = Images();
        var full = model.forward(x);
        Tensor half, inner;
        using (ComputeScope.Begin(Precision.Bf16, MemoryFormat.Contiguous, CPU))
        {
            using (ComputeScope.Begin(Precision.Bf16, MemoryFormat.ChannelsLast, CPU)) inner = model.forward(x);
            Assert.Equal(MemoryFormat.Contiguous, ComputeScope.CurrentFormat);
            half = model.forward(x);
        }
        Assert.Equal(MemoryFormat.Contiguous, ComputeScope.CurrentFormat);
        Assert.Equal(ScalarType.BFloat16, inner.dtype);
        // bfloat16 keeps 8 bits of mantissa: the logits agree to about 1 %, not to the last bit.
        var difference = (half.to(ScalarType.Float32) - full).abs().max().item<float>();
        Assert.True(difference > 0, "bf16 gave float32's exact logits: autocast did not run");
        Assert.True(difference < 0.05 * full.abs().max().item<float>() + 0.05, $"bf16 logits differ by {difference}");
    }

    [Theory]
    [InlineData(LayerKind.Dense)]
    [InlineData(LayerKind.Masked)]
    [InlineData(LayerKind.Sparse)]
    public void ChannelsLastComputesWhatContiguousComputesInNhwc(LayerKind kind)
    {
        using var scope = NewDisposeScope();
        var (a, b) = (Model(kind), Model(kind));
        a.train(); b.train();
        var x = Images();
        var y = tensor(new long[] { 0, 1, 2, 3, 0, 1 });
        Tensor contiguous, nhwc;
        using (ComputeScope.Begin(Precision.Fp32, MemoryFormat.Contiguous, CPU)) contiguous = a.forward(x);
        // The stem's output (the first conv, of a one-channel image) is already NHWC under channels-last.
        var stem = WeightLayers.Of(b)[0];
        Tensor? stemOutput = null;
        using (ComputeScope.Begin(Precision.Fp32, MemoryFormat.ChannelsLast, CPU))
        {
            stemOutput = ((nn.Module<Tensor, Tensor>)stem.Module).forward(x);
            nhwc = b.forward(x);
        }
        Assert.True(IsChannelsLast(stemOutput), $"the stem's output has strides [{string.Join(", ", stemOutput.stride())}]");
        Assert.True((contiguous - nhwc).abs().max().item<float>() < 1e-5f);
        nn.functional.cross_entropy(contiguous, y).backward();
        nn.functional.cross_entropy(nhwc, y).backward();
        var gradients = a.parameters().Zip(b.parameters()).Where(p => p.First.grad is not null).ToList();
        Assert.NotEmpty(gradients);
        foreach (var (p, q) in gradients)
            Assert.True((p.grad! - q.grad!).abs().max().item<float>() <= 1e-5f * Math.Max(1, p.grad!.abs().max().item<float>()));
    }

    [Fact]
    public void PrecisionIsPartOfTheRunIdAndMemoryFormatIsNot()
    {
        var quick = ExperimentPresets.Quick;
        var bf16 = quick with { Training = quick.Training with { Precision = Precision.Bf16 } };
        var nchw = quick with { Training = quick.Training with { MemoryFormat = MemoryFormat.Contiguous } };
        Assert.NotEqual(ExperimentJson.RunId(quick), ExperimentJson.RunId(bf16));
        Assert.Equal(ExperimentJson.RunId(quick), ExperimentJson.RunId(nchw));
        // Their defaults are left out of config.json, so every run recorded before them keeps its bytes.
        var json = ExperimentJson.Serialize(quick);
        Assert.DoesNotContain("precision", json);
        Assert.DoesNotContain("memory_format", json);
        Assert.Contains("\"precision\": \"bf16\"", ExperimentJson.Serialize(bf16));
        Assert.Contains("\"memory_format\": \"contiguous\"", ExperimentJson.Serialize(nchw));
        Assert.Equal(Precision.Bf16, ExperimentJson.Deserialize(ExperimentJson.Serialize(bf16)).Training.Precision);
    }

    [Fact]
    public void ABf16RunTrainsAndRecordsItsMemoryFormat()
    {
        var folder = Path.Combine(Path.GetTempPath(), "pemn-bf16-" + Guid.NewGuid().ToString("N"));
        try
        {
            var smoke = ExperimentPresets.Smoke;
            var config = smoke with { Training = smoke.Training with { Precision = Precision.Bf16 } };
            var run = new ExperimentRunner().Run(config, folder);
            Assert.True(run.Metrics.BestTestAccuracy > 0.5, $"bf16 smoke run: best test accuracy {run.Metrics.BestTestAccuracy}");
            Assert.All(run.History, e => Assert.True(double.IsFinite(e.TrainLoss)));
            var provenance = RunsLocation.At(folder).Run(config).ReadComplete().Provenance!;
            Assert.Equal(MemoryFormat.ChannelsLast, provenance.MemoryFormat);
            Assert.Equal(Machine.Allocator, provenance.Allocator);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
