using System.Diagnostics;
using PEMN.Configuration;
using PEMN.Data;
using PEMN.Runs;
using PEMN.Strategies;
using static TorchSharp.torch;

namespace PEMN.Benchmarks;

/// <summary>What the data pipeline benchmark measured.</summary>
/// <param name="Images">Training images of the experiment.</param>
/// <param name="Batch">Batch size.</param>
/// <param name="Threads">Torch intra-op threads.</param>
/// <param name="PipelineBatchesPerSecond">Batches built per second on one thread, nothing else running.</param>
/// <param name="TrainingStepsPerSecond">Training steps per second of the experiment's network fed by the prefetching pipeline.</param>
/// <param name="Headroom">PipelineBatchesPerSecond / TrainingStepsPerSecond.</param>
/// <param name="WaitMsPerStep">Time a training step waited for its prefetched batch, ms.</param>
public sealed record DataPipelineResult(long Images, int Batch, int Threads, double PipelineBatchesPerSecond,
    double TrainingStepsPerSecond, double Headroom, double WaitMsPerStep);

/// <summary>
/// How fast an experiment's training batches are produced (by default the quick preset: Fashion-MNIST, first 1,000 per
/// class, batch 128, random crop 28 pad 2 + flip) against how fast its network consumes them, and the time a training loop
/// waits on the prefetching pipeline.
/// </summary>
public static class DataPipelineBenchmark
{
    // Enough training steps for a stable mean at ~0.1-1 s per step, few enough to finish in a minute.
    private const int WarmupSteps = 2, TimedSteps = 10;
    // One untimed epoch warms up the JIT and libtorch's kernels; three timed epochs (~240 batches) average out noise.
    private const int TimedEpochs = 3;

    /// <summary>The headroom the pipeline should have over training (batches produced per batch consumed).</summary>
    public const double TargetHeadroom = 10;

    /// <summary>Runs the benchmark on the data, network and batch of <paramref name="config"/>.</summary>
    /// <exception cref="ArgumentException">The data set is generated in memory (the benchmark measures a file-backed pipeline).</exception>
    public static DataPipelineResult Run(ExperimentConfig config, IDataProvider? data = null)
    {
        var device = ExperimentRunner.ResolveDevice(config.Device);
        var (train, test) = (data ?? new ExperimentData()).Load(config, device);
        using var trainSource = train as IDisposable;
        using var testSource = test as IDisposable;
        if (train is not BatchPipeline pipeline)
            throw new ArgumentException($"data.dataset = '{PEMN.Runtime.Names.Of(config.Data.Dataset)}' is generated in memory; the benchmark measures a file-backed pipeline.", "data.dataset");

        // 1. Production rate: whole epochs built on this thread, nothing else running.
        double batchesPerSecond;
        using (var unfetched = pipeline.WithoutPrefetch())
        {
            foreach (var (x, y) in unfetched.Epoch(0)) { x.Dispose(); y.Dispose(); }
            var watch = Stopwatch.StartNew();
            for (var epoch = 1; epoch <= TimedEpochs; epoch++)
                foreach (var (x, y) in unfetched.Epoch(epoch)) { x.Dispose(); y.Dispose(); }
            batchesPerSecond = TimedEpochs * unfetched.BatchesPerEpoch / watch.Elapsed.TotalSeconds;
        }

        // 2. Consumption rate and 3. waiting time: training steps of the experiment's network fed by the prefetching pipeline.
        using var network = PemnNetwork.Build(config.Network, device);
        var model = network.Model;
        using var optimizer = optim.AdamW(model.parameters().Where(p => p.requires_grad), config.LrMax);
        double stepSeconds = 0, waitSeconds = 0;
        using (var batches = pipeline.Epoch(0).GetEnumerator())
        {
            for (var step = 0; step < WarmupSteps + TimedSteps; step++)
            {
                using var scope = NewDisposeScope();
                var waitWatch = Stopwatch.StartNew();
                batches.MoveNext();
                var wait = waitWatch.Elapsed.TotalSeconds;
                var (x, y) = batches.Current;
                var stepWatch = Stopwatch.StartNew();
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.forward(x), y);
                loss.backward();
                optimizer.step();
                if (step < WarmupSteps) continue;
                stepSeconds += stepWatch.Elapsed.TotalSeconds;
                waitSeconds += wait;
            }
        }
        var stepsPerSecond = TimedSteps / stepSeconds;
        return new DataPipelineResult(pipeline.Count, config.Training.BatchSize, get_num_threads(), batchesPerSecond, stepsPerSecond,
            batchesPerSecond / stepsPerSecond, 1000 * waitSeconds / TimedSteps);
    }
}
