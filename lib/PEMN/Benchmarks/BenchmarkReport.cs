using System.Globalization;
using System.Text;

namespace PEMN.Benchmarks;

/// <summary>Where and how a side-by-side benchmark ran.</summary>
/// <param name="Command">The command line that ran it.</param>
/// <param name="Commit">Git commit of the code measured.</param>
/// <param name="Machine">Machine name and CPU model.</param>
/// <param name="Cores">Logical cores.</param>
/// <param name="Threads">Torch threads of every benchmark process (ours and PyTorch's).</param>
/// <param name="Date">UTC date and time of the start.</param>
/// <param name="Build">Our build configuration (Release or Debug).</param>
/// <param name="LoadBefore">/proc/loadavg before the first process.</param>
/// <param name="LoadAfter">/proc/loadavg after the last.</param>
/// <param name="Rounds">Rounds: each runs our steps, PyTorch's steps, our epochs, PyTorch's epochs, in that order.</param>
public sealed record BenchmarkSetting(string Command, string Commit, string Machine, int Cores, int Threads, string Date, string Build,
    string LoadBefore, string LoadAfter, int Rounds);

/// <summary>Everything one side-by-side benchmark measured: every round of every process, ours and PyTorch's.</summary>
/// <param name="Setting">Where and how.</param>
/// <param name="OursSteps">Our steps process, per round.</param>
/// <param name="PyTorchSteps">PyTorch's steps process, per round (empty without --compare).</param>
/// <param name="OursEpochs">Our epochs process, per round.</param>
/// <param name="PyTorchEpochs">PyTorch's epochs process, per round (empty without --compare).</param>
/// <param name="Data">Our data pipeline benchmark (null when it did not run).</param>
public sealed record BenchmarkRun(BenchmarkSetting Setting, IReadOnlyList<StepsMeasurement> OursSteps, IReadOnlyList<StepsMeasurement> PyTorchSteps,
    IReadOnlyList<EpochsMeasurement> OursEpochs, IReadOnlyList<EpochsMeasurement> PyTorchEpochs, DataPipelineResult? Data);

/// <summary>One line of the side-by-side table: a quantity, ours and PyTorch's (medians over rounds), and their ratio.</summary>
/// <param name="What">The quantity.</param>
/// <param name="Unit">Its unit.</param>
/// <param name="Ours">Our median.</param>
/// <param name="PyTorch">PyTorch's median (null when not compared or not measured there).</param>
/// <param name="Digits">Decimals shown.</param>
public sealed record ComparisonRow(string What, string Unit, double? Ours, double? PyTorch, int Digits)
{
    /// <summary>Ours / PyTorch's, when both exist.</summary>
    public double? Ratio => Ours is { } o && PyTorch is { } p && p != 0 ? o / p : null;
}

/// <summary>A speed or memory target and what this run measured for it.</summary>
/// <param name="Target">The target, in words.</param>
/// <param name="Measured">The measured figure, in words.</param>
/// <param name="Met">Whether it is met (null when this run cannot tell).</param>
public sealed record TargetRow(string Target, string Measured, bool? Met);

/// <summary>
/// Turns a <see cref="BenchmarkRun"/> into the side-by-side table, the targets and the markdown page committed under
/// results/benchmarks/. Every figure is a median over the rounds; ratios are taken between the medians.
/// </summary>
public static class BenchmarkReport
{
    /// <summary>Target: masked step / dense step.</summary>
    public const double TargetMaskedOverDense = 1.05;
    /// <summary>Target: the quick epoch in float32 / PyTorch's.</summary>
    public const double TargetEpochOverPyTorch = 0.7;
    /// <summary>Target: peak memory of a quick run / PyTorch's.</summary>
    public const double TargetPeakOverPyTorch = 1.05;
    /// <summary>Target: ConvMixer-256/8 training, GFLOP/s.</summary>
    public const double TargetGflops = 100;
    /// <summary>Target: memory flat: growth of the resident set after the first epoch, fraction.</summary>
    public const double TargetRssGrowth = 0.02;
    /// <summary>Targets: a bf16 training step / our float32 step, quick ConvMixer and ConvMixer-256/8.</summary>
    public static IReadOnlyDictionary<string, double> TargetBf16OverFp32 { get; } =
        new Dictionary<string, double> { [SideBySide.QuickModel] = 0.6, [SideBySide.PaperModel] = 0.8 };

    private const double BytesPerMiB = 1024 * 1024;

