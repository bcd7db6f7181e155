using System.Text.Json.Nodes;
using PEMN.Configuration;
using PEMN.Data;
using PEMN.Masking;
using PEMN.Runs;
using PEMN.Storage;
using PEMN.Strategies;
using PEMN.Training;

namespace PEMN.Tests.Runs;

public class ExperimentRunnerTests : IDisposable
{
    // Tiny tensors: one thread is fastest and keeps timings steady on a shared machine; restored after.
    private readonly int threads = TorchSharp.torch.get_num_threads();

    public ExperimentRunnerTests() => TorchSharp.torch.set_num_threads(1);

    private readonly string folder = Path.Combine(Path.GetTempPath(), "pemn-runner-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        TorchSharp.torch.set_num_threads(threads);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void SmokeRunWritesRecordsAndIsSkippedTheSecondTime()
    {
        var runner = new ExperimentRunner();
        var epochs = new List<EpochRecord>();
        var first = runner.Run(ExperimentPresets.Smoke, folder, observer: new TrainingObserver(onEpoch: epochs.Add));
        Assert.Equal(RunStatus.New, first.StatusBefore);
        Assert.Equal(ExperimentPresets.Smoke.Training.Epochs, epochs.Count);
        Assert.True(first.Metrics.BestTestAccuracy > 1.0 / ExperimentPresets.Smoke.Model.Classes,
            $"smoke best accuracy {first.Metrics.BestTestAccuracy}");
        foreach (var file in new[] { ExperimentRunner.ConfigFile, ExperimentRunner.HistoryFile, ExperimentRunner.MetricsFile })
            Assert.True(File.Exists(Path.Combine(first.RunDirectory, file)), file);
        Assert.Equal(ExperimentJson.Canonical(ExperimentPresets.Smoke),
            ExperimentJson.Canonical(ExperimentJson.Load(Path.Combine(first.RunDirectory, ExperimentRunner.ConfigFile))));
        var history = JsonNode.Parse(File.ReadAllText(Path.Combine(first.RunDirectory, ExperimentRunner.HistoryFile)))!.AsArray();
        Assert.Equal(2, history.Count);
        Assert.NotNull(history[0]!["test_accuracy"]);

        var second = runner.Run(ExperimentPresets.Smoke with { Threads = 1 }, folder);
        Assert.True(second.Skipped);
        Assert.Equal(first.Metrics, second.Metrics);

        var (header, rows) = RunsCsv.Read(Path.Combine(folder, RunsLocation.TableName));
        var row = Assert.Single(rows);
        Assert.Equal(first.RunId, row["run_id"]);
        Assert.Equal("0.05", row["training.lr_max"]);
        Assert.Equal("synthetic", row["data.dataset"]);
        foreach (var column in new[] { "best_test_accuracy", "final_test_accuracy", "git_commit", "machine", "threads_used", "date", "duration_seconds" })
            Assert.Contains(column, header);
    }

    [Fact]
    public void TrainingInMemoryTrainsWhatARunTrainsAndHandsBackTheNetwork()
    {
        var config = (ExperimentPresets.Smoke with { Training = ExperimentPresets.Smoke.Training with { Epochs = 1 } }).Validate();
        var run = new ExperimentRunner().Run(config, folder);
        var observed = 0;
        var (network, result) = new ExperimentRunner().TrainInMemory(config,
            observerFor: built => new TrainingObserver(onEpoch: _ => observed++));
        using (network)
        {
            Assert.Equal(run.Metrics.BestTestAccuracy, result.BestTestAccuracy);
            Assert.Equal(run.Metrics.FinalTrainLoss, result.FinalTrainLoss);
            Assert.Equal(1, observed);
            Assert.NotEmpty(network.Model.parameters());
        }
        var child = (ExperimentPresets.Smoke with { Strategy = new StrategyConfig(StrategyName.SparseMagnitudeTrained) }).Validate();
        Assert.Contains("parent", Assert.Throws<ArgumentException>(() => new ExperimentRunner().TrainInMemory(child)).Message);
    }

    [Fact]
    public void InterruptedRunResumesToTheSameMetricsAsAnUninterruptedOne()
    {
        var config = ExperimentPresets.Smoke with { Training = ExperimentPresets.Smoke.Training with { Epochs = 3 } };
        var runner = new ExperimentRunner();
        var reference = runner.Run(config, Path.Combine(folder, "a"));

        var interrupted = Path.Combine(folder, "b");
        using (var cancel = new CancellationTokenSource())
        {
            var observer = new TrainingObserver(onStep: s => { if (s.Epoch == 2 && s.Step == 4) cancel.Cancel(); });
            Assert.Throws<OperationCanceledException>(() => runner.Run(config, interrupted, observer: observer, cancellation: cancel.Token));
        }
        Assert.Equal(RunStatus.Partial, ExperimentRunner.StatusOf(interrupted, config));
        var partialHistory = JsonNode.Parse(File.ReadAllText(Path.Combine(RunsLocation.At(interrupted).Run(config).Path, ExperimentRunner.HistoryFile)))!.AsArray();
        Assert.Single(partialHistory);
        Assert.False(File.Exists(Path.Combine(interrupted, RunsLocation.TableName)));

        var resumed = runner.Run(config, interrupted);
        Assert.Equal(RunStatus.Partial, resumed.StatusBefore);
        Assert.Equal(reference.RunId, resumed.RunId);
        Assert.Equal(reference.Metrics with { Seconds = 0, ImagesPerSecond = 0 }, resumed.Metrics with { Seconds = 0, ImagesPerSecond = 0 });
        Assert.Equal(RunStatus.Complete, ExperimentRunner.StatusOf(interrupted, config));
        var history = JsonNode.Parse(File.ReadAllText(Path.Combine(resumed.RunDirectory, ExperimentRunner.HistoryFile)))!.AsArray();
        Assert.Equal([1, 2, 3], history.Select(e => e!["epoch"]!.GetValue<int>()));
    }

    [Theory]
    [InlineData(StrategyName.Mask, 0.1)]
    [InlineData(StrategyName.OneLayer, 0.1)]
    [InlineData(StrategyName.MaxLayerPadding, 0.1)]
    [InlineData(StrategyName.RandomVectorPadding, 0.01)]
    public void ARealRunKeepsTheStrategysFrozenValuesAndTrainsOnlyScores(StrategyName strategy, double ratio)
    {
        var config = ExperimentPresets.Smoke with
        {
            Strategy = new StrategyConfig(strategy, ratio),
            Training = ExperimentPresets.Smoke.Training with { Epochs = 1, Seed = 5 },
        };
        var outcome = new ExperimentRunner().Run(config, folder);
        var checkpoint = Path.Combine(outcome.RunDirectory, ExperimentRunner.CheckpointFolder);
        var state = Checkpoint.TryReadState(checkpoint)!;
        // The network the run should have trained, spelled out here rather than taken from the config's own helper.
        var spec = new NetworkSpec(config.Model, config.Masking, new StrategyConfig(strategy, ratio), Seed: 5);
        using var initial = PemnNetwork.Build(spec);
        using var trained = PemnNetwork.Build(spec);
        trained.Model.load(Path.Combine(checkpoint, state.ModelFile));

        // Frozen weights: bit-identical to a fresh build with the training seed, so the run applied this strategy with that seed.
        Assert.True(StorageMeasurement.SameFrozenWeights(initial.Model, trained.Model));
        var masked = WeightLayers.Masked(trained.Model);
        // The trained network holds exactly the values the strategy stores (no chance collisions at this size and seed).
        Assert.Equal(initial.Values.StoredValues, DistinctValues.Count(masked));
        // Training moved the scores (and so the masks), not the weights.
        var initialScores = WeightLayers.Masked(initial.Model).Select(l => l.Masked!.Scores).ToList();
        Assert.Contains(masked.Zip(initialScores), p => !p.First.Masked!.Scores.eq(p.Second).all().item<bool>());
    }

    [Fact]
    public void MissingDataSetFilesStopTheRunBeforeTrainingNamingFolderAndFiles()
    {
        var empty = Directory.CreateDirectory(Path.Combine(folder, "no-data")).FullName;
        var cifar = ExperimentPresets.Quick with
        {
            Data = new DataConfig(DataSetName.Cifar10, DataDir: empty),
            Model = ExperimentPresets.Quick.Model with { InChannels = 3, ImageSize = 32 },
        };
        var e = Assert.Throws<PEMN.Data.DataSetException>(() => new ExperimentRunner().Run(cifar, folder));
        Assert.Contains(empty, e.Message);
        Assert.Contains("data_batch_1.bin", e.Message);
        Assert.False(File.Exists(Path.Combine(RunsLocation.At(folder).Run(cifar).Path, ExperimentRunner.MetricsFile)));
    }

    [Fact]
    public void PreflightCanReportEveryMissingDataSetInsteadOfStoppingAtTheFirst()
    {
        // A plan over two data sets (Fig. 4 at paper scale: CIFAR-10 and CIFAR-100): a dry run names both.
        var empty = Directory.CreateDirectory(Path.Combine(folder, "no-data")).FullName;
        var configs = new[] { DataSetName.Cifar10, DataSetName.Cifar100 }.Select(name => (ExperimentPresets.Quick with
        {
            Data = new DataConfig(name, DataDir: empty),
            Model = ExperimentPresets.Quick.Model with { InChannels = 3, ImageSize = 32, Classes = name == DataSetName.Cifar100 ? 100 : 10 },
        }).Validate()).ToList();
        var csv = RunsLocation.At(folder).Table;
        var missing = new List<PEMN.Data.DataSetException>();
        new ExperimentRunner().Preflight(configs, folder, csv, missing.Add);
        Assert.Equal(2, missing.Count);
        Assert.Contains("cifar10 ", missing[0].Message.Split('\n')[0] + " ");
        Assert.Contains("cifar100", missing[1].Message.Split('\n')[0]);
        // Without the callback the first one stops the check.
        Assert.Throws<PEMN.Data.DataSetException>(() => new ExperimentRunner().Preflight(configs, folder, csv));
    }

    [Fact]
    public void ARunHeldByAnotherProcessIsInProgressPassedByTryRunAndTrainedOnceReleased()
    {
        var config = (ExperimentPresets.Smoke with { Training = ExperimentPresets.Smoke.Training with { Epochs = 1 } }).Validate();
        var run = RunsLocation.At(folder).Run(config);
        var csv = RunsLocation.At(folder).Table;
        var runner = new ExperimentRunner();
        using (var other = PEMN.Runtime.FileLock.TryAcquire(run.LockPath))
        {
            Assert.NotNull(other);
            Assert.Equal(RunStatus.InProgress, ExperimentRunner.StatusOf(folder, config));
            runner.Preflight([config], folder, csv);
            Assert.Null(runner.TryRun(config, folder, csv));
            Assert.False(File.Exists(run.ConfigPath), "nothing was written while another process held the run");
        }
        Assert.Equal(RunStatus.New, ExperimentRunner.StatusOf(folder, config));
        var outcome = runner.TryRun(config, folder, csv)!;
        Assert.Equal(RunOutcomeKind.Trained, outcome.Kind);
        Assert.Equal(RunOutcomeKind.Skipped, runner.TryRun(config, folder, csv)!.Kind);
        Assert.Equal([outcome.RunId], RunsCsv.Read(csv).Rows.Select(r => r[RunsCsv.RunIdColumn]));
        // The records of a complete run, provenance included.
        var record = run.ReadComplete();
        Assert.NotNull(record.Provenance);
        Assert.True(record.Provenance!.DurationSeconds > 0);
    }

    [Fact]
    public void RestartDiscardsAPartialRunButNeverACompleteOne()
    {
        var config = ExperimentPresets.Smoke;
        var runner = new ExperimentRunner();
        var reference = runner.Run(config, Path.Combine(folder, "a"));
        var partial = Path.Combine(folder, "b");
        using (var stop = new CancellationTokenSource())
            Assert.Throws<OperationCanceledException>(() => runner.Run(config, partial,
                observer: new TrainingObserver(onEpoch: e => { if (e.Epoch == 1) stop.Cancel(); }), cancellation: stop.Token));
        var notices = new List<string>();
        var restarted = runner.Run(config, partial, options: new RunOptions(Restart: true, Notice: notices.Add));
        Assert.Equal(RunOutcomeKind.Trained, restarted.Kind);
        Assert.Contains(notices, n => n.Contains("discarded its partial checkpoint"));
        Assert.Equal([1, 2], restarted.History.Select(e => e.Epoch));
        Assert.Equal(reference.Metrics with { Seconds = 0, ImagesPerSecond = 0 }, restarted.Metrics with { Seconds = 0, ImagesPerSecond = 0 });
        var again = runner.Run(config, partial, options: new RunOptions(Restart: true));
        Assert.Equal(RunOutcomeKind.Skipped, again.Kind);
        Assert.Equal(restarted.Metrics, again.Metrics);
    }
}
