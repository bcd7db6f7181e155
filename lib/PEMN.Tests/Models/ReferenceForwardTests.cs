using PEMN.Masking;
using PEMN.Models;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace PEMN.Tests.Models;

/// <summary>
/// Our ConvMixer, dense and masked, against the PyTorch reference (bench/pytorch/pemn_reference.py, fixture written by
/// bench/pytorch/make_fixtures.py with torch 1.13): same weights and scores loaded by module path, then logits in eval
/// and train mode, the loss, the masks, every gradient and the BatchNorm running statistics must agree. No Python needed.
/// </summary>
/// <remarks>
/// Tolerance: |ours - reference| &lt;= Atol * max|reference| + Rtol * |reference|, per tensor. Both sides compute in
/// float32 with different libtorch versions (2.10 here, 1.13 for the fixture) and kernels, so they sum in different
/// orders. The generator measured how far float32 alone moves the reference from a float64 evaluation of the same
/// model: at most 5.0e-7 on logits of magnitude 2.2 and 8.7e-8 on gradients of magnitude 0.25. Ours against the
/// fixture differed by at most 3.6e-7 on logits (4.3e-7 of the tensor's largest magnitude) and 1.1e-7 on gradients
/// (1.4e-6 of the largest gradient of that tensor, a BN bias of scale 0.019). 1e-5 of the scale leaves a margin of
/// 7x over the worst of these, and is far below what a wrong model gives: ReLU for GELU moves logits by 0.27-0.35 of
/// their scale (<see cref="AWrongActivationIsFarOutsideTheTolerance"/>); even tanh-approximated GELU moves them by
/// 3.8e-4 (2.9e-4 of the scale) and failed these tests when tried, as did a dropped BN, no residual, max pooling,
/// BN momentum 0.2, a mask of the smallest scores, and straight-through estimators without sign(S) or through kept
/// entries only (the last two change only the masked gradients, which is the test that caught them).
/// </remarks>
public class ReferenceForwardTests(ITestOutputHelper output)
{
    /// <summary>Allowed difference relative to the largest magnitude in the expected tensor.</summary>
    private const double Atol = 1e-5;
    /// <summary>Allowed difference relative to the element itself.</summary>
    private const double Rtol = 1e-5;

    private static readonly ReferenceFixture Fixture = ReferenceFixture.Load();

    public static TheoryData<LayerKind> Kinds => new() { LayerKind.Dense, LayerKind.Masked };

    private static nn.Module<Tensor, Tensor> LoadedModel(LayerKind kind, Activation? activation = null)
    {
        var model = Fixture.Config(activation).Build(new LayerFactory(kind, Fixture.Masking, seed: 0));
        var own = model.state_dict();
        using var noGrad = no_grad();
        foreach (var (name, value) in Fixture.Get(kind).State())
        {
            Assert.True(own.ContainsKey(name), $"Our {kind} model has no tensor '{name}'; it has: {string.Join(", ", own.Keys)}.");
            Assert.Equal(value.shape, own[name].shape);
            own[name].copy_(value);
        }
        return model;
    }

