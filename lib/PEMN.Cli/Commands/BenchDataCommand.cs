using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using PEMN.Data;
using PEMN.Masking;
using PEMN.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace PEMN.Cli.Commands;

/// <summary>
/// <c>pemn bench data</c>: how fast the quick configuration's batches are produced (Fashion-MNIST,
/// first 1,000 per class, batch 128, random crop 28 pad 2 + flip) against how fast a masked ConvMixer-64/4
/// (kernel 5, patch 2, AdamW) consumes them, and the time a training loop waits on the prefetching pipeline.
/// </summary>
public static class BenchDataCommand
{
    // The quick protocol's settings; named here so the benchmark measures exactly what the quick runs use.
    private const int PerClass = 1000, BatchSize = 128, CropSize = 28, CropPadding = 2;
    private const long Dim = 64, Depth = 4, Kernel = 5, Patch = 2;
    private const double LearningRate = 0.01;
    // Enough training steps for a stable mean at ~0.1-1 s per step, few enough to finish in a minute.
    private const int WarmupSteps = 2, TimedSteps = 10;
    // One untimed epoch warms up the JIT and libtorch's kernels; three timed epochs (~240 batches) average out noise.
    private const int TimedEpochs = 3;
    /// <summary>The headroom the pipeline should have over training (batches produced per batch consumed).</summary>
    public const double TargetHeadroom = 10;

    /// <summary>Creates the sub-command.</summary>
    public static Command Create()
    {
        var command = new Command("data", "Batches/s of the quick data pipeline vs. training steps/s of masked ConvMixer-64/4 on Fashion-MNIST, and the headroom ratio.");
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var dataDir = new Option<string?>("--data-dir") { Description = "Data root holding fashion-mnist/." };
        command.Options.Add(json);
        command.Options.Add(dataDir);
        command.SetAction(parse => Run(parse.GetValue(json), parse.GetValue(dataDir)));
        return command;
    }

    private static int Run(bool json, string? dataDir)
    {
        DataSplits splits;
        try { splits = DataSets.Load(DataSetName.FashionMnist, DataLocator.FromEnvironment(dataDir)); }
        catch (DataSetException e) { Console.Error.WriteLine(e.Message); return DataCommand.DataErrorExitCode; }
        var subset = splits.Train.FirstPerClass(PerClass);
        var device = CPU;
        var config = new BatchPipelineConfig(BatchSize, Seed: 0, Augmentation: AugmentationConfig.CropFlip(CropSize, CropPadding));

        // 1. Production rate: whole epochs built on this thread, nothing else running.
        double batchesPerSecond;
        using (var pipeline = new BatchPipeline(subset, splits.Normalization, config with { Prefetch = false }, device))
        {
            foreach (var (x, y) in pipeline.Epoch(0)) { x.Dispose(); y.Dispose(); }
            var watch = Stopwatch.StartNew();
            for (var epoch = 1; epoch <= TimedEpochs; epoch++)
                foreach (var (x, y) in pipeline.Epoch(epoch)) { x.Dispose(); y.Dispose(); }
            batchesPerSecond = TimedEpochs * pipeline.BatchesPerEpoch / watch.Elapsed.TotalSeconds;
        }

        // 2. Consumption rate and 3. waiting time: masked training steps fed by the prefetching pipeline.
        using var model = new ConvMixer(Dim, Depth, Kernel, Patch, subset.Channels, subset.Classes, Activation.Gelu,
            new LayerFactory(LayerKind.Masked, seed: 0));
        var optimizer = optim.AdamW(model.parameters().Where(p => p.requires_grad), LearningRate);
        double stepSeconds = 0, waitSeconds = 0;
        using (var pipeline = new BatchPipeline(subset, splits.Normalization, config, device))
        {
            using var batches = pipeline.Epoch(0).GetEnumerator();
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
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                images = subset.Count, batch = BatchSize, threads = get_num_threads(),
                pipelineBatchesPerSecond = batchesPerSecond, trainingStepsPerSecond = stepsPerSecond,
                headroom, targetHeadroom = TargetHeadroom, waitMsPerStep = waitMs,
            }));
        }
        else
        {
            Console.WriteLine($"Fashion-MNIST {subset.Count:N0} images, batch {BatchSize}, crop {CropSize} pad {CropPadding} + flip, {get_num_threads()} torch threads");
            Console.WriteLine($"  pipeline:  {batchesPerSecond,8:F1} batches/s");
            Console.WriteLine($"  training:  {stepsPerSecond,8:F2} steps/s (masked ConvMixer-{Dim}/{Depth}, k{Kernel} p{Patch}, AdamW)");
            Console.WriteLine($"  headroom:  {headroom,8:F1}x (target >= {TargetHeadroom}x)");
            Console.WriteLine($"  waiting on prefetched batches: {waitMs:F2} ms per step");
        }
        return 0;
    }
}
