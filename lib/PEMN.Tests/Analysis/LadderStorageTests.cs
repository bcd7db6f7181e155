using PEMN.Analysis;
using PEMN.Configuration;
using PEMN.Sweeps;

namespace PEMN.Tests.Analysis;

public class LadderStorageTests
{
    [Fact]
    public void EveryRungIsMeasuredOnItsOwnNetworkInRungOrder()
    {
        var storage = LadderStorage.Measure(ExperimentPresets.Smoke);
        Assert.Equal("ConvMixer-16/2", storage.Model);
        Assert.Equal(StrategyLadder.Rungs.Select(r => r.Label), storage.Reports.Select(r => r.Scheme));
        // The same counts the ladder plans with.
        Assert.Equal(StrategyLadder.Steps(ExperimentPresets.Smoke).Select(s => s.UniqueValues), storage.Reports.Select(r => r.UniqueValues));
        Assert.Equal(0, storage.Reports[0].MaskBits);
        Assert.All(storage.Reports.Skip(1), r => Assert.Equal(storage.Reports[1].MaskBits, r.MaskBits));
    }

    [Fact]
    public void DescriptionNamesTheRungFromWhichTheMasksAreNearlyAllOfTheStorage()
    {
        var storage = LadderStorage.Measure(ExperimentPresets.Smoke);
        var first = storage.Reports.First(r => r.MaskedWeights > 0 && (double)r.MaskBits / r.WeightBits > LadderStorage.MasksDominate);
        var text = LadderStorage.Describe([storage]);
        Assert.StartsWith("ConvMixer-16/2: Mask 928, One-layer 528, MP 256, RP 1e-1 26", text);
        Assert.Contains($"over 90 % of C from {first.Scheme} on", text);
    }
}