    /// <summary>Asserts closeness and returns (max abs difference, max abs difference / max |expected|).</summary>
    private (double Abs, double Rel) AssertClose(string what, Tensor actual, Tensor expected)
    {
        Assert.Equal(expected.shape, actual.shape);
        var a = actual.detach().to(ScalarType.Float64).flatten().data<double>().ToArray();
        var b = expected.detach().to(ScalarType.Float64).flatten().data<double>().ToArray();
        var scale = Math.Max(b.Max(Math.Abs), double.Epsilon);
        double worst = 0;
        var worstIndex = 0;
        var failures = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = Math.Abs(a[i] - b[i]);
            if (!(d <= Atol * scale + Rtol * Math.Abs(b[i]))) failures++;
            if (d > worst || double.IsNaN(d)) { worst = d; worstIndex = i; }
        }
        output.WriteLine($"{what}: max abs {worst:E2}, max abs / max|expected| {worst / scale:E2} (scale {scale:G3})");
        Assert.True(failures == 0,
            $"{what}: {failures} of {a.Length} elements differ beyond {Atol:G2} x {scale:G3} + {Rtol:G2} x |expected|; " +
            $"worst at flat index {worstIndex}: ours {a[worstIndex]:R}, reference {b[worstIndex]:R}.");
        return (worst, worst / scale);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void StateDictHasTheReferenceNamesAndShapes(LayerKind kind)
    {
        using var scope = NewDisposeScope();
        var model = Fixture.Config().Build(new LayerFactory(kind, Fixture.Masking, seed: 0));
        var ours = model.state_dict().Where(p => !p.Key.EndsWith("num_batches_tracked"))
            .ToDictionary(p => p.Key, p => p.Value.shape);
        var reference = Fixture.Get(kind).State().ToDictionary(p => p.Name, p => p.Value.shape);
        Assert.Equal(reference.Keys.Order(), ours.Keys.Order());
        foreach (var (name, shape) in reference) Assert.Equal(shape, ours[name]);
        // The trainable tensors are exactly those the reference took gradients of (masked: scores and BN affine).
        var trainable = model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).Order();
        Assert.Equal(Fixture.Get(kind).Gradients().Select(g => g.Name).Order(), trainable);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EvalModeLogitsMatchTheReference(LayerKind kind)
    {
        using var scope = NewDisposeScope();
        var model = LoadedModel(kind);
        model.eval();
        using var noGrad = no_grad();
        AssertClose($"{kind} eval logits", model.forward(Fixture.Input()), Fixture.Get(kind).LogitsEval());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void TrainModeLogitsAndLossMatchTheReference(LayerKind kind)
    {
        using var scope = NewDisposeScope();
        var model = LoadedModel(kind);
        model.train();
        var logits = model.forward(Fixture.Input());
        AssertClose($"{kind} train logits", logits, Fixture.Get(kind).LogitsTrain());
        var loss = nn.functional.cross_entropy(logits, Fixture.Labels());
        AssertClose($"{kind} train loss", loss, tensor(Fixture.Get(kind).LossTrain));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void GradientsOfTheLossMatchTheReference(LayerKind kind)
    {
        using var scope = NewDisposeScope();
        var model = LoadedModel(kind);
        model.train();
        nn.functional.cross_entropy(model.forward(Fixture.Input()), Fixture.Labels()).backward();
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var expected = Fixture.Get(kind).Gradients();
        Assert.NotEmpty(expected);
        foreach (var (name, grad) in expected)
        {
            var actual = parameters[name].grad;
            Assert.True(actual is not null, $"{kind} '{name}' received no gradient.");
            AssertClose($"{kind} grad {name}", actual!, grad);
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void BatchNormRunningStatisticsAfterOneTrainForwardMatchTheReference(LayerKind kind)
    {
        using var scope = NewDisposeScope();
        var model = LoadedModel(kind);
        model.train();
        using (no_grad()) model.forward(Fixture.Input());
        var own = model.state_dict();
        foreach (var (name, value) in Fixture.Get(kind).RunningAfterTrain())
            AssertClose($"{kind} {name} after one train forward", own[name], value);
    }

    [Fact]
    public void MasksMatchTheReferenceExactly()
    {
        using var scope = NewDisposeScope();
        var model = LoadedModel(LayerKind.Masked);
        // A masked layer is a module with its own "scores" parameter; its public Mask() is the mask it computes with.
        // Found by name, not by type, so that the test holds while the masked layer types are being renamed.
        var layers = model.named_modules()
            .Where(m => m.module.named_parameters(recurse: false).Any(p => p.name == "scores"))
            .ToDictionary(m => m.name, m => m.module);
        var expected = Fixture.Get(LayerKind.Masked).Masks();
        Assert.Equal(expected.Select(m => m.Name).Order(), layers.Keys.Order());
        foreach (var (name, mask) in expected)
        {
            var method = layers[name].GetType().GetMethod("Mask", Type.EmptyTypes);
            Assert.True(method is not null && method.ReturnType == typeof(Tensor), $"'{name}' has no public Tensor Mask().");
            var ours = (Tensor)method!.Invoke(layers[name], null)!;
            var differ = ours.ne(mask).sum().item<long>();
            Assert.True(differ == 0, $"Mask of '{name}': {differ} of {mask.numel()} entries differ from the reference.");
            output.WriteLine($"mask {name}: {mask.numel()} entries, {mask.sum().item<float>()} kept, identical");
        }
    }

    /// <summary>The tolerance is tight enough to see a wrong model: ReLU in place of GELU.</summary>
    [Theory]
    [MemberData(nameof(Kinds))]
    public void AWrongActivationIsFarOutsideTheTolerance(LayerKind kind)
    {
        using var scope = NewDisposeScope();
        var model = LoadedModel(kind, Activation.Relu);
        model.eval();
        using var noGrad = no_grad();
        var expected = Fixture.Get(kind).LogitsEval();
        var relative = model.forward(Fixture.Input()).sub(expected).abs().max().item<float>() / expected.abs().max().item<float>();
        output.WriteLine($"{kind} ReLU vs GELU eval logits: max abs / max|expected| {relative:E2}");
        Assert.True(relative > 100 * (Atol + Rtol), $"ReLU moved the logits by only {relative:E2} of their scale.");
    }
}
