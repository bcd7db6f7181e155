using PEMN.Configuration;
using PEMN.Data;
using PEMN.Models;
using PEMN.Plans;

namespace PEMN.Tests.Plans;

public class RunCostTests
{
    private static readonly ExperimentConfig Smoke = ExperimentPresets.Smoke;

    [Fact]
    public void ARunCostsItsCountedFlopsOverEveryEpoch()
    {
        // Smoke: 4 synthetic classes, 128 training and 32 test images per class.
        var cost = RunCost.Of([Smoke]);
        var expected = 2.0 * Smoke.Training.Epochs
            * (MultiplyAdds.Training(Smoke.Model) * 4 * 128 + MultiplyAdds.Forward(Smoke.Model) * 4 * 32);
        Assert.Equal(expected, cost.Flops);
        Assert.Equal((1, 0), (cost.Runs, cost.Uncounted));
        Assert.Equal(expected / 20e12 / 3600, cost.Hours(), 12);
    }

    [Fact]
    public void FullSplitsComeFromTheCatalogueAndUnknownSizesAreLeftOut()
    {
        Assert.Equal((50_000L, 10_000L), new DataConfig(DataSetName.Cifar10).ImagesPerEpoch(10));
        Assert.Equal((10_000L, 10_000L), new DataConfig(DataSetName.FashionMnist, PerClass: 1000).ImagesPerEpoch(10));
        Assert.Equal((60_000L, 10_000L), new DataConfig(DataSetName.FashionMnist, PerClass: 100_000).ImagesPerEpoch(10));
        var unknown = Smoke with { Data = new DataConfig(DataSetName.Synthetic) };
        Assert.Null(unknown.Data.ImagesPerEpoch(4));
        var cost = RunCost.Of([Smoke, unknown]);
        Assert.Equal((2, 1), (cost.Runs, cost.Uncounted));
        Assert.Equal(RunCost.Of([Smoke]).Flops, cost.Flops);
    }
}
