using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using PEMN.Cli.Options;
using PEMN.Data;
using PEMN.Experiments;
using PEMN.Strategies;
using static TorchSharp.torch;

namespace PEMN.Cli.Commands;

/// <summary>
/// <c>pemn bench data</c>: how fast an experiment's training batches are produced (by default the quick preset:
/// Fashion-MNIST, first 1,000 per class, batch 128, random crop 28 pad 2 + flip) against how fast its network
/// consumes them, and the time a training loop waits on the prefetching pipeline.
/// </summary>
public static class BenchDataCommand
{
    // Enough training steps for a stable mean at ~0.1-1 s per step, few enough to finish in a minute.
    private const int WarmupSteps = 2, TimedSteps = 10;
    // One untimed epoch warms up the JIT and libtorch's kernels; three timed epochs (~240 batches) average out noise.
    private const int TimedEpochs = 3;
    /// <summary>The headroom the pipeline should have over training (batches produced per batch consumed).</summary>
    public const double TargetHeadroom = 10;

    /// <summary>Creates the sub-command.</summary>
    public static Command Create()
    {
        var command = new Command("data", "Batches/s of an experiment's data pipeline vs. training steps/s of its network, and the headroom ratio (default: the quick preset).");
        var experiment = new ExperimentOptions(ExperimentPresets.Quick, "the quick preset");
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        experiment.AddTo(command);
        command.Options.Add(json);
        command.SetAction(parse => Pemn.Guard(() => Run(experiment.Resolve(parse), parse.GetValue(json))));
        return command;
    }

    private static int Run(ExperimentConfig config, bool json)
    {
        var device = ExperimentRunner.ResolveDevice(config.Device);
        if (config.Threads > 0) set_num_threads(config.Threads);
        var (train, test) = new ExperimentData().Load(config, device);
        using var trainSource = train as IDisposable;
        using var testSource = test as IDisposable;
        if (train is not BatchPipeline pipeline)
            throw new UsageException("--dataset", $"{PEMN.Runtime.Names.Of(config.Data.Dataset)} is generated in memory; the benchmark measures a file-backed pipeline.");

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
        var headroom = batchesPerSecond / stepsPerSecond;
        var waitMs = 1000 * waitSeconds / TimedSteps;
        var batch = config.Training.BatchSize;
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                images = pipeline.Count, batch, threads = get_num_threads(),
                pipeline_batches_per_second = batchesPerSecond, training_steps_per_second = stepsPerSecond,
                headroom, target_headroom = TargetHeadroom, wait_ms_per_step = waitMs,
            }));
        }
        else
        {
            Console.WriteLine($"{PEMN.Runtime.Names.Label(config.Data.Dataset)} {pipeline.Count:N0} images, batch {batch}, {get_num_threads()} torch threads");
            Console.WriteLine($"  pipeline:  {batchesPerSecond,8:F1} batches/s");
            Console.WriteLine($"  training:  {stepsPerSecond,8:F2} steps/s ({config.Strategy.Label()} {config.Model.ShortName}, AdamW)");
            Console.WriteLine($"  headroom:  {headroom,8:F1}x (target >= {TargetHeadroom}x)");
            Console.WriteLine($"  waiting on prefetched batches: {waitMs:F2} ms per step");
        }
        return ExitCodes.Ok;
    }
}