    /// <summary>The rows of the side-by-side table.</summary>
    public static IReadOnlyList<ComparisonRow> Rows(BenchmarkRun run)
    {
        var rows = new List<ComparisonRow>();
        foreach (var (model, label) in SideBySide.Models)
        {
            var batch = run.OursSteps.SelectMany(s => s.Models).FirstOrDefault(m => m.Model == model)?.Batch;
            if (batch is null) continue;
            double? Ours(StepsVariant v, Func<ModelSteps, double?> f) => Steps(run.OursSteps, model, v, f);
            double? Theirs(StepsVariant v, Func<ModelSteps, double?> f) => Steps(run.PyTorchSteps, model, v, f);
            foreach (var v in SideBySide.Variants.Where(v => Ours(v, m => m.StepSecondsDense) is not null))
            {
                rows.Add(new($"{label} ({v}): training step, dense (batch {batch})", "s", Ours(v, m => m.StepSecondsDense), Theirs(v, m => m.StepSecondsDense), 3));
                rows.Add(new($"{label} ({v}): training step, masked", "s", Ours(v, m => m.StepSecondsMasked), Theirs(v, m => m.StepSecondsMasked), 3));
                rows.Add(new($"{label} ({v}): masked step / dense step", "", Ours(v, m => m.StepSecondsMasked / m.StepSecondsDense), Theirs(v, m => m.StepSecondsMasked / m.StepSecondsDense), 3));
                rows.Add(new($"{label} ({v}): peak resident memory of the process", "MiB", Peak(run.OursSteps, model, v), Peak(run.PyTorchSteps, model, v), 0));
            }
            // Masks and inference do not depend on the training steps' variant: from the float32 NCHW processes of both sides.
            var plain = SideBySide.Fp32Contiguous;
            rows.Add(new($"{label}: masks of all layers, full sort", "ms", Ours(plain, m => m.MaskMsSort), Theirs(plain, m => m.MaskMsSort), 2));
            rows.Add(new($"{label}: masks of all layers, selection", "ms", Ours(plain, m => m.MaskMsSelect), Theirs(plain, m => m.MaskMsSelect), 2));
            rows.Add(new($"{label}: inference, dense", "images/s", Ours(plain, m => m.InferenceImagesPerSecondDense), Theirs(plain, m => m.InferenceImagesPerSecondDense), 0));
            rows.Add(new($"{label}: inference, masked", "images/s", Ours(plain, m => m.InferenceImagesPerSecondMasked), Theirs(plain, m => m.InferenceImagesPerSecondMasked), 0));
            rows.Add(new($"{label}: inference, masked, masks selected at every batch", "images/s", Ours(plain, m => m.InferenceImagesPerSecondMaskedLive), null, 0));
            var multiplyAdds = run.OursSteps.SelectMany(s => s.Models).FirstOrDefault(m => m.Model == model)?.TrainingMultiplyAddsPerImage;
            if (multiplyAdds is { } macs)
            {
                double Gflops(double seconds) => macs * Models.MultiplyAdds.FlopsPerMultiplyAdd * (double)batch / seconds / 1e9;
                foreach (var v in new[] { plain, SideBySide.Fp32ChannelsLast }.Where(v => Ours(v, m => m.StepSecondsMasked) is not null))
                {
                    rows.Add(new($"{label} ({v}): training GFLOP/s, dense ({macs / 1e6:F1} M multiply-adds per image)", "GFLOP/s",
                        Ours(v, m => Gflops(m.StepSecondsDense)), Theirs(v, m => Gflops(m.StepSecondsDense)), 1));
                    rows.Add(new($"{label} ({v}): training GFLOP/s, masked", "GFLOP/s", Ours(v, m => Gflops(m.StepSecondsMasked)), Theirs(v, m => Gflops(m.StepSecondsMasked)), 1));
                }
            }
        }
        if (run.OursEpochs.Count > 0)
        {
            var first = run.OursEpochs[0];
            var label = $"quick epoch ({first.Strategy}, fp32, {first.TrainImages:N0} training + {first.TestImages:N0} test images)";
            double? Ours(Func<EpochsMeasurement, double> f) => Median(run.OursEpochs.Select(e => (double?)f(e)));
            double? Theirs(Func<EpochsMeasurement, double> f) => Median(run.PyTorchEpochs.Select(e => (double?)f(e)));
            rows.Add(new($"{label}: first epoch", "s", Ours(e => e.Epochs[0].Seconds), Theirs(e => e.Epochs[0].Seconds), 1));
            rows.Add(new($"{label}: later epochs (median)", "s", Ours(LaterEpochSeconds), Theirs(LaterEpochSeconds), 1));
            rows.Add(new("  of which training", "s", Ours(e => LaterMedian(e, r => r.TrainSeconds)), Theirs(e => LaterMedian(e, r => r.TrainSeconds)), 1));
            rows.Add(new("  of which evaluation", "s", Ours(e => LaterMedian(e, r => r.EvalSeconds)), Theirs(e => LaterMedian(e, r => r.EvalSeconds)), 1));
            rows.Add(new($"peak resident memory of that run ({first.Epochs.Count} epochs)", "MiB", Ours(e => e.PeakRssBytes / BytesPerMiB), Theirs(e => e.PeakRssBytes / BytesPerMiB), 0));
            rows.Add(new("resident memory after the first epoch", "MiB", Ours(e => e.Epochs[0].RssBytes / BytesPerMiB), Theirs(e => e.Epochs[0].RssBytes / BytesPerMiB), 0));
            rows.Add(new("resident memory after the last epoch", "MiB", Ours(e => e.Epochs[^1].RssBytes / BytesPerMiB), Theirs(e => e.Epochs[^1].RssBytes / BytesPerMiB), 0));
            rows.Add(new("  of which anonymous (heaps)", "MiB", Ours(e => e.Epochs[^1].AnonymousBytes / BytesPerMiB), Theirs(e => e.Epochs[^1].AnonymousBytes / BytesPerMiB), 0));
            rows.Add(new("  of which file-backed (code)", "MiB", Ours(e => e.Epochs[^1].FileBytes / BytesPerMiB), Theirs(e => e.Epochs[^1].FileBytes / BytesPerMiB), 0));
            rows.Add(new($"growth of resident memory (highest after the last {EpochsMeasurement.RssGrowthWindow} epochs against the first {EpochsMeasurement.RssGrowthWindow})", "%", Ours(e => 100 * e.RssGrowth), Theirs(e => 100 * e.RssGrowth), 1));
            rows.Add(new("test accuracy after the last epoch (a check, not a result)", "%", Ours(e => 100 * e.Epochs[^1].TestAccuracy), Theirs(e => 100 * e.Epochs[^1].TestAccuracy), 2));
        }
        if (run.Data is { } data)
        {
            rows.Add(new("data pipeline: batches built per second on one thread", "batches/s", data.PipelineBatchesPerSecond, null, 1));
            rows.Add(new($"data pipeline: headroom over training (target >= {DataPipelineBenchmark.TargetHeadroom})", "x", data.Headroom, null, 1));
            rows.Add(new("data pipeline: wait for a prefetched batch", "ms/step", data.WaitMsPerStep, null, 2));
        }
        return rows;
    }

