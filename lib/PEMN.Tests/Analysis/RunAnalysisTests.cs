using PEMN.Analysis;
using PEMN.Configuration;
using PEMN.Masking;
using PEMN.Plans;
using PEMN.Runs;
using PEMN.Strategies;
using PEMN.Sweeps;
using static PEMN.Tests.Strategies.PaperConvMixer;

namespace PEMN.Tests.Analysis;

public class RunAnalysisTests : IDisposable
{
    private readonly int threads = TorchSharp.torch.get_num_threads();
    private readonly string folder = Path.Combine(Path.GetTempPath(), "pemn-analysis-" + Guid.NewGuid().ToString("N"));

    public RunAnalysisTests() => TorchSharp.torch.set_num_threads(1);

    public void Dispose()
    {
        TorchSharp.torch.set_num_threads(threads);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    // Smoke RP with one value (N = 256, r = 1e-3 keeps 1), one epoch: the few-values end in seconds.
    private static readonly ExperimentConfig OneValue = ExperimentPresets.Smoke with
    {
        Strategy = new StrategyConfig(StrategyName.RandomVectorPadding, 1e-3),
        Training = ExperimentPresets.Smoke.Training with { Epochs = 1 },
    };

    [Fact]
    public void ARunsTrainedNetworkLoadsWithItsTrainedScoresAndNorms()
    {
        var outcome = new ExperimentRunner().Run(OneValue, folder);
        var (config, network) = RunPacking.LoadRun(outcome.RunDirectory);
        using (network)
        using (var untrained = PemnNetwork.Build(OneValue.Network))
        {
            Assert.Equal(ExperimentJson.RunId(OneValue), ExperimentJson.RunId(config));
            // Frozen weights as built; scores and BatchNorm moved by training: the checkpoint, not a fresh build, was loaded.
            var trained = WeightLayers.Masked(network.Model);
            var fresh = WeightLayers.Masked(untrained.Model);
            Assert.Equal(fresh.Select(l => Bits(l.Weight)), trained.Select(l => Bits(l.Weight)));
            Assert.NotEqual(fresh.Select(l => Bits(l.Masked!.Scores)), trained.Select(l => Bits(l.Masked!.Scores)));
            Assert.NotEqual(NormInspection.Of(untrained.Model), NormInspection.Of(network.Model));
        }
    }

    [Fact]
    public void AnalysisIsComputedFromTheCheckpointOnceThenReadFromItsFile()
    {
        var outcome = new ExperimentRunner().Run(OneValue, folder);
        var file = Path.Combine(outcome.RunDirectory, RunAnalysis.AnalysisFile);
        Assert.False(File.Exists(file));
        var first = RunAnalysis.ForRun(outcome.RunDirectory)!;
        Assert.True(File.Exists(file));
        Assert.Equal(outcome.RunId, first.RunId);
        Assert.Equal(1, Assert.Single(first.Drawn).Count);
        Assert.Equal(6, first.Layers.Count);   // stem, 2 x (depthwise, pointwise), head
        Assert.Equal(5, first.Norms.Count);    // stem.bn, 2 x (bn1, bn2)
        Assert.True(first.NegativeFraction is 0 or 1, "one value: every weight has its sign");

        // Checkpoints are not committed: the analysis file is what a committed run keeps.
        Directory.Delete(Path.Combine(outcome.RunDirectory, ExperimentRunner.CheckpointFolder), recursive: true);
        var again = RunAnalysis.ForRun(outcome.RunDirectory)!;
        Assert.Equal(ExperimentJson.Serialize(first), ExperimentJson.Serialize(again));
        // The drawn values need only the config.
        Assert.Equal(first.Drawn.Single().Listed, RunAnalysis.DrawnOfRun(outcome.RunDirectory).Single().Listed);
        File.Delete(file);
        Assert.Null(RunAnalysis.ForRun(outcome.RunDirectory));
    }

    [Fact]
    public void APlansAnalysesAreWrittenWhileItsCheckpointsAreThereAndCountedAfterwards()
    {
        var plan = new FigurePlan(PlanName.FewValues, "one-value", "one run at one value", [],
            [new PointsPart("one-value", _ => [new PointRun(new PlanPoint(FewValues.CopySeries, FewValues.Label(1), OneValue), 0)])]) { AnalysesRuns = true };
        Assert.Equal(new PlanAnalyses(0, 0, 0, 1), PlanRunner.Analyse(plan, Scale.Smoke, folder));
        var run = plan.RunPoints(Scale.Smoke, folder)[0].Single();
        Assert.Equal(new PlanAnalyses(1, 0, 0, 0), PlanRunner.Analyse(plan, Scale.Smoke, folder));
        Assert.Equal(new PlanAnalyses(0, 1, 0, 0), PlanRunner.Analyse(plan, Scale.Smoke, folder));
        // A committed run without its analysis: nothing to compute it from here.
        var runFolder = Path.Combine(folder, "one-value", "smoke", RunsLocation.RunsFolderName, run.RunId);
        File.Delete(Path.Combine(runFolder, RunAnalysis.AnalysisFile));
        Directory.Delete(Path.Combine(runFolder, ExperimentRunner.CheckpointFolder), recursive: true);
        Assert.Equal(new PlanAnalyses(0, 0, 1, 0), PlanRunner.Analyse(plan, Scale.Smoke, folder));
    }

    [Fact]
    public void AFolderThatIsNotACompleteRunHasNoAnalysisAndNoDrawnValues()
    {
        Directory.CreateDirectory(folder);
        Assert.Null(RunAnalysis.ForRun(folder));
        Assert.False(File.Exists(Path.Combine(folder, RunAnalysis.AnalysisFile)));
        var error = Assert.Throws<FileNotFoundException>(() => RunAnalysis.DrawnOfRun(folder));
        Assert.Contains(ExperimentRunner.ConfigFile, error.Message);
    }
}
