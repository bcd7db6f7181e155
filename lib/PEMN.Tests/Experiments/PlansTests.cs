using PEMN.Data;
using PEMN.Experiments;
using PEMN.Models;
using PEMN.Strategies;

namespace PEMN.Tests.Experiments;

public class PlansTests
{
    [Fact]
    public void Fig4HasTwoResNetDepthsOnTheScalesDataAndThePapersFourPanelsAtPaperScale()
    {
        var quick = Plans.ResNetCompression.PanelsAt("quick");
        Assert.Equal([8L, 20], quick.Select(p => p.Base.Model.Depth));
        Assert.All(quick, p => Assert.Equal(DataSetName.FashionMnist, p.Base.Data.Dataset));
        Assert.All(quick, p => Assert.Equal(ModelName.ResNet, p.Base.Model.Name));
        Assert.Equal(["resnet8-fashion_mnist", "resnet20-fashion_mnist"], quick.Select(p => p.Key));
        Assert.Equal("ResNet-20, Fashion-MNIST", quick[1].Title);
        // ResNet-20 is the quick ResNet preset itself, so its runs are those of the other plans on it.
        Assert.Equal(ExperimentJson.RunId(ExperimentPresets.QuickResNet), ExperimentJson.RunId(quick[1].Base));

        var paper = Plans.ResNetCompression.PanelsAt("paper");
        Assert.Equal([(DataSetName.Cifar10, 32L), (DataSetName.Cifar10, 56), (DataSetName.Cifar100, 32), (DataSetName.Cifar100, 56)],
            paper.Select(p => (p.Base.Data.Dataset, p.Base.Model.Depth)));
        Assert.Equal([10L, 10, 100, 100], paper.Select(p => p.Base.Model.Classes));
        Assert.All(paper, p => Assert.Equal(["MP", "RP 1e-1", "RP 1e-2"], p.Pemn.Select(s => s.Label())));
    }

    [Fact]
    public void Fig5IsTheScalesConvMixerAndThePapersDepthsSixAndEight()
    {
        var quick = Assert.Single(Plans.ConvMixerCompression.PanelsAt("quick"));
        Assert.Equal(ExperimentJson.RunId(ExperimentPresets.Quick), ExperimentJson.RunId(quick.Base));
        Assert.Equal(["RP 1e-1", "RP 1e-2", "RP 1e-3"], quick.Pemn.Select(s => s.Label()));
        Assert.Equal([6L, 8], Plans.ConvMixerCompression.PanelsAt("paper").Select(p => p.Base.Model.Depth));
    }

    [Fact]
    public void EveryComparisonPanelDrawsThePapersTargetsAndTheThreeBaselinesAndEachPlanListsParentsFirst()
    {
        foreach (var plan in Plans.All.Where(p => p.HasComparisons))
        {
            var panels = plan.PanelsAt("smoke");
            Assert.All(panels, p => Assert.Equal([0.90, 0.92, 0.94, 0.96], p.Targets));
            Assert.All(panels, p => Assert.Equal([StrategyName.SparseRandom, StrategyName.SparseMagnitude, StrategyName.SparseMagnitudeTrained], p.Baselines));
            var runs = plan.Runs("smoke").Runs;
            // Per panel: dense, three PEMN points, three baselines at four targets.
            Assert.Equal(panels.Count * 16, runs.Count);
            var ids = runs.Select(ExperimentJson.RunId).ToList();
            foreach (var child in runs.Where(r => r.Strategy.Name.NeedsParent()))
                Assert.True(ids.IndexOf(ExperimentJson.RunId(ParentRun.ConfigOf(child)!)) < ids.IndexOf(ExperimentJson.RunId(child)));
        }
        Assert.Same(Plans.ResNetCompression, Plans.Get("fig4"));
        Assert.Same(Plans.ConvMixerCompression, Plans.Get("FIG5"));
    }
}
