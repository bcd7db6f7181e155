using PEMN.Configuration;
using PEMN.Data;
using PEMN.Models;
using PEMN.Plans;
using PEMN.Runs;
using PEMN.Strategies;

namespace PEMN.Tests.Plans;

public class FigurePlansTests
{
    [Fact]
    public void Fig4HasTwoResNetDepthsOnTheScalesDataAndThePapersFourPanelsAtPaperScale()
    {
        var quick = FigurePlans.ResNetCompression.PanelsAt(Scale.Quick);
        Assert.Equal([8L, 20], quick.Select(p => p.Base.Model.Depth));
        Assert.All(quick, p => Assert.Equal(DataSetName.FashionMnist, p.Base.Data.Dataset));
        Assert.All(quick, p => Assert.Equal(ModelName.ResNet, p.Base.Model.Name));
        Assert.Equal(["resnet8-fashion_mnist", "resnet20-fashion_mnist"], quick.Select(p => p.Key));
        Assert.Equal("ResNet-20, Fashion-MNIST", quick[1].Title);
        // ResNet-20 is the quick ResNet preset itself, so its runs are those of the other plans on it.
        Assert.Equal(ExperimentJson.RunId(ExperimentPresets.QuickResNet), ExperimentJson.RunId(quick[1].Base));

        var paper = FigurePlans.ResNetCompression.PanelsAt(Scale.Paper);
        Assert.Equal([(DataSetName.Cifar10, 32L), (DataSetName.Cifar10, 56), (DataSetName.Cifar100, 32), (DataSetName.Cifar100, 56)],
            paper.Select(p => (p.Base.Data.Dataset, p.Base.Model.Depth)));
        Assert.Equal([10L, 10, 100, 100], paper.Select(p => p.Base.Model.Classes));
        Assert.All(paper, p => Assert.Equal(["MP", "RP 1e-1", "RP 1e-2"], p.Pemn.Select(s => s.Label())));
    }

    [Fact]
    public void Fig5IsTheScalesConvMixerAndThePapersDepthsSixAndEight()
    {
        var quick = Assert.Single(FigurePlans.ConvMixerCompression.PanelsAt(Scale.Quick));
        Assert.Equal(ExperimentJson.RunId(ExperimentPresets.Quick), ExperimentJson.RunId(quick.Base));
        Assert.Equal(["RP 1e-1", "RP 1e-2", "RP 1e-3"], quick.Pemn.Select(s => s.Label()));
        Assert.Equal([6L, 8], FigurePlans.ConvMixerCompression.PanelsAt(Scale.Paper).Select(p => p.Base.Model.Depth));
    }

    [Fact]
    public void EveryComparisonPanelDrawsThePapersTargetsAndTheThreeBaselinesAndEachPlanListsParentsFirst()
    {
        foreach (var plan in FigurePlans.All.Where(p => p.HasComparisons))
        {
            var panels = plan.PanelsAt(Scale.Smoke);
            Assert.All(panels, p => Assert.Equal([0.90, 0.92, 0.94, 0.96], p.Targets));
            Assert.All(panels, p => Assert.Equal([StrategyName.SparseRandom, StrategyName.SparseMagnitude, StrategyName.SparseMagnitudeTrained], p.Baselines));
            var runs = plan.Runs(Scale.Smoke).Runs;
            // Per panel: dense, three PEMN points, three baselines at four targets.
            Assert.Equal(panels.Count * 16, runs.Count);
            var ids = runs.Select(ExperimentJson.RunId).ToList();
            foreach (var child in runs.Where(r => r.Strategy.Name.NeedsParent()))
                Assert.True(ids.IndexOf(ExperimentJson.RunId(ParentRun.ConfigOf(child)!)) < ids.IndexOf(ExperimentJson.RunId(child)));
        }
        Assert.Same(FigurePlans.ResNetCompression, FigurePlans.Get("fig4"));
        Assert.Same(FigurePlans.ConvMixerCompression, FigurePlans.Get("FIG5"));
    }

    [Fact]
    public void TheKSweepIsMaskAndRp1e2AtSixKeepFractionsOnTheScalesConvMixerAndItsKOneHalfRunsAreTheLaddersOwn()
    {
        var quick = FigurePlans.KeepSweepRuns(Scale.Quick);
        Assert.Equal(12, quick.Count);
        Assert.Equal(12, FigurePlans.KeepSweep.Runs(Scale.Quick).Runs.Count);
        Assert.Equal([0.05, 0.1, 0.2, 0.3, 0.5, 0.7], quick.Select(r => r.Config.Masking.KeepFraction).Distinct());
        Assert.Equal(["Mask", "RP 1e-2"], quick.Select(r => r.Point.Series).Distinct());
        Assert.All(quick, r => Assert.Equal(0, r.Seed));
        Assert.All(quick, r => Assert.Equal(ExperimentPresets.Quick.Model, r.Config.Model));
        // At k = 0.5 the configs are the ladder's seed-0 rungs: the same run ids, so the plan copies those runs.
        var ladder = FigurePlans.Ladder.Runs(Scale.Quick).Runs.Where(c => c.Training.Seed == 0).Select(ExperimentJson.RunId).ToHashSet();
        var half = quick.Where(r => r.Point.Label == FigurePlans.KeepLabel(0.5)).Select(r => ExperimentJson.RunId(r.Config)).ToList();
        Assert.Equal(2, half.Count);
        Assert.All(half, id => Assert.Contains(id, ladder));
        Assert.All(quick.Where(r => r.Point.Label != FigurePlans.KeepLabel(0.5)), r => Assert.DoesNotContain(ExperimentJson.RunId(r.Config), ladder));
        Assert.True(FigurePlans.KeepSweep.PacksRuns && FigurePlans.KeepSweep.ReusesRuns);
        Assert.False(FigurePlans.Ladder.PacksRuns || FigurePlans.Ladder.ReusesRuns);
        Assert.Same(FigurePlans.KeepSweep, FigurePlans.Get("k-sweep"));
    }
}
