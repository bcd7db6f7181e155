using System.Diagnostics;
using PEMN.Masking;
using PEMN.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace PEMN.Benchmarks;

/// <summary>Settings of the mask benchmark; defaults are the ConvMixer-256/8 on 3x32x32, batch 64.</summary>
/// <param name="Model">The model measured.</param>
/// <param name="Batch">Images per training step.</param>
/// <param name="Warmup">Untimed steps first (allocator and thread pools warm up).</param>
/// <param name="Steps">Timed training steps per model.</param>
/// <param name="MaskRepeats">Timed repetitions of the mask computation over all layers.</param>
/// <param name="Seed">Seed of weights, scores and the random batch.</param>
public sealed record MaskBenchmarkOptions(
    ModelConfig Model,
    int Batch = 64,
    int Warmup = 2,
    int Steps = 5,
    int MaskRepeats = 20,
    long Seed = 0)
{
    /// <summary>ConvMixer-256/8, kernel 5, patch 2, CIFAR-10 geometry.</summary>
    public static MaskBenchmarkOptions Default { get; } = new(new ModelConfig(ModelName.ConvMixer, Dim: 256, Depth: 8));

    /// <summary>Throws when a count is not positive.</summary>
    public MaskBenchmarkOptions Validate()
    {
        Model.Validate();
        if (Batch < 1) throw new ArgumentOutOfRangeException(nameof(Batch), Batch, "Batch must be >= 1.");
        if (Warmup < 0) throw new ArgumentOutOfRangeException(nameof(Warmup), Warmup, "Warmup must be >= 0.");
        if (Steps < 1) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "Steps must be >= 1.");
        if (MaskRepeats < 1) throw new ArgumentOutOfRangeException(nameof(MaskRepeats), MaskRepeats, "Mask repeats must be >= 1.");
        return this;
    }
}

/// <summary>What the mask benchmark measured (times per training step, all layers together).</summary>
/// <param name="MaskMsSort">Mask computation of every layer by a full sort (the authors' method), ms.</param>
/// <param name="MaskMs">Mask computation of every layer by selection (this library), ms.</param>
/// <param name="StepSDense">One training step of the dense model, s (median).</param>
/// <param name="StepSMasked">One training step of the masked model, s (median).</param>
/// <param name="MaskSpeedup">MaskMsSort / MaskMs.</param>
/// <param name="StepRatio">StepSMasked / StepSDense (target &lt;= 1.10).</param>
/// <param name="Threads">Torch intra-op threads.</param>
/// <param name="Layers">Masked layers.</param>
/// <param name="MaskedWeights">Weights under masks.</param>
public sealed record MaskBenchmarkResult(
    double MaskMsSort, double MaskMs, double StepSDense, double StepSMasked,
    double MaskSpeedup, double StepRatio, int Threads, int Layers, long MaskedWeights);

/// <summary>
/// Measures the cost of sparse selection: the per-step mask computation (full sort vs selection)
/// and a whole training step of the masked model against the dense model of the same definition.
/// </summary>
public static class MaskBenchmark
{
    /// <summary>Runs the benchmark on <paramref name="device"/>.</summary>
    public static MaskBenchmarkResult Run(MaskBenchmarkOptions options, Device device)
    {
        options.Validate();
        using var dense = options.Model.Build(new LayerFactory(LayerKind.Dense, seed: options.Seed));
        using var masked = options.Model.Build(new LayerFactory(LayerKind.Masked, seed: options.Seed));
        dense.to(device); masked.to(device);
        var layers = WeightLayers.Masked(masked);

        var scores = layers.Select(l => (Tensor)l.Masked!.Scores).ToList();
        var k = layers[0].Masked!.KeepFraction;
        var sortMs = TimeMs(options.MaskRepeats, () => { foreach (var s in scores) TopKMask.ComputeBySort(s, k).Dispose(); });
        var selectMs = TimeMs(options.MaskRepeats, () => { foreach (var s in scores) TopKMask.Compute(s, k).Dispose(); });

        using var generator = new Generator((ulong)options.Seed);
        var c = options.Model.InChannels; var size = options.Model.ImageSize;
        using var images = randn([options.Batch, c, size, size], generator: generator).to(device);
        using var labels = randint(options.Model.Classes, [options.Batch], generator: generator).to(device);
        var denseStep = StepSeconds(dense, images, labels, options);
        var maskedStep = StepSeconds(masked, images, labels, options);

        return new MaskBenchmarkResult(sortMs, selectMs, denseStep, maskedStep, sortMs / selectMs,
            maskedStep / denseStep, get_num_threads(), layers.Count, layers.Sum(l => l.Count));
    }

    private static double TimeMs(int repeats, Action action)
    {
        action(); // warm-up
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < repeats; i++) action();
        return watch.Elapsed.TotalMilliseconds / repeats;
    }

    private static double StepSeconds(nn.Module<Tensor, Tensor> model, Tensor images, Tensor labels, MaskBenchmarkOptions options)
    {
        model.train();
        var trainable = model.parameters().Where(p => p.requires_grad).ToList();
        using var optimizer = optim.AdamW(trainable);
        var times = new List<double>();
        for (var step = 0; step < options.Warmup + options.Steps; step++)
        {
            var watch = Stopwatch.StartNew();
            using (var scope = NewDisposeScope())
            {
                optimizer.zero_grad();
                nn.functional.cross_entropy(model.forward(images), labels).backward();
                optimizer.step();
            }
            if (step >= options.Warmup) times.Add(watch.Elapsed.TotalSeconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
