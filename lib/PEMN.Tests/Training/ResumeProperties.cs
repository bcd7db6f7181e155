using CsCheck;
using PEMN.Configuration;
using PEMN.Masking;
using PEMN.Runs;
using PEMN.Strategies;
using PEMN.Training;
using static TorchSharp.torch;

namespace PEMN.Tests.Training;

/// <summary>
/// A run killed at any step, any number of times, and run again by the same call ends bit for bit as the run that was never
/// killed: metrics, every epoch of the history (but the wall-clock fields) and every tensor of the trained state.
/// </summary>
/// <remarks>
/// The library's resume path is the one tested: <see cref="ExperimentRunner.Run"/> cancelled (as a signal cancels `pemn train`) stops at
/// the next step boundary or evaluation batch; the checkpoint holds the last finished epoch, and the same call resumes from that
/// epoch boundary, repeating the steps of the unfinished epoch. A run does not resume inside an epoch: a kill at step s of epoch e
/// costs the s steps of epoch e, which are trained again, and it is this path whose result must not differ.
/// </remarks>
public class ResumeProperties : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "pemn-resume-props-" + Guid.NewGuid().ToString("N"));

    /// <summary>Deletes the runs.</summary>
    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    /// <summary>
    /// A kill after step <paramref name="Step"/> of epoch <paramref name="Epoch"/> (1-based; at the last step the cancellation is seen
    /// by the evaluation that follows), or, with <paramref name="AfterEpoch"/>, once the epoch is checkpointed, before the next one starts.
    /// </summary>
    public sealed record Kill(int Epoch, int Step, bool AfterEpoch)
    {
        /// <summary>Where in the run it falls, in steps: an epoch's end comes after its last step.</summary>
        public double Position(int steps) => (Epoch - 1) * (steps + 1) + (AfterEpoch ? steps + 1 : Step);
    }

    /// <summary>A smoke run and the kills it suffers, in the order the run reaches them.</summary>
    public sealed record ResumeCase(ExperimentConfig Config, Kill[] Kills)
    {
        /// <inheritdoc/>
        public override string ToString() => $"ResumeCase {{ Config = {Config}, Kills = [{string.Join(", ", Kills.AsEnumerable())}] }}";
    }

    /// <summary>Steps per epoch of a smoke run: its synthetic training images over the batch size, the last batch partial.</summary>
    private static int StepsPerEpoch(ExperimentConfig config) =>
        (int)((config.Data.PerClass!.Value * config.Model.Classes + config.Training.BatchSize - 1) / config.Training.BatchSize);

    private static readonly Gen<StrategyConfig> Strategies = Gen.OneOf(
        new StrategyConfig(StrategyName.Mask), new StrategyConfig(StrategyName.OneLayer), new StrategyConfig(StrategyName.MaxLayerPadding),
        new StrategyConfig(StrategyName.RandomVectorPadding, 0.1, PadMode.Rand), new StrategyConfig(StrategyName.Dense),
        new StrategyConfig(StrategyName.SparseRandom));

    /// <summary>
    /// The smoke preset (ConvMixer-16/2, or its ViT, on 512 synthetic 1x8x8 images) for 1 to 3 epochs of batch 32, 48 (a partial last
    /// batch) or 64, any of six strategies (masked, dense and sparse), AdamW or SGD (momentum buffers to restore, Nesterov or not),
    /// either schedule, label smoothing and clipping or not, any seed; then 1 to 3 kills anywhere in it, including the last step and
    /// the end of the last epoch.
    /// </summary>
    private static readonly Gen<ResumeCase> Cases =
        from preset in Gen.OneOf(ExperimentPresets.Smoke, ExperimentPresets.SmokeViT)
        from epochs in Gen.Int[1, 3]
        from batch in Gen.OneOf(32, 48, 64)
        from strategy in Strategies
        from sgd in Gen.Bool
        from nesterov in Gen.Bool
        from schedule in Gen.Enum<ScheduleKind>()
        from smoothing in Gen.OneOf(0.0, 0.1)
        from clip in Gen.OneOf<double?>(null, 1.0)
        from seed in Gen.Long[0, 1L << 40]
        let config = preset with
        {
            Strategy = strategy,
            Training = preset.Training with
            {
                Epochs = epochs, BatchSize = batch, Optimizer = sgd ? OptimizerKind.Sgd : OptimizerKind.AdamW, Nesterov = sgd && nesterov,
                Schedule = schedule, LabelSmoothing = smoothing, ClipNorm = clip, Seed = seed,
            },
        }
        let steps = StepsPerEpoch(config)
        from kills in Gen.Select(Gen.Int[1, epochs], Gen.Frequency((3, Gen.Int[1, steps]), (1, Gen.Const(steps))), Gen.Frequency((3, Gen.Const(false)), (1, Gen.Const(true))),
            (e, s, after) => new Kill(e, after ? steps : s, after)).Array[1, 3]
        select new ResumeCase(config, [.. kills.Distinct().OrderBy(k => k.Position(steps))]);

    // 12 cases: each trains its run once straight and once more in up to four pieces (0.1 to 0.5 s a run on one thread), about 10 s
    // in all. With stream 6 (this property's own) they include a kill at an epoch's last step (seen by the evaluation), kills at the end
    // of the last epoch, kills before any checkpoint (the run is still new), three kills in one epoch, SGD and AdamW, dense, sparse
    // and masked runs. No shrinking: a case is a few numbers already, and each run costs a second.
    [Fact]
    public void ARunKilledAtAnyStepAndRunAgainEndsBitForBitAsTheUninterruptedRun() =>
        PropertyCheck.Run(Cases, c =>
        {
            var here = Path.Combine(folder, Guid.NewGuid().ToString("N"));
            var runner = new ExperimentRunner();
            var reference = runner.Run(c.Config, Path.Combine(here, "straight"));

            var killed = Path.Combine(here, "killed");
            bool Last(Kill kill) => kill.AfterEpoch && kill.Epoch == c.Config.Training.Epochs;
            RunOutcome? outcome = null;
            foreach (var kill in c.Kills)
            {
                using var cancel = new CancellationTokenSource();
                var observer = new TrainingObserver(
                    onStep: s => { if (!kill.AfterEpoch && s.Epoch == kill.Epoch && s.Step == kill.Step) cancel.Cancel(); },
                    onEpoch: e => { if (kill.AfterEpoch && e.Epoch == kill.Epoch) cancel.Cancel(); });
                try
                {
                    outcome = runner.Run(c.Config, killed, observer: observer, cancellation: cancel.Token);
                }
                catch (OperationCanceledException)
                {
                    // Stopped with the last finished epoch checkpointed (none yet: the run is new) and the run not complete; at the end
                    // of the last epoch the run may be complete already (its metrics written before the runs table saw the cancellation).
                    var finished = kill.AfterEpoch ? kill.Epoch : kill.Epoch - 1;
                    var status = ExperimentRunner.StatusOf(killed, c.Config);
                    Assert.Equal(finished == 0 ? RunStatus.New : Last(kill) && status == RunStatus.Complete ? RunStatus.Complete : RunStatus.Partial, status);
                    var checkpoint = Path.Combine(RunsLocation.At(killed).Run(c.Config).Path, ExperimentRunner.CheckpointFolder);
                    Assert.Equal(finished, Checkpoint.TryReadState(checkpoint)?.Epoch ?? 0);
                }
                // Every kill is reached (the kills are in run order), so the run was stopped where the case says.
                Assert.True(cancel.IsCancellationRequested, $"{kill} was never reached");
                // Only a kill at the end of the last epoch can come after the run's last cancellable point.
                Assert.True(outcome is null || Last(kill), $"{kill} did not stop the run");
            }
            outcome ??= runner.Run(c.Config, killed);

            Assert.Equal(reference.RunId, outcome.RunId);
            Assert.Equal(reference.Metrics with { Seconds = 0, ImagesPerSecond = 0 }, outcome.Metrics with { Seconds = 0, ImagesPerSecond = 0 });
            Assert.Equal(Bits(reference.History), Bits(outcome.History));
            Assert.Equal(Enumerable.Range(1, c.Config.Training.Epochs), outcome.History.Select(e => e.Epoch));
            SameState(reference.RunDirectory, outcome.RunDirectory);
        }, stream: 6, iterations: 12);

    /// <summary>An epoch record's numbers as bit patterns, without its wall-clock fields (seconds, images per second).</summary>
    private static IEnumerable<(int Epoch, long TrainLoss, long TrainAccuracy, long TestAccuracy, long LearningRate)> Bits(IEnumerable<EpochRecord> history) =>
        history.Select(e => (e.Epoch, BitConverter.DoubleToInt64Bits(e.TrainLoss), BitConverter.DoubleToInt64Bits(e.TrainAccuracy),
            BitConverter.DoubleToInt64Bits(e.TestAccuracy), BitConverter.DoubleToInt64Bits(e.LearningRate))).ToList();

    /// <summary>Every tensor of the two runs' trained states (scores, frozen weights, norms, statistics, counters) is bit for bit the same.</summary>
    private static void SameState(string expected, string actual)
    {
        using var scope = NewDisposeScope();
        var (_, a) = RunPacking.LoadRun(expected);
        using var _ = a;
        var (_, b) = RunPacking.LoadRun(actual);
        using var __ = b;
        var sa = a.Model.state_dict();
        var sb = b.Model.state_dict();
        Assert.Equal(sa.Keys, sb.Keys);
        foreach (var (name, tensor) in sa)
        {
            Assert.True(tensor.dtype == sb[name].dtype && tensor.Equals(sb[name]), $"{name} differs after resuming");
            if (tensor.dtype == ScalarType.Float32)
                Assert.Equal(tensor.flatten().data<float>().ToArray().Select(BitConverter.SingleToUInt32Bits), sb[name].flatten().data<float>().ToArray().Select(BitConverter.SingleToUInt32Bits));
        }
    }
}
