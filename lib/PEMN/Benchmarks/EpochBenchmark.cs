using PEMN.Configuration;
using PEMN.Runs;
using PEMN.Strategies;
using PEMN.Training;
using static TorchSharp.torch;

namespace PEMN.Benchmarks;

/// <summary>One epoch of the epoch benchmark.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Seconds">Wall time of the epoch: training and evaluation.</param>
/// <param name="TrainSeconds">Wall time of its training steps (data waits included).</param>
/// <param name="EvalSeconds">Wall time of its evaluation on the test split.</param>
/// <param name="TestAccuracy">Test accuracy after it (a check that the run trains, not a result).</param>
/// <param name="Memory">The process's memory after it.</param>
public sealed record EpochMeasurement(int Epoch, double Seconds, double TrainSeconds, double EvalSeconds, double TestAccuracy, ProcessMemory? Memory);

/// <summary>What the epoch benchmark measured.</summary>
/// <param name="TrainImages">Training images per epoch.</param>
/// <param name="TestImages">Test images per evaluation.</param>
/// <param name="Batch">Batch size.</param>
/// <param name="Threads">Torch intra-op threads.</param>
/// <param name="Epochs">Every epoch, in order.</param>
/// <param name="AtEnd">The process's memory at the end (its peak is the run's peak).</param>
public sealed record EpochBenchmarkResult(long TrainImages, long TestImages, int Batch, int Threads,
    IReadOnlyList<EpochMeasurement> Epochs, ProcessMemory? AtEnd);

/// <summary>
/// Whole epochs of an experiment, as a run trains them (<see cref="Trainer.Fit"/> on the experiment's data pipelines and
/// network; no checkpoints or records): the time of each epoch split into training and evaluation, and the memory of the
/// process after each. Meant to run in a process of its own, so that the peak resident set is the run's.
/// </summary>
public static class EpochBenchmark
{
    /// <summary>Trains <paramref name="config"/> for its training.epochs and measures every epoch.</summary>
    public static EpochBenchmarkResult Run(ExperimentConfig config, IDataProvider? data = null)
    {
        config.Validate();
        var device = ExperimentRunner.ResolveDevice(config.Device);
        manual_seed(config.Training.Seed);
        var (train, test) = (data ?? new ExperimentData()).Load(config, device);
        try
        {
            using var network = PemnNetwork.Build(config.Network, device);
            var epochs = new List<EpochMeasurement>();
            var observer = new TrainingObserver(onEpoch: e =>
            {
                // ImagesPerSecond is the epoch's training images over its training time.
                var trainSeconds = train.Count / e.ImagesPerSecond;
                epochs.Add(new EpochMeasurement(e.Epoch, e.Seconds, trainSeconds, e.Seconds - trainSeconds, e.TestAccuracy, ProcessMemory.Current()));
            });
            new Trainer(network.Model, config.Training, config.LrMax).Fit(train, test, observer: observer);
            return new EpochBenchmarkResult(train.Count, test.Count, config.Training.BatchSize, get_num_threads(), epochs, ProcessMemory.Current());
        }
        finally
        {
            (train as IDisposable)?.Dispose();
            (test as IDisposable)?.Dispose();
        }
    }
}
