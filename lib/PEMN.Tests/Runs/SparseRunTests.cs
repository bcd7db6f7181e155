using PEMN.Configuration;
using PEMN.Masking;
using PEMN.Runs;
using PEMN.Strategies;
using static TorchSharp.torch;

namespace PEMN.Tests.Runs;

/// <summary>Sparse baselines as experiments: their run ids, learning rate, parent runs and records.</summary>
public class SparseRunTests : IDisposable
{
    // Tiny tensors: one thread is fastest and keeps timings steady on a shared machine; restored after.
    private readonly int threads = get_num_threads();
    private readonly string folder = Path.Combine(Path.GetTempPath(), "pemn-sparse-" + Guid.NewGuid().ToString("N"));

    public SparseRunTests() => set_num_threads(1);

    public void Dispose()
    {
        set_num_threads(threads);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    private static ExperimentConfig Sparse(StrategyName name, double q = 0.3) => ExperimentPresets.Smoke with
    {
        Strategy = new StrategyConfig(name),
        Masking = ExperimentPresets.Smoke.Masking with { KeepFraction = q },
        Training = ExperimentPresets.Smoke.Training with { Epochs = 1 },
    };

    [Fact]
    public void ASparseRunsIdDependsOnQButNotOnMaskingFieldsThatDoNotApplyAndItTrainsAtTheDenseLearningRate()
    {
        var run = Sparse(StrategyName.SparseRandom);
        var id = ExperimentJson.RunId(run);
        Assert.StartsWith("sparse_random-", id);
        Assert.Equal(id, ExperimentJson.RunId(run with { Masking = run.Masking with { WeightInit = WeightInit.SignedConstant, Norm = NormMode.NonAffine } }));
        Assert.NotEqual(id, ExperimentJson.RunId(run with { Masking = run.Masking with { KeepFraction = 0.31 } }));
        Assert.NotEqual(id, ExperimentJson.RunId(run with { Strategy = new StrategyConfig(StrategyName.SparseMagnitude) }));
        // PEMN runs keep their masking fields in the id.
        var mask = run with { Strategy = new StrategyConfig(StrategyName.Mask) };
        Assert.NotEqual(ExperimentJson.RunId(mask), ExperimentJson.RunId(mask with { Masking = mask.Masking with { Norm = NormMode.NonAffine } }));
        Assert.True(run.TrainsWeights);
        Assert.Equal(run.Training.DenseLrMax, run.LrMax);
        Assert.Equal(run.Training.LrMax, mask.LrMax);
    }

    [Fact]
    public void TheParentIsTheSameConfigWithStrategyDenseAndOnlyMagnitudeAfterTrainingHasOne()
    {
        var child = Sparse(StrategyName.SparseMagnitudeTrained);
        var parent = ParentRun.ConfigOf(child)!;
        Assert.Equal(ExperimentJson.RunId(ExperimentPresets.Smoke with
        {
            Strategy = new StrategyConfig(StrategyName.Dense),
            Training = ExperimentPresets.Smoke.Training with { Epochs = 1 },
        }), ExperimentJson.RunId(parent));
        Assert.Null(ParentRun.ConfigOf(Sparse(StrategyName.SparseMagnitude)));
        Assert.Null(ParentRun.ConfigOf(ExperimentPresets.Smoke));
    }

    [Fact]
    public void AChildWithoutItsParentFailsNamingTheParentAndWhereToTrainItAndTrainsOnceTheParentIsThere()
    {
        var child = Sparse(StrategyName.SparseMagnitudeTrained);
        var parent = ParentRun.ConfigOf(child)!;
        var parentId = ExperimentJson.RunId(parent);
        var runner = new ExperimentRunner();
        var missing = Assert.Throws<ParentRunException>(() => runner.Run(child, folder));
        Assert.Equal(parentId, missing.ParentRunId);
        Assert.Contains(parentId, missing.Message);
        Assert.Contains("which is new", missing.Message);
        Assert.Equal(ParentRunProblem.NotComplete, missing.Problem);
        Assert.Equal(Path.Combine(RunsLocation.At(folder).Run(child).Path, ExperimentRunner.ConfigFile), missing.ChildConfigFile);
        Assert.Equal(folder, missing.OutDirectory);
        Assert.Equal(RunStatus.New, ExperimentRunner.StatusOf(folder, child));

        var trained = runner.Run(parent, folder);
        var outcome = runner.Run(child, folder);
        var record = ParentRun.ReadRecord(outcome.RunDirectory)!;
        Assert.Equal(parentId, record.RunId);
        Assert.Equal(RunsLocation.RelativeRunPath(parentId), record.RunDirectory);
        Assert.Equal(trained.Metrics.BestTestAccuracy, record.BestTestAccuracy);
        Assert.Equal(1, record.Epochs);
        Assert.Null(ParentRun.ReadRecord(trained.RunDirectory));

        // The child's trained network (its final checkpoint) still has exactly zero weights wherever its mask prunes.
        using var network = PemnNetwork.Build(Sparse(StrategyName.SparseMagnitude).Network);
        network.Model.load(Path.Combine(outcome.RunDirectory, ExperimentRunner.CheckpointFolder, ParentRun.FinalCheckpoint(outcome.RunDirectory, 1)!.ModelFile));
        foreach (var layer in WeightLayers.Sparse(network.Model))
        {
            var w = layer.Weight.detach().flatten().data<float>().ToArray();
            var m = layer.Sparse!.KeepMask.flatten().data<float>().ToArray();
            Assert.Equal(TopKMask.KeptCount(w.Length, 0.3), m.Count(v => v == 1));
            Assert.All(Enumerable.Range(0, w.Length).Where(i => m[i] == 0), i => Assert.Equal(0f, w[i]));
        }
    }

    [Fact]
    public async Task AChildWaitsForAParentThatAnotherProcessIsTraining()
    {
        var child = Sparse(StrategyName.SparseMagnitudeTrained);
        var parentFolder = RunsLocation.At(folder).Run(ParentRun.ConfigOf(child)!);
        Directory.CreateDirectory(parentFolder.Path);
        Task<ParentRecord> waiting;
        using (PEMN.Runtime.FileLock.Acquire(parentFolder.LockPath))
        {
            waiting = Task.Run(() => ParentRun.Require(folder, child));
            // While the lock is held the parent is in progress: the child waits instead of failing.
            var first = await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromSeconds(2)));
            Assert.NotSame(waiting, first);
        }
        // Released without a complete parent (that process stopped): now the child says what is missing.
        var error = await Assert.ThrowsAsync<ParentRunException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("which is new", error.Message);
    }

    [Fact]
    public void ASparseRunPacksAsASparseNetworkInAVersion2File()
    {
        var run = new ExperimentRunner().Run(Sparse(StrategyName.SparseRandom), folder);
        var packed = RunPacking.PackRun(run.RunDirectory);
        Assert.Equal(PEMN.FileFormat.PackedKind.Sparse, RunPacking.ConfigOf(packed).Kind);
        Assert.Equal(PEMN.FileFormat.PemnFile.Version2, PEMN.FileFormat.PemnFile.VersionOf(packed));
    }

    [Fact]
    public void AParentWithoutItsFinalCheckpointIsNamedWithTheWayToRetrainIt()
    {
        var child = Sparse(StrategyName.SparseMagnitudeTrained);
        var parent = ParentRun.ConfigOf(child)!;
        var runner = new ExperimentRunner();
        var trained = runner.Run(parent, folder);
        Directory.Delete(Path.Combine(trained.RunDirectory, ExperimentRunner.CheckpointFolder), recursive: true);
        var error = Assert.Throws<ParentRunException>(() => runner.Run(child, folder));
        Assert.Contains("without its final checkpoint", error.Message);
        Assert.Equal(ParentRunProblem.NoFinalCheckpoint, error.Problem);
        Assert.Contains($"delete {trained.RunDirectory}", error.Message);
    }
}
