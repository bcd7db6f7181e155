using PEMN.Strategies;

namespace PEMN.Tests.Strategies;

public class StrategyConfigTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    [InlineData(-0.1)]
    public void RandomVectorPaddingRejectsRatiosOutsideTheOpenUnitInterval(double ratio)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new StrategyConfig(StrategyName.RandomVectorPadding, ratio).Validate());
        Assert.Equal(nameof(StrategyConfig.Ratio), error.ParamName);
        Assert.Contains("(0, 1)", error.Message);
        Assert.Contains(ratio.ToString(), error.Message);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void NonFiniteRatioIsRejectedForEveryStrategy(double ratio)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new StrategyConfig(StrategyName.Mask, ratio).Validate());
        Assert.Equal(nameof(StrategyConfig.Ratio), error.ParamName);
    }

    [Fact]
    public void RatioMattersOnlyForRandomVectorPadding()
    {
        // MP takes any finite ratio and ignores it: the same network and the same run id.
        var model = new PEMN.Models.ModelConfig(Dim: 8, Depth: 2, Kernel: 3, InChannels: 1, ImageSize: 8, Classes: 2);
        uint[][] Weights(StrategyConfig strategy)
        {
            using var network = PemnNetwork.Build(new NetworkSpec(model, new PEMN.Masking.MaskingOptions(), strategy, Seed: 1));
            return PEMN.Masking.WeightLayers.Masked(network.Model).Select(l => PaperConvMixer.Bits(l.Weight)).ToArray();
        }
        Assert.Equal(Weights(new StrategyConfig(StrategyName.MaxLayerPadding, 1.0)), Weights(new StrategyConfig(StrategyName.MaxLayerPadding, 0.01)));
        Assert.Equal(new StrategyConfig(StrategyName.MaxLayerPadding, 1.0).Canonical(), new StrategyConfig(StrategyName.MaxLayerPadding, 0.01).Canonical());
        // RP: the ratio decides the vector, and r = 1 is refused (that is MP).
        Assert.NotEqual(Weights(new StrategyConfig(StrategyName.RandomVectorPadding, 0.5)), Weights(new StrategyConfig(StrategyName.RandomVectorPadding, 0.01)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StrategyConfig(StrategyName.RandomVectorPadding, 1.0).Validate());
    }

    [Fact]
    public void UnknownEnumValuesAreRejectedWithTheAllowedNames()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new StrategyConfig((StrategyName)42).Validate());
        Assert.Equal(nameof(StrategyConfig.Name), error.ParamName);
        Assert.Contains("random_vector_padding (rp)", error.Message); // the canonical name and its alias, as every input accepts them
        var pad = Assert.Throws<ArgumentOutOfRangeException>(() => new StrategyConfig(PadMode: (PadMode)7).Validate());
        Assert.Equal(nameof(StrategyConfig.PadMode), pad.ParamName);
        Assert.Contains("copy, rand", pad.Message);
    }

    [Theory]
    [InlineData(StrategyName.Mask, "ratio", false)]
    [InlineData(StrategyName.RandomVectorPadding, "ratio", true)]
    [InlineData(StrategyName.MaxLayerPadding, "rescale", true)]
    [InlineData(StrategyName.MaxLayerPadding, "pad_mode", false)]
    [InlineData(StrategyName.OneLayer, "include_linear", true)]
    [InlineData(StrategyName.Dense, "include_linear", false)]
    [InlineData(StrategyName.Mask, "name", true)]
    public void AFieldAppliesOnlyToTheStrategiesItDecidesSomethingFor(StrategyName name, string field, bool applies)
    {
        Assert.Equal(applies, new StrategyConfig(name).Applies(field));
        // A field that does not apply is at its default in the canonical form, so it cannot change a run id.
        if (!applies && field == "ratio") Assert.Equal(new StrategyConfig(name).Canonical(), new StrategyConfig(name, 0.01).Canonical());
    }
}
