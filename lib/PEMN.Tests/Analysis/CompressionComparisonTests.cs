using PEMN.Analysis;
using PEMN.Configuration;
using PEMN.Plans;
using PEMN.Runs;
using PEMN.Strategies;
using PEMN.Sweeps;
using static TorchSharp.torch;

namespace PEMN.Tests.Analysis;

public class CompressionComparisonTests : IDisposable
{
    // Tiny tensors: one thread is fastest and keeps timings steady on a shared machine; restored after.
    private readonly int threads = get_num_threads();
    private readonly string folder = Path.Combine(Path.GetTempPath(), "pemn-compression-" + Guid.NewGuid().ToString("N"));

    public CompressionComparisonTests() => set_num_threads(1);

    public void Dispose()
    {
        set_num_threads(threads);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    private static CompressionPanel SmokePanel(int epochs = 1, IReadOnlyList<double>? targets = null) => new("smoke", "smoke",
        ExperimentPresets.Smoke with { Training = ExperimentPresets.Smoke.Training with { Epochs = epochs } },
        [new StrategyConfig(StrategyName.RandomVectorPadding, 1e-1)], targets ?? [0.90, 0.96], FigurePlans.SparseBaselineNames, [0]);

    [Fact]
    public void StepsAreDenseThenPemnThenEachBaselineAtEachTargetWithOneQPerTargetReachingIt()
    {
        var steps = CompressionComparison.Steps(SmokePanel());
        Assert.Equal(["Dense", "RP 1e-1", "Random 90 %", "Random 96 %", "Magnitude (init) 90 %", "Magnitude (init) 96 %",
            "Magnitude (trained) 90 %", "Magnitude (trained) 96 %"], steps.Select(s => s.Label));
        Assert.Equal([CompressionMethod.Dense, CompressionMethod.Pemn, CompressionMethod.SparseRandom, CompressionMethod.SparseRandom,
            CompressionMethod.SparseMagnitude, CompressionMethod.SparseMagnitude, CompressionMethod.SparseMagnitudeTrained, CompressionMethod.SparseMagnitudeTrained],
            steps.Select(s => s.Method));
        Assert.Equal(new StrategyConfig(StrategyName.RandomVectorPadding, 1e-1), steps[1].Strategy);
        foreach (var group in steps.Where(s => s.Target is not null).GroupBy(s => s.Target))
        {
            Assert.Single(group.Select(s => s.Keep).Distinct());          // every baseline at a target keeps the same q ...
            Assert.All(group, s => Assert.Equal(s.Keep, s.Config.Masking.KeepFraction)); // ... as its masking.keep_fraction
            Assert.All(group, s => Assert.True(s.Storage.CompressionRatio >= group.Key, $"{s.Label}: {s.Storage.CompressionRatio}"));
        }
        Assert.True(steps[2].Keep > steps[3].Keep); // 90 % keeps more than 96 %
        var dense = steps[0];
        Assert.Equal(0, dense.Storage.CompressionRatio);
        Assert.Equal(dense.Storage.Weights, dense.StoredValues);
        Assert.Equal(steps[1].Storage.UniqueValues, steps[1].StoredValues);
        Assert.Equal(steps[2].Storage.UniqueValues, steps[2].StoredValues); // the kept weights
        Assert.Equal(0, ExperimentJson.RunId(CompressionComparison.Plan(steps, [0]).Runs[0]).IndexOf("dense-", StringComparison.Ordinal));
    }

    private static CompressionRow Row(CompressionMethod method, string label, double compression, double accuracy) =>
        new("p", method, method.Baseline() is { } baseline ? new StrategyConfig(baseline) : Rung.Of(label), label, null, 1, compression, 1, accuracy, 0, 1);

    private static readonly CompressionRow[] Baseline =
    [
        Row(CompressionMethod.SparseRandom, "Random 90 %", 0.90, 0.80),
        Row(CompressionMethod.SparseRandom, "Random 96 %", 0.96, 0.60),
    ];

    [Theory]
    [InlineData(0.93, 0.71, 0.70, true, ComparisonOutcome.Wins)]      // halfway: the baseline is interpolated to 70 %
    [InlineData(0.93, 0.69, 0.70, true, ComparisonOutcome.Loses)]
    [InlineData(0.97, 0.61, 0.60, false, ComparisonOutcome.Wins)]     // beyond 96 %: better than the baseline's most compressed point
    [InlineData(0.97, 0.59, 0.60, false, ComparisonOutcome.Undecided)]
    [InlineData(0.85, 0.79, 0.80, false, ComparisonOutcome.Loses)]    // below 90 %: the baseline is more accurate and more compressed
    [InlineData(0.85, 0.81, 0.80, false, ComparisonOutcome.Undecided)]
    public void PemnIsComparedWithTheBaselineAtItsOwnCompression(double compression, double accuracy, double baseline, bool interpolated, ComparisonOutcome outcome)
    {
        var versus = Assert.Single(CompressionComparison.Compare([.. Baseline, Row(CompressionMethod.Pemn, "RP 1e-1", compression, accuracy)]));
        Assert.Equal(baseline, versus.BaselineAccuracy, 12);
        Assert.Equal(interpolated, versus.Interpolated);
        Assert.Equal(outcome, versus.Outcome);
    }

    [Fact]
    public void TheVerdictCountsThePapersBaselinesAndReportsMagnitudeAfterTrainingApart()
    {
        CompressionRow[] rows =
        [
            Row(CompressionMethod.Dense, "Dense", 0, 0.90),
            Row(CompressionMethod.Pemn, "RP 1e-1", 0.93, 0.75),
            Row(CompressionMethod.Pemn, "RP 1e-2", 0.97, 0.55),
            .. Baseline,
            Row(CompressionMethod.SparseMagnitude, "Magnitude (init) 90 %", 0.90, 0.70),
            Row(CompressionMethod.SparseMagnitude, "Magnitude (init) 96 %", 0.96, 0.50),
            Row(CompressionMethod.SparseMagnitudeTrained, "Magnitude (trained) 90 %", 0.90, 0.88),
            Row(CompressionMethod.SparseMagnitudeTrained, "Magnitude (trained) 96 %", 0.96, 0.85),
        ];
        var lines = CompressionComparison.Describe(rows).Split(Environment.NewLine);
        Assert.Equal("Dense: 90 % best test accuracy (no compression).", lines[0]);
        // RP 1e-1 at 93 %: Random 70 % (wins), Magnitude (init) 60 % (wins); RP 1e-2 at 97 %: Random's 60 % undecided, Magnitude (init)'s 50 % won.
        Assert.StartsWith("RP 1e-1 (1 value, 93 % compression): 75 %; Random 70 % there (+5.0 points: wins)", lines[1]);
        Assert.Contains("Magnitude (init) outside its points, nearest 50 % (wins)", lines[2]);
        Assert.Equal("Claim (PEMN more accurate than sparse networks of the same storage, against the paper's baselines Random and Magnitude (init)): " +
            "supported (3 of 3 decided comparisons won).", lines[3]);
        Assert.Equal("Against Magnitude (trained) (beyond the paper): 0 of 1 won.", lines[4]);
    }

    [Fact]
    public void TheFiguresSeriesPutPemnFirstLabelledWithItsValuesAndDenseAsAReferenceLevel()
    {
        CompressionRow[] rows =
        [
            Row(CompressionMethod.Dense, "Dense", 0, 0.90),
            Row(CompressionMethod.Pemn, "RP 1e-2", 0.97, 0.55) with { StoredValues = 37 },
            Row(CompressionMethod.Pemn, "RP 1e-1", 0.93, 0.75) with { StoredValues = 369 },
            .. Baseline.Reverse(),
        ];
        var series = CompressionComparison.Series(rows);
        Assert.Equal(["PEMN", "Random"], series.Select(s => s.Method));
        Assert.Equal([93.0, 97.0], series[0].Compression, (a, b) => Math.Abs(a - b) < 1e-9);
        Assert.Equal([75.0, 55.0], series[0].Accuracy, (a, b) => Math.Abs(a - b) < 1e-9);
        Assert.Equal(["RP 1e-1: 369 values", "RP 1e-2: 37 values"], series[0].Labels);
        Assert.Equal([90.0, 96.0], series[1].Compression, (a, b) => Math.Abs(a - b) < 1e-9);
        Assert.Equal(90.0, CompressionComparison.DenseAccuracy(rows));
        Assert.Null(CompressionComparison.DenseAccuracy(Baseline));
    }

    [Fact]
    public void TheStorageArithmeticOfAPointShowsItsReportsNumbers()
    {
        var steps = CompressionComparison.Steps(SmokePanel(targets: [0.9]));
        var rp = steps.Single(s => s.Label == "RP 1e-1");
        var r = rp.Storage;
        var text = CompressionComparison.StorageArithmetic(rp);
        // Smoke ConvMixer-16/2: 928 masked weights, RP 1e-1 keeps floor(256 * 0.1) + 1 = 26 values of the 16 x 16 pointwise conv.
        Assert.Equal(26, r.UniqueValues);
        Assert.Contains($"C_w = 32 bits x 26 unique random values = {26 * 32:N0} bits", text);
        Assert.Contains("C_m = 1 bit x 928 masked weights = 928 bits", text);
        Assert.Contains($"C = C_w + C_m = {26 * 32 + 928:N0} bits; dense: 32 bits x 928 weights = {928 * 32:N0} bits", text);
        Assert.Contains($"= {1 - (26.0 * 32 + 928) / (928 * 32):P2}", text);

        var random = steps.Single(s => s.Label == "Random 90 %");
        var sparse = CompressionComparison.StorageArithmetic(random);
        Assert.Contains($"C_w = 32 bits x {random.Storage.UniqueValues:N0} kept weights", sparse);
        Assert.Contains($"C_m = their positions in narrow_csr = {random.Storage.MaskBits:N0} bits", sparse);
        Assert.Contains($"= {random.Storage.CompressionRatio:P2}", sparse);
        Assert.Equal(random.Storage.PrototypeBits + random.Storage.MaskBits, random.Storage.WeightBits);
    }

    [Fact]
    public void APanelTrainsItsDenseParentFirstAndItsChildrenNameIt()
    {
        var csv = Path.Combine(folder, "runs.csv");
        var points = CompressionComparison.Run(SmokePanel(targets: [0.9]), csv);
        Assert.Equal(5, points.Count);
        var dense = points.Single(p => p.Method == CompressionMethod.Dense);
        Assert.Equal(dense.RunId, points.Single(p => p.Method == CompressionMethod.SparseMagnitudeTrained).ParentRunId);
        Assert.All(points.Where(p => p.Method != CompressionMethod.SparseMagnitudeTrained), p => Assert.Null(p.ParentRunId));
        Assert.All(points, p => Assert.False(p.Reused));
        var rows = CompressionComparison.Rows(points);
        Assert.Equal(points.Select(p => p.Label), rows.Select(r => r.Label));
        Assert.All(CompressionComparison.Run(SmokePanel(targets: [0.9]), csv), p => Assert.True(p.Reused));
    }

    [Fact]
    public void ARunCompleteInAnotherPlansFolderIsCopiedWithItsRowAndNotTrainedAgain()
    {
        var panel = SmokePanel(targets: [0.9]) with { Baselines = [StrategyName.SparseRandom] };
        var results = Path.Combine(folder, "results");
        var other = Path.Combine(results, "other-plan", "smoke", "runs.csv");
        var dense = panel.Base with { Strategy = new StrategyConfig(StrategyName.Dense) };
        var trained = new ExperimentRunner().Run(dense, Path.GetDirectoryName(other)!);
        var mine = Path.Combine(results, "mine", "smoke", "runs.csv");

        var plan = CompressionComparison.Plan(CompressionComparison.Steps(panel), panel.Seeds);
        var copied = RunReuse.CopyInto(plan, mine, results, Scale.Smoke);
        var (runId, source) = Assert.Single(copied);
        Assert.Equal(trained.RunId, runId);
        Assert.Equal(trained.RunDirectory, source);
        var copy = RunsLocation.OfTable(mine).Run(dense).Path;
        Assert.Equal(Path.Combine("other-plan", "smoke", "runs", runId), RunReuse.ReadRecord(copy)!.Source);
        Assert.Equal(RunsCsv.Read(other).Rows.Single(), RunsCsv.Read(mine).Rows.Single());   // its own commit, machine and date

        var points = CompressionComparison.Run(panel, mine);
        Assert.True(points.Single(p => p.Method == CompressionMethod.Dense).Reused);
        Assert.Empty(RunReuse.CopyInto(plan, mine, results, Scale.Smoke));
    }

    [Fact]
    public void AParentIsNotCopiedWithoutItsTrainedWeights()
    {
        var panel = SmokePanel(targets: [0.9]) with { Baselines = [StrategyName.SparseMagnitudeTrained] };
        var results = Path.Combine(folder, "results");
        var dense = panel.Base with { Strategy = new StrategyConfig(StrategyName.Dense) };
        var trained = new ExperimentRunner().Run(dense, Path.Combine(results, "other-plan", "smoke"));
        Directory.Delete(Path.Combine(trained.RunDirectory, ExperimentRunner.CheckpointFolder), recursive: true);   // as committed
        var plan = CompressionComparison.Plan(CompressionComparison.Steps(panel), panel.Seeds);
        Assert.Empty(RunReuse.Copyable(plan, Path.Combine(results, "mine", "smoke", "runs.csv"), results, Scale.Smoke));
    }
}