    /// <summary>The targets that this run measures.</summary>
    public static IReadOnlyList<TargetRow> Targets(BenchmarkRun run)
    {
        var rows = Rows(run);
        ComparisonRow? Row(string start) => rows.FirstOrDefault(r => r.What.StartsWith(start, StringComparison.Ordinal));
        var targets = new List<TargetRow>();
        // Our float32 default where it was measured (records made before channels-last have NCHW only).
        var fp32 = Steps(run.OursSteps, SideBySide.QuickModel, SideBySide.Fp32ChannelsLast, m => m.StepSecondsDense) is null ? SideBySide.Fp32Contiguous : SideBySide.Fp32ChannelsLast;
        foreach (var (model, label) in SideBySide.Models)
        {
            if (Row($"{label} ({fp32}): masked step / dense step")?.Ours is { } ratio)
                targets.Add(new($"{label}: masked step <= {TargetMaskedOverDense:F2}x dense ({fp32})", $"{ratio:F3}x", ratio <= TargetMaskedOverDense));
            var bf16 = new StepsVariant("bf16", fp32.MemoryFormat);
            if (Steps(run.OursSteps, model, bf16, m => m.StepSecondsMasked) is { } half && Steps(run.OursSteps, model, fp32, m => m.StepSecondsMasked) is { } full)
            {
                var limit = TargetBf16OverFp32[model];
                var plain = Steps(run.OursSteps, model, new StepsVariant("bf16", "contiguous"), m => m.StepSecondsMasked) is { } h
                    && Steps(run.OursSteps, model, SideBySide.Fp32Contiguous, m => m.StepSecondsMasked) is { } f ? $"; contiguous: {h / f:F2}x" : "";
                targets.Add(new($"{label}: bf16 masked training step <= {limit:F1}x our fp32 step ({fp32.MemoryFormat})",
                    $"{half / full:F2}x ({half:F3} s vs {full:F3} s{plain})", half / full <= limit));
            }
        }
        if (Row($"ConvMixer-256/8 ({fp32}): training GFLOP/s, masked") is { Ours: { } gflops } g)
            targets.Add(new($"ConvMixer-256/8 training >= {TargetGflops:F0} GFLOP/s (masked, {fp32})",
                $"{gflops:F1} GFLOP/s{(g.PyTorch is { } p ? $" (PyTorch {p:F1})" : "")}", gflops >= TargetGflops));
        if (rows.FirstOrDefault(r => r.What.EndsWith("later epochs (median)", StringComparison.Ordinal)) is { } later)
            targets.Add(new($"quick epoch in fp32 <= {TargetEpochOverPyTorch:F1}x PyTorch's (later epochs, median)",
                later.Ratio is { } r ? $"{r:F2}x ({later.Ours:F1} s vs {later.PyTorch:F1} s)" : "not compared (run with --compare)",
                later.Ratio is { } x ? x <= TargetEpochOverPyTorch : null));
        if (Row("peak resident memory of that run") is { Ours: { } peak } m)
            targets.Add(new($"peak memory of a quick run <= {TargetPeakOverPyTorch:F2}x PyTorch's", m.PyTorch is { } p ? $"{peak:F0} MiB vs {p:F0} MiB ({m.Ratio:F2}x)" : $"{peak:F0} MiB (not compared)",
                m.Ratio is { } q ? q <= TargetPeakOverPyTorch : null));
        if (run.OursEpochs.Count > 0)
        {
            var growth = Median(run.OursEpochs.Select(e => (double?)e.RssGrowth))!.Value;
            targets.Add(new($"memory flat across {run.OursEpochs[0].Epochs.Count} epochs (highest resident set of the last {EpochsMeasurement.RssGrowthWindow} grows < {100 * TargetRssGrowth:F0} % over the first {EpochsMeasurement.RssGrowthWindow})",
                $"{100 * growth:F1} %", growth < TargetRssGrowth));
        }
        return targets;
    }

