using PEMN.Masking;
using PEMN.Models;
using PEMN.Strategies;
using static TorchSharp.torch;

namespace PEMN.Tests.Masking;

public class FrozenMasksTests
{
    private static nn.Module<Tensor, Tensor> ConvMixer()
    {
        var model = new ModelConfig(Dim: 8, Depth: 2, Kernel: 3, Patch: 2, InChannels: 1, ImageSize: 8, Classes: 4)
            .Build(new LayerFactory(LayerKind.Masked, new MaskingOptions(KeepFraction: 0.4), 5));
        ParameterEfficientStrategies.Apply(model, new StrategyConfig(StrategyName.Mask), 5);
        model.eval();
        return model;
    }

    [Fact]
    public void FrozenLogitsAreBitForBitThoseOfLiveMasks()
    {
        using var model = ConvMixer();
        using var x = randn([6, 1, 8, 8], generator: new Generator(3));
        using var noGrad = no_grad();
        using var live = model.forward(x);
        Tensor frozenLogits;
        using (FrozenMasks.Over(model))
        {
            Assert.All(model.modules().OfType<MaskedLayer>(), l => Assert.True(l.IsFrozen));
            frozenLogits = model.forward(x);
        }
        using (frozenLogits) Assert.True(live.eq(frozenLogits).all().item<bool>());
        Assert.All(model.modules().OfType<MaskedLayer>(), l => Assert.False(l.IsFrozen));
    }

    [Fact]
    public void ScoresChangedAfterTheScopeChangeTheOutput()
    {
        using var model = ConvMixer();
        using var x = randn([4, 1, 8, 8], generator: new Generator(4));
        using var noGrad = no_grad();
        Tensor before;
        using (FrozenMasks.Over(model)) before = model.forward(x);
        foreach (var layer in model.modules().OfType<MaskedLayer>()) layer.Scores.copy_(randn_like(layer.Scores)); // another kept set
        using var after = model.forward(x);
        using (before) Assert.False(before.eq(after).all().item<bool>());
    }

    [Fact]
    public void AForwardPassThatNeedsTheScoreGradientIsRefusedWhileFrozen()
    {
        using var model = ConvMixer();
        using var x = randn([2, 1, 8, 8]);
        using var frozen = FrozenMasks.Over(model);
        var error = Assert.Throws<InvalidOperationException>(() => model.forward(x));
        Assert.Contains("frozen", error.Message);
    }
}
