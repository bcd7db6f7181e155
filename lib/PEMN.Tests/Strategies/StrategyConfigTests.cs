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
}
