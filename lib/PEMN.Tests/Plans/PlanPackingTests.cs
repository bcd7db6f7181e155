using PEMN.Analysis;
using PEMN.Configuration;
using PEMN.Plans;
using PEMN.Runs;
using PEMN.Strategies;
using PEMN.Sweeps;
using static TorchSharp.torch;

namespace PEMN.Tests.Plans;

/// <summary>
/// The k sweep at smoke scale in a temporary results folder: its k = 0.5 runs copied from the strategy ladder's folder, the
/// rest trained, then every run packed into its folder's network.pemn and checked against the run's recorded accuracy.
/// </summary>
public sealed class PlanPackingTests : IDisposable
{
    private const Scale SmokeScale = Scale.Smoke;
    private readonly int threads = get_num_threads();
    private readonly string results = Path.Combine(Path.GetTempPath(), "pemn-plan-pack-" + Guid.NewGuid().ToString("N"));

    public PlanPackingTests() => set_num_threads(1);

    public void Dispose()
    {
        set_num_threads(threads);
        if (Directory.Exists(results)) Directory.Delete(results, recursive: true);
    }

    [Fact]
    public void TheKSweepReusesTheLaddersRunsAtKOneHalfAndEveryRunPacksIntoAFileThatScoresItsRecordedAccuracy()
    {
        var plan = FigurePlans.KeepSweep;
        // The ladder trained its seed-0 Mask and RP 1e-2 rungs (k = 0.5) in its own folder.
        var ladderOut = FigurePlans.Ladder.Location(results, SmokeScale).Directory;
        var atHalf = FigurePlans.KeepSweepRuns(SmokeScale).Where(r => r.Point.Label == "k = 0.5").Select(r => r.Config).ToList();
        Assert.Equal(2, atHalf.Count);
        foreach (var config in atHalf) new ExperimentRunner().Run(config, ladderOut);

        var points = Assert.Single(plan.RunPoints(SmokeScale, results));
        Assert.Equal(12, points.Count);
        // Copied, not trained again: the two k = 0.5 runs come with the folder they were trained in.
        Assert.Equal(atHalf.Select(ExperimentJson.RunId).Order(), points.Where(p => p.Reused).Select(p => p.RunId).Order());
        var outDirectory = plan.Location(results, SmokeScale).Directory;
        foreach (var config in atHalf)
            Assert.NotNull(RunReuse.ReadRecord(RunsLocation.At(outDirectory).Run(config).Path));

        var files = PlanPacking.Pack(plan, SmokeScale, results);
        Assert.Equal(12, files.Count);
        Assert.All(files, f =>
        {
            Assert.Equal(RunFileStatus.Written, f.Status);
            Assert.Equal(f.Recorded, f.Accuracy);
            Assert.Equal(new FileInfo(f.FilePath).Length, f.Bytes);
        });
        // Each file is its run's network: the k of its config, and the run it names.
        foreach (var f in files)
        {
            var (config, network) = RunPacking.LoadFile(f.FilePath);
            using var _ = network;
            Assert.Equal(f.RunId, config.Run!.Id);
            Assert.Equal(points.Single(p => p.RunId == f.RunId).Label, FigurePlans.KeepLabel(config.Experiment.Masking.KeepFraction));
        }

        // Packing again writes nothing: the files are there and are the runs'.
        Assert.All(PlanPacking.Pack(plan, SmokeScale, results), f => Assert.Equal(RunFileStatus.Present, f.Status));

        // The trade-off's points: every byte of a file in one part, k from the file, accuracies from the runs.
        var trade = FileTradeOff.KeepSweep(points, files);
        Assert.Empty(trade.Missing);
        Assert.Equal(12, trade.Points.Count);
        Assert.All(trade.Points, p =>
        {
            Assert.Equal(p.FileBytes, p.ValueBytes + p.MaskBytes + p.TensorBytes + p.OverheadBytes);
            Assert.Equal(p.Label, FigurePlans.KeepLabel(p.Keep));
            Assert.True(p.IsPemn);
        });
        // Mask stores every weight's value; RP 1e-2 of the smoke ConvMixer's largest layer (256 weights) 3 of them.
        Assert.All(trade.Points.Where(p => p.Series == "Mask"), p => Assert.Equal(4 * 928, p.ValueBytes));
        Assert.All(trade.Points.Where(p => p.Series == "RP 1e-2"), p => Assert.Equal(4 * 3, p.ValueBytes));
        // A dense float32 checkpoint holds at least every weight of the network at 4 bytes.
        Assert.True(FileTradeOff.DenseCheckpointBytes(atHalf[0]) > 4 * 928);

        // Loaded back from the file, the network's logits are the checkpoint's bit for bit; another run's file is not.
        var maskHalf = files.Single(f => f.RunId == ExperimentJson.RunId(atHalf[0]));
        var reload = ReloadCheck.Run(maskHalf);
        Assert.True(reload.BitForBit && reload.ScoresTheRecord, reload.Describe());
        Assert.Equal(reload.Images * 4, reload.Logits); // 4 classes
        var otherFile = files.First(f => f.RunId != maskHalf.RunId && f.RunId.StartsWith("mask-", StringComparison.Ordinal));
        var swapped = Path.Combine(results, "swapped", maskHalf.RunId);
        CopyFolder(maskHalf.RunDirectory, swapped);
        File.Copy(otherFile.FilePath, Path.Combine(swapped, TrainedRun.PackedFile), overwrite: true);
        var wrong = ReloadCheck.Run(maskHalf with { RunDirectory = swapped });
        Assert.True(wrong.AgainstCheckpoint);
        Assert.False(wrong.BitForBit);

        // A copied run without checkpoint or file takes the file of the folder it was trained in.
        var copy = RunsLocation.At(outDirectory).Run(atHalf[0]).Path;
        var source = RunsLocation.At(ladderOut).Run(atHalf[0]).Path;
        File.Move(Path.Combine(copy, TrainedRun.PackedFile), Path.Combine(source, TrainedRun.PackedFile));
        Directory.Delete(Path.Combine(copy, ExperimentRunner.CheckpointFolder), recursive: true);
        Assert.Equal(RunFileStatus.NoCheckpoint, PlanPacking.PackRun(copy).Status); // without the results folder it cannot look
        var copied = PlanPacking.PackRun(copy, results);
        Assert.Equal(RunFileStatus.Copied, copied.Status);
        Assert.Equal(File.ReadAllBytes(Path.Combine(source, TrainedRun.PackedFile)), File.ReadAllBytes(copied.FilePath));
        // Without its checkpoint, the reload is checked against the run's record.
        var recorded = ReloadCheck.Run(copied);
        Assert.False(recorded.AgainstCheckpoint);
        Assert.True(recorded.ScoresTheRecord, recorded.Describe());
        Assert.Contains("Its checkpoint is not here", recorded.Describe());
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var folder in Directory.GetDirectories(from)) CopyFolder(folder, Path.Combine(to, Path.GetFileName(folder)));
    }

    [Fact]
    public void AFileThatDoesNotScoreTheRecordedAccuracyOrIsAnotherRunsIsAnErrorAndNothingIsWritten()
    {
        var runner = new ExperimentRunner();
        var outDirectory = Path.Combine(results, "runs-here");
        var mask = runner.Run(SmokeConfig(StrategyName.Mask), outDirectory);
        var dense = runner.Run(SmokeConfig(StrategyName.Dense), outDirectory);

        // metrics.json says another final accuracy than the checkpoint's network scores.
        var metricsPath = Path.Combine(mask.RunDirectory, ExperimentRunner.MetricsFile);
        var recorded = mask.Metrics.FinalTestAccuracy;
        var other = recorded > 0.5 ? recorded - 0.25 : recorded + 0.25;
        RunFolder.Save(metricsPath, mask.Metrics with { FinalTestAccuracy = other });
        var error = Assert.Throws<PackCheckException>(() => PlanPacking.PackRun(mask.RunDirectory));
        Assert.Contains(mask.RunId, error.Message);
        Assert.Contains(FormattableString.Invariant($"scores {recorded:P2}"), error.Message);
        Assert.Contains(FormattableString.Invariant($"recorded {other:P2}"), error.Message);
        Assert.False(File.Exists(Path.Combine(mask.RunDirectory, TrainedRun.PackedFile)));
        RunFolder.Save(metricsPath, mask.Metrics);

        // Another run's file in this folder.
        Assert.Equal(RunFileStatus.Written, PlanPacking.PackRun(dense.RunDirectory).Status);
        File.Copy(Path.Combine(dense.RunDirectory, TrainedRun.PackedFile), Path.Combine(mask.RunDirectory, TrainedRun.PackedFile));
        var stale = Assert.Throws<PackCheckException>(() => PlanPacking.PackRun(mask.RunDirectory));
        Assert.Contains($"is the file of run {dense.RunId}", stale.Message);

        // Without checkpoint or file: said so, nothing written.
        File.Delete(Path.Combine(mask.RunDirectory, TrainedRun.PackedFile));
        Directory.Delete(Path.Combine(mask.RunDirectory, ExperimentRunner.CheckpointFolder), recursive: true);
        var missing = PlanPacking.PackRun(mask.RunDirectory);
        Assert.Equal((RunFileStatus.NoCheckpoint, false, recorded), (missing.Status, missing.HasFile, missing.Recorded!.Value));
        Assert.Equal(RunFileStatus.Incomplete, PlanPacking.PackRun(Path.Combine(outDirectory, "runs", "nothing-here")).Status);
    }

    private static ExperimentConfig SmokeConfig(StrategyName name) => ExperimentPresets.Smoke with
    {
        Strategy = new StrategyConfig(name),
        Training = ExperimentPresets.Smoke.Training with { Epochs = 1 },
    };
}
