using PEMN.Configuration;
using PEMN.Masking;
using PEMN.Runs;
using PEMN.Strategies;
using PEMN.Training;
using static TorchSharp.torch;

namespace PEMN.Tests.Runs;

public class TrainedRunTests : IDisposable
{
    private readonly int threads = get_num_threads();
    private readonly string folder = Path.Combine(Path.GetTempPath(), "pemn-trained-" + Guid.NewGuid().ToString("N"));

    public TrainedRunTests() => set_num_threads(1);

    public void Dispose()
    {
        set_num_threads(threads);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    private static readonly ExperimentConfig Config =
        ExperimentPresets.Smoke with { Strategy = new StrategyConfig(StrategyName.OneLayer) };

    [Fact]
    public void ALoadedRunIsTheTrainedNetworkItsRunEvaluated()
    {
        var outcome = new ExperimentRunner().Run(Config, folder);
        using var trained = TrainedRun.LoadFromTable(Path.Combine(folder, RunsLocation.TableName), outcome.RunId);
        Assert.Equal(outcome.RunId, trained.RunId);
        Assert.Equal(Config.Training.Epochs, trained.Epoch);
        Assert.Equal(ExperimentJson.Canonical(Config), ExperimentJson.Canonical(trained.Config));

        // Its accuracy on the test set is the run's final test accuracy: the scores, norms and statistics are the trained ones.
        var (_, test) = new ExperimentData().Load(trained.Config, CPU);
        Assert.Equal(outcome.Metrics.FinalTestAccuracy, Trainer.Evaluate(trained.Model, test), 6);

        // The frozen values are the seed's (rebuilt, not trained), the scores are not the initial ones.
        using var untrained = PemnNetwork.Build(Config.Network);
        Assert.True(PEMN.Storage.StorageMeasurement.SameFrozenWeights(untrained.Model, trained.Model));
        Assert.Contains(MaskInspection.CompareLayers(untrained.Model, trained.Model), p => p.Overlap.Agreement < 1);
        Assert.Equal(Config.Strategy, trained.Network.Values.Config);
        Assert.True(trained.HasTrainedScores);
    }

    [Fact]
    public void WithoutItsCheckpointARunLoadsFromItsPackedNetworkWithTheSameMasks()
    {
        var outcome = new ExperimentRunner().Run(Config, folder);
        List<Tensor> masks;
        using (var fromCheckpoint = TrainedRun.Load(outcome.RunDirectory))
        {
            Assert.Equal(TrainedRunSource.Checkpoint, fromCheckpoint.Source);
            masks = WeightLayers.Masked(fromCheckpoint.Model).Select(l => l.Masked!.Mask()).ToList();
            File.WriteAllBytes(Path.Combine(outcome.RunDirectory, TrainedRun.PackedFile), PEMN.FileFormat.PemnFile.Write(RunPacking.PackRun(outcome.RunDirectory)));
        }
        Directory.Delete(Path.Combine(outcome.RunDirectory, ExperimentRunner.CheckpointFolder), recursive: true);

        using var packed = TrainedRun.Load(outcome.RunDirectory);
        Assert.Equal(TrainedRunSource.PackedFile, packed.Source);
        Assert.False(packed.HasTrainedScores);
        Assert.Equal(Config.Training.Epochs, packed.Epoch);
        Assert.All(WeightLayers.Masked(packed.Model).Zip(masks), p => Assert.True(p.First.Masked!.Mask().eq(p.Second).all().item<bool>(), p.First.Path));
        var (_, test) = new ExperimentData().Load(packed.Config, CPU);
        Assert.Equal(outcome.Metrics.FinalTestAccuracy, Trainer.Evaluate(packed.Model, test), 6);
    }

    [Fact]
    public void ARunWithNeitherCheckpointNorPackedNetworkSaysWhyAndWhatToDo()
    {
        var outcome = new ExperimentRunner().Run(Config, folder);
        Directory.Delete(Path.Combine(outcome.RunDirectory, ExperimentRunner.CheckpointFolder), recursive: true);
        var error = Assert.Throws<FileNotFoundException>(() => TrainedRun.Load(outcome.RunDirectory));
        Assert.Contains(outcome.RunId, error.Message);
        Assert.Contains("not committed", error.Message);
        Assert.Contains($"packing the run into {Path.Combine(outcome.RunDirectory, TrainedRun.PackedFile)}", error.Message);
        Assert.Contains("delete the run folder", error.Message);

        Assert.Throws<DirectoryNotFoundException>(() => TrainedRun.Load(Path.Combine(folder, "no-such-run")));
        Directory.CreateDirectory(Path.Combine(folder, "empty"));
        Assert.Contains("not a run folder", Assert.Throws<FileNotFoundException>(() => TrainedRun.Load(Path.Combine(folder, "empty"))).Message);
    }
}