    /// <summary>The median over rounds of a figure of one model's steps in one variant, from one side's processes.</summary>
    private static double? Steps(IReadOnlyList<StepsMeasurement> side, string model, StepsVariant variant, Func<ModelSteps, double?> figure) =>
        Median(side.Where(s => s.Variant == variant).Select(s => s.Models.FirstOrDefault(m => m.Model == model)).OfType<ModelSteps>().Select(figure));

    /// <summary>The median peak memory of the processes that measured one model in one variant (one model per process), MiB.</summary>
    private static double? Peak(IReadOnlyList<StepsMeasurement> side, string model, StepsVariant variant) =>
        Median(side.Where(s => s.Variant == variant && s.Models.Count == 1 && s.Models[0].Model == model).Select(s => s.PeakRssBytes / BytesPerMiB));

    /// <summary>The markdown page: setting, side-by-side table, targets, memory per epoch and every round's raw figures.</summary>
    public static string Markdown(BenchmarkRun run)
    {
        var s = run.Setting;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Benchmark {s.Date[..10]} at {Short(s.Commit)}");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- command: `{s.Command}`");
        text.AppendLine(CultureInfo.InvariantCulture, $"- commit: {s.Commit}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- machine: {s.Machine}, {s.Cores} cores; every process {s.Threads} torch threads");
        text.AppendLine(CultureInfo.InvariantCulture, $"- date: {s.Date}; our build: {s.Build}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- load average (1, 5, 15 min) before: {s.LoadBefore}; after: {s.LoadAfter}");
        var versions = run.OursSteps.Concat(run.PyTorchSteps).Select(m => $"{m.Framework}: {m.Version}").Distinct();
        text.AppendLine(CultureInfo.InvariantCulture, $"- versions: {string.Join("; ", versions)}");
        var allocators = run.OursSteps.Concat(run.PyTorchSteps).Select(m => (m.Framework, m.Allocator))
            .Concat(run.OursEpochs.Concat(run.PyTorchEpochs).Select(m => (m.Framework, m.Allocator)))
            .GroupBy(a => a.Framework).Select(g => $"{g.Key}: {string.Join(", ", g.Select(a => a.Allocator ?? "not recorded").Distinct())}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- heap allocator: {string.Join("; ", allocators)} (ours: the project's scripts preload tcmalloc, PEMN_ALLOCATOR=glibc switches it off; PyTorch's: its default)");
        text.AppendLine(CultureInfo.InvariantCulture, $"- {s.Rounds} round(s); each round runs whole processes in turn: our steps and PyTorch's for each model, precision and memory format, our epochs, PyTorch's epochs; figures are medians over rounds (and over the timed repetitions inside each process)");
        text.AppendLine("- steps: random images of the model's shape, AdamW, k = 0.5, in each precision (fp32; bf16: forward under autocast, the loss in float32) " +
            "and memory format (contiguous: NCHW; channels_last: NHWC); one process per model and variant, so its peak memory is that model's; " +
            "masks and inference: float32 NCHW, eval mode without gradients on the same batch; " +
            "multiply-adds counted from the model definition (`MultiplyAdds.Training`: forward, weight gradients, input gradients but the stem's)");
        var epochFormats = string.Join("; ", run.OursEpochs.Concat(run.PyTorchEpochs).Select(e => $"{e.Framework}: {e.MemoryFormat}").Distinct());
        text.AppendLine(CultureInfo.InvariantCulture, $"- epochs: the quick protocol on Fashion-MNIST (first 1,000 training images per class, crop 28 pad 2 + flip, batch 128, " +
            $"full test set), a masked run in float32 ({epochFormats}); ours through `Trainer.Fit`, PyTorch's a loop written to match it (bench/pytorch/pemn_bench.py)");
        text.AppendLine();
        text.AppendLine("## Side by side");
        text.AppendLine();
        text.AppendLine("| measurement | unit | ours | PyTorch | ours / PyTorch |");
        text.AppendLine("|---|---|---:|---:|---:|");
        foreach (var r in Rows(run))
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.What} | {r.Unit} | {Format(r.Ours, r.Digits)} | {Format(r.PyTorch, r.Digits)} | {Format(r.Ratio, 2)} |");
        text.AppendLine();
        text.AppendLine("## Targets measured here");
        text.AppendLine();
        text.AppendLine("| target | measured | met |");
        text.AppendLine("|---|---|---|");
        foreach (var t in Targets(run))
            text.AppendLine(CultureInfo.InvariantCulture, $"| {t.Target} | {t.Measured} | {(t.Met is { } met ? met ? "yes" : "no" : "-")} |");
        if (run.OursEpochs.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("## Every epoch (first round): seconds and resident memory after it");
            text.AppendLine();
            text.AppendLine("| epoch | ours s | ours MiB | PyTorch s | PyTorch MiB |");
            text.AppendLine("|---:|---:|---:|---:|---:|");
            var theirs = run.PyTorchEpochs.FirstOrDefault();
            foreach (var e in run.OursEpochs[0].Epochs)
            {
                var p = theirs?.Epochs.FirstOrDefault(x => x.Epoch == e.Epoch);
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {e.Epoch} | {e.Seconds:F1} | {e.RssBytes / BytesPerMiB:F0} | {Format(p?.Seconds, 1)} | {Format(p?.RssBytes / BytesPerMiB, 0)} |");
            }
        }
        text.AppendLine();
        text.AppendLine("Raw figures of every process: the `.json` file of the same name.");
        return text.ToString();
    }

    /// <summary>The first 7 characters of a commit (the whole string when shorter).</summary>
    public static string Short(string commit) => commit.Length > 7 ? commit[..7] : commit;

    private static double LaterEpochSeconds(EpochsMeasurement e) => LaterMedian(e, r => r.Seconds);

    /// <summary>Median of the epochs after the first (the first epoch warms up libtorch's kernels); the first when it is the only one.</summary>
    private static double LaterMedian(EpochsMeasurement e, Func<EpochRow, double> f) =>
        Median((e.Epochs.Count > 1 ? e.Epochs.Skip(1) : e.Epochs).Select(r => (double?)f(r)))!.Value;

    private static double? Median(IEnumerable<double?> values)
    {
        var list = values.OfType<double>().Order().ToList();
        if (list.Count == 0) return null;
        return list.Count % 2 == 1 ? list[list.Count / 2] : (list[list.Count / 2 - 1] + list[list.Count / 2]) / 2;
    }

    private static string Format(double? value, int digits) =>
        value is { } v ? v.ToString("N" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : "-";
}
