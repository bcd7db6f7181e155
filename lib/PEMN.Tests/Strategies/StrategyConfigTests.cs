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
        new StrategyConfig(StrategyName.MaxLayerPadding, 1.0).Validate();
        new StrategyConfig(StrategyName.RandomVectorPadding, 1e-5).Validate();
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
