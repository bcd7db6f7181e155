using System.Text.Json;
using PEMN.Benchmarks;
using PEMN.Cli;

namespace PEMN.Tests.Benchmarks;

/// <summary>The side-by-side report: what it reads from both frameworks' processes and the arithmetic of its table (no timing here).</summary>
public class BenchmarkReportTests
{
    // Lines as bench/pytorch/pemn_bench.py prints them (keys and layout of a real run; values shortened).
    private const string PyTorchSteps = """
        {"framework": "pytorch", "version": "PyTorch 1.13.0a0, Python 3.11.2", "threads": 2, "models": [{"model": "quick", "batch": 128, "step_seconds_dense": 0.30, "step_seconds_masked": 0.33, "mask_ms_sort": 5.8, "mask_ms_select": 1.2, "inference_images_per_second_dense": 2000.0, "inference_images_per_second_masked": 1800.0, "training_multiply_adds_per_image": null}]}
        """;
    private const string PyTorchEpochs = """
        {"framework": "pytorch", "version": "PyTorch 1.13.0a0, Python 3.11.2", "threads": 2, "model": "convmixer64x4", "strategy": "mask", "batch": 128, "train_images": 10000, "test_images": 10000, "epochs": [{"epoch": 1, "seconds": 30.0, "train_seconds": 26.0, "eval_seconds": 4.0, "test_accuracy": 0.7, "rss_bytes": 629145600, "anonymous_bytes": 524288000, "file_bytes": 104857600}, {"epoch": 2, "seconds": 28.0, "train_seconds": 24.5, "eval_seconds": 3.5, "test_accuracy": 0.75, "rss_bytes": 629145600, "anonymous_bytes": 524288000, "file_bytes": 104857600}], "peak_rss_bytes": 681574400}
        """;

