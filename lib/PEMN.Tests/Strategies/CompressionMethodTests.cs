using PEMN.Runtime;
using PEMN.Strategies;

namespace PEMN.Tests.Strategies;

public class CompressionMethodTests
{
    [Fact]
    public void EveryStrategyIsDrawnInOneSeriesAndABaselineSeriesIsItsStrategy()
    {
        Assert.Equal(CompressionMethod.Dense, CompressionMethods.Of(StrategyName.Dense));
        foreach (var pemn in new[] { StrategyName.Mask, StrategyName.OneLayer, StrategyName.MaxLayerPadding, StrategyName.RandomVectorPadding })
            Assert.Equal(CompressionMethod.Pemn, CompressionMethods.Of(pemn));
        foreach (var name in Enum.GetValues<StrategyName>().Where(n => n.IsSparse()))
        {
            var method = CompressionMethods.Of(name);
            Assert.True(method.IsBaseline());
            Assert.Equal(name, method.Baseline());
        }
        Assert.Null(CompressionMethod.Dense.Baseline());
        Assert.Null(CompressionMethod.Pemn.Baseline());
    }

    [Fact]
    public void ABaselineIsSpelledAsItsStrategyInEveryTable()
    {
        foreach (var method in Enum.GetValues<CompressionMethod>().Where(m => m.IsBaseline()))
        {
            Assert.Equal(Names.Of(method.Baseline()!.Value), Names.Of(method));
            Assert.Equal(Names.Label(method.Baseline()!.Value), Names.Label(method));
        }
        Assert.Equal(["Dense", "PEMN"], new[] { CompressionMethod.Dense, CompressionMethod.Pemn }.Select(Names.Label));
    }
}