    private static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, CliJson.Options)!;

    private static StepsMeasurement Ours(double dense, double masked, string precision = "fp32", string format = "contiguous", long? peak = null) =>
        new(SideBySide.Ours, "TorchSharp", 2, [new ModelSteps(SideBySide.QuickModel, 128, dense, masked, 6, 2, 2500, 2400, TrainingMultiplyAddsPerImage: 1_000_000)],
            precision, format, "tcmalloc", peak);

    private static EpochsMeasurement OursEpochs(long lastRss) => new(SideBySide.Ours, "TorchSharp", 2, "convmixer64x4", "mask", 128, 10_000, 10_000,
        [new EpochRow(1, 24, 20, 4, 0.7, 1L << 30, 900L << 20, 124L << 20), new EpochRow(2, 19, 16, 3, 0.75, lastRss, 900L << 20, 124L << 20)], 1200L << 20,
        "tcmalloc", "channels_last");

    private const string Epoch = "quick epoch (mask, fp32, 10,000 training + 10,000 test images): later epochs (median)";

    private static BenchmarkRun Run(IReadOnlyList<StepsMeasurement> ours, IReadOnlyList<EpochsMeasurement> oursEpochs) => new(
        new BenchmarkSetting("scripts/pemn bench suite --compare", "0123456789abcdef", "vm (CPU)", 2, 2, "2026-11-29T00:00:00Z", "Release", "0.1 0.2 0.3", "0.4 0.5 0.6", ours.Count),
        ours, [Read<StepsMeasurement>(PyTorchSteps)], oursEpochs, [Read<EpochsMeasurement>(PyTorchEpochs)], null);

    [Fact]
    public void ThePyTorchReferencesLinesReadIntoTheSameRecordsAsOurs()
    {
        var steps = Read<StepsMeasurement>(PyTorchSteps);
        Assert.Equal(SideBySide.PyTorch, steps.Framework);
        var quick = Assert.Single(steps.Models);
        Assert.Equal((SideBySide.QuickModel, 128, 0.30, 0.33, 5.8, 1.2, 1800.0, (long?)null),
            (quick.Model, quick.Batch, quick.StepSecondsDense, quick.StepSecondsMasked, quick.MaskMsSort, quick.MaskMsSelect, quick.InferenceImagesPerSecondMasked, quick.TrainingMultiplyAddsPerImage));
        var epochs = Read<EpochsMeasurement>(PyTorchEpochs);
        Assert.Equal([1, 2], epochs.Epochs.Select(e => e.Epoch));
        Assert.Equal(629145600, epochs.Epochs[1].RssBytes);
        Assert.Equal(681574400, epochs.PeakRssBytes);
        Assert.Equal(0, epochs.RssGrowth);
    }

    [Theory]
    // A dip of one sample (the allocator returned pages) is not growth; a steady rise is, and so is a late jump.
    [InlineData(new[] { 400, 515, 519, 517, 517, 517, 396, 517, 523, 510 }, 0.0077)]
    [InlineData(new[] { 500, 510, 520, 530, 540, 550, 560, 570, 580, 590 }, 0.1346)]
    [InlineData(new[] { 500, 500, 500, 500, 500, 500, 500, 500, 500, 700 }, 0.4)]
    public void MemoryGrowthComparesTheHighLevelAtBothEnds(int[] mib, double growth)
    {
        var epochs = mib.Select((m, i) => new EpochRow(i + 1, 9, 7, 2, 0.8, (long)m << 20, (long)m << 20, 0)).ToList();
        var run = new EpochsMeasurement(SideBySide.Ours, "TorchSharp", 2, "convmixer64x4", "mask", 128, 10_000, 10_000, epochs, 800L << 20);
        Assert.Equal(growth, run.RssGrowth, 4);
    }

    [Fact]
    public void RowsAreMediansOverRoundsAndRatiosAreOursOverPyTorch()
    {
        // Three rounds: the median dense step is 0.24 s (the 0.9 s round is an outlier the median ignores).
        var run = Run([Ours(0.24, 0.25), Ours(0.9, 0.95), Ours(0.2, 0.21)], [OursEpochs(1L << 30)]);
        var rows = BenchmarkReport.Rows(run).ToDictionary(r => r.What);
        var dense = rows.Single(r => r.Key.StartsWith("quick ConvMixer-64/4 (fp32, contiguous): training step, dense", StringComparison.Ordinal)).Value;
        Assert.Equal(0.24, dense.Ours);
        Assert.Equal(0.30, dense.PyTorch);
        Assert.Equal(0.8, dense.Ratio!.Value, 12);
        // Masked / dense is taken per round, then the median: 0.25 / 0.24 = 1.042, 0.95 / 0.9 = 1.056, 0.21 / 0.2 = 1.05 -> 1.05.
        Assert.Equal(0.21 / 0.2, rows["quick ConvMixer-64/4 (fp32, contiguous): masked step / dense step"].Ours!.Value, 12);
        // 2 FLOPs x 1e6 multiply-adds x 128 images / 0.24 s.
        var gflops = rows.Single(r => r.Key.StartsWith("quick ConvMixer-64/4 (fp32, contiguous): training GFLOP/s, dense", StringComparison.Ordinal)).Value;
        Assert.Equal(2 * 1e6 * 128 / 0.24 / 1e9, gflops.Ours!.Value, 9);
        // PyTorch's from the same count (the same model) and its own step time.
        Assert.Equal(2 * 1e6 * 128 / 0.30 / 1e9, gflops.PyTorch!.Value, 9);
        // Epochs: the later-epoch median (one later epoch here), and memory in MiB.
        Assert.Equal(19, rows[Epoch].Ours);
        Assert.Equal(28, rows[Epoch].PyTorch);
        Assert.Equal(1200, rows["peak resident memory of that run (2 epochs)"].Ours);
        Assert.Equal(650, rows["peak resident memory of that run (2 epochs)"].PyTorch);
    }

    [Fact]
    public void TargetsSayWhatIsMetAndWhatIsNot()
    {
        // Resident memory grows 1 GiB -> 1.05 GiB: 5 %, not flat; masked / dense 1.04 <= 1.05; the epoch 19 s vs 28 s = 0.68 <= 0.7.
        var targets = BenchmarkReport.Targets(Run([Ours(0.25, 0.26)], [OursEpochs((long)(1.05 * (1L << 30)))]));
        Assert.True(targets.Single(t => t.Target.StartsWith("quick ConvMixer-64/4: masked step", StringComparison.Ordinal)).Met);
        Assert.True(targets.Single(t => t.Target.StartsWith("quick epoch", StringComparison.Ordinal)).Met);
        var memory = targets.Single(t => t.Target.StartsWith("peak memory", StringComparison.Ordinal));
        Assert.False(memory.Met);
        Assert.Contains("1200 MiB vs 650 MiB", memory.Measured);
        var flat = targets.Single(t => t.Target.StartsWith("memory flat", StringComparison.Ordinal));
        Assert.False(flat.Met);
        Assert.Equal("5.0 %", flat.Measured);
        var page = BenchmarkReport.Markdown(Run([Ours(0.25, 0.26)], [OursEpochs(1L << 30)]));
        Assert.Contains("at 0123456", page);
        Assert.Contains("load average (1, 5, 15 min) before: 0.1 0.2 0.3; after: 0.4 0.5 0.6", page);
    }

    [Fact]
    public void EachPrecisionAndMemoryFormatHasItsRowsAndTheBf16TargetComparesWithOurFp32Default()
    {
        // Our float32 default is channels-last: the bf16 target compares bf16 channels-last with it (0.05 / 0.1 = 0.5 <= 0.6).
        var run = Run([Ours(0.2, 0.2, peak: 700L << 20), Ours(0.1, 0.1, format: "channels_last", peak: 710L << 20),
            Ours(0.15, 0.15, "bf16"), Ours(0.05, 0.05, "bf16", "channels_last")], [OursEpochs(1L << 30)]);
        var rows = BenchmarkReport.Rows(run).ToDictionary(r => r.What);
        Assert.Equal(0.1, rows["quick ConvMixer-64/4 (fp32, channels_last): training step, masked"].Ours);
        Assert.Equal(0.05, rows["quick ConvMixer-64/4 (bf16, channels_last): training step, masked"].Ours);
        Assert.Equal(710, rows["quick ConvMixer-64/4 (fp32, channels_last): peak resident memory of the process"].Ours);
        // PyTorch's line has no precision: it is an fp32 NCHW record, compared on that row only.
        Assert.Equal(0.33, rows["quick ConvMixer-64/4 (fp32, contiguous): training step, masked"].PyTorch);
        Assert.Null(rows["quick ConvMixer-64/4 (fp32, channels_last): training step, masked"].PyTorch);
        var bf16 = BenchmarkReport.Targets(run).Single(t => t.Target.StartsWith("quick ConvMixer-64/4: bf16", StringComparison.Ordinal));
        Assert.True(bf16.Met);
        Assert.Equal("0.50x (0.050 s vs 0.100 s; contiguous: 0.75x)", bf16.Measured);
        Assert.Contains("heap allocator: torchsharp: tcmalloc; pytorch: not recorded", BenchmarkReport.Markdown(run));
    }
}
