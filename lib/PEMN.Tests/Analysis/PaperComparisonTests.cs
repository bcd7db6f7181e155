using PEMN.Analysis;
using PEMN.Models;
using PEMN.Paper;
using PEMN.Strategies;
using PEMN.Sweeps;

namespace PEMN.Tests.Analysis;

public class PaperComparisonTests
{
    private const double ReadOff = 0.0005;

    private static readonly PaperPanel LadderPanel = new(PaperFigure.Fig3, ModelName.ConvMixer, 6, 256);

    private static readonly PaperPanel CompressionPanel = new(PaperFigure.Fig5, ModelName.ConvMixer, 6, null);

    /// <summary>The paper's ConvMixer-256/6 ladder (Fig. 3), as reported values.</summary>
    private static IReadOnlyList<PanelPoint> PaperLadder() =>
        new (string Rung, double Acc)[]
        {
            ("Dense", 94.01), ("Mask", 89.43), ("One-layer", 88.93), ("MP", 88.98), ("RP 1e-1", 89.09), ("RP 1e-2", 88.96),
            ("RP 1e-3", 88.51), ("RP 1e-4", 85.36), ("RP 1e-5", 80.20),
        }.Select(p => Paper(Rung.Of(p.Rung), p.Acc)).ToList();

    private static PanelPoint Paper(StrategyConfig strategy, double percent, double? compression = null, double? target = null) =>
        new(CompressionMethods.Of(strategy.Name), strategy, target, Reading.Reported(percent / 100, ReadOff), compression ?? target, null);

    /// <summary>A workbook ladder: each rung's accuracies over the seeds (one list entry per seed).</summary>
    private static WorkbookPanel Ladder(params (string Rung, double[] PerSeed)[] rungs) => new("ConvMixer-64/4",
        PanelPoint.FromLadder(rungs.SelectMany(r => r.PerSeed.Select((acc, seed) =>
            new LadderResult(Rung.Of(r.Rung), seed, $"{r.Rung}-{seed}", 10, 0.9, acc, acc, 1, true, "", null))).ToList()));

    private static ClaimResult Claim(PanelComparison comparison, string statementStart) =>
        Assert.Single(comparison.Claims, c => c.Claim.Statement.StartsWith(statementStart, StringComparison.Ordinal));

    /// <summary>Three seeds, sd about 0.1 points except where said: RP 1e-3 five points under MP, as the workbook's small ConvMixer.</summary>
    private static WorkbookPanel ThreeSeeds() => Ladder(
        ("Dense", [0.874, 0.875, 0.876]), ("Mask", [0.827, 0.828, 0.829]), ("One-layer", [0.819, 0.820, 0.821]),
        ("MP", [0.824, 0.825, 0.826]), ("RP 1e-1", [0.815, 0.822, 0.829]), ("RP 1e-2", [0.79, 0.81, 0.83]),
        ("RP 1e-3", [0.765, 0.767, 0.769]), ("RP 1e-4", [0.755, 0.757, 0.759]), ("RP 1e-5", [0.755, 0.757, 0.759]));

    [Fact]
    public void TheLadderClaimsAreTheFiguresAndHoldOnThePapersOwnConvMixer256Panel()
    {
        var result = PaperComparison.Compare(LadderPanel, PaperLadder(), null);
        Assert.Equal(PaperComparison.LadderClaims, result.Claims.Select(c => c.Claim));
        // One-layer is 0.5 below Mask, MP +0.05, RP 1e-1 ... 1e-3 within 0.47 of MP, RP 1e-4 3.15 and 1e-5 8.31 below RP 1e-3.
        Assert.All(result.Claims, c => Assert.Equal(ClaimVerdict.Holds, c.Paper.Verdict));
        Assert.All(result.Claims, c => Assert.Null(c.Paper.Seeds));
        Assert.All(result.Claims, c => Assert.Equal(2 * ReadOff, c.Paper.Contrast!.Noise, 12));   // two read-off errors
        Assert.All(result.Claims, c => Assert.Equal(ClaimVerdict.NoData, c.Workbook.Verdict));
        Assert.All(result.Claims, c => Assert.Equal(Agreement.Undecided, c.Agreement));
        Assert.Null(result.Workbook);
    }

    [Fact]
    public void AClaimCanHoldOnThePaperAndFailOnTheWorkbook()
    {
        var result = PaperComparison.Compare(LadderPanel, PaperLadder(), ThreeSeeds());
        var rp3 = Claim(result, "RP 1e-3 ≈ MP");
        Assert.Equal(ClaimVerdict.Holds, rp3.Paper.Verdict);
        Assert.Equal(ClaimVerdict.DoesNotHold, rp3.Workbook.Verdict);       // -5.8 points, noise 0.26
        Assert.Equal(Agreement.Disagree, rp3.Agreement);
        Assert.Equal(-0.058, rp3.Workbook.Contrast!.Value, 9);
        Assert.Equal(3, rp3.Workbook.Seeds);
        // RP 1e-4 is 1 point under RP 1e-3 on the workbook: not clearly more than the margin.
        Assert.Equal(ClaimVerdict.WithinNoise, Claim(result, "RP 1e-4 drops").Workbook.Verdict);
        // RP 1e-2's seeds spread by 2 points: whether it is within a point of MP is not measured.
        Assert.Equal(ClaimVerdict.WithinNoise, Claim(result, "RP 1e-2 ≈ MP").Workbook.Verdict);
        var mask = Claim(result, "Mask is below Dense");
        Assert.Equal(Agreement.Agree, mask.Agreement);
    }

    [Fact]
    public void RowsPairTheSameRungAndGiveEachSidesGapToItsOwnDense()
    {
        var rows = PaperComparison.Compare(LadderPanel, PaperLadder(), ThreeSeeds()).Rows;
        Assert.Equal(StrategyLadder.Rungs.Select(r => r.Label), rows.Select(r => r.Label));
        var mask = rows.Single(r => r.Strategy.Name == StrategyName.Mask);
        Assert.Equal(0.8943 - 0.9401, mask.PaperGap!.Value, 12);
        Assert.Equal(0.828 - 0.875, mask.WorkbookGap!.Value, 12);
        Assert.Equal(3, mask.Workbook!.Accuracy.N);
        Assert.Equal(0.001, mask.Workbook.Accuracy.Sd!.Value, 12);
        Assert.Equal(0, rows.Single(r => r.Method == CompressionMethod.Dense).WorkbookGap);
    }

    [Fact]
    public void AOneSeedWorkbookReportsNoSdAndSaysItsSpreadIsUnknown()
    {
        var one = Ladder(("Dense", [0.87]), ("Mask", [0.83]), ("One-layer", [0.82]), ("MP", [0.825]));
        var result = PaperComparison.Compare(LadderPanel, PaperLadder(), one);
        Assert.All(result.Rows.Where(r => r.Workbook is not null), r => Assert.Null(r.Workbook!.Accuracy.Sd));
        Assert.All(result.Rows.Where(r => r.Workbook is not null), r => Assert.Equal(1, r.Workbook!.Accuracy.N));
        var mask = Claim(result, "Mask is below Dense");
        Assert.Equal(ClaimVerdict.Holds, mask.Workbook.Verdict);            // decided on the values, as the paper's ...
        Assert.True(mask.Workbook.Contrast!.SpreadUnknown);                 // ... with the spread unknown, not zero
        Assert.Equal(0, mask.Workbook.Contrast.Noise);
        Assert.Equal(1, mask.Workbook.Seeds);
    }

    [Fact]
    public void MissingRungsGiveNoDataAndTheirRowsOneSide()
    {
        var partial = Ladder(("Dense", [0.87, 0.88]), ("Mask", [0.83, 0.84]), ("MP", [0.82, 0.83]));
        var result = PaperComparison.Compare(LadderPanel, PaperLadder(), partial);
        var oneLayer = Claim(result, "One-layer ≈ Mask");
        Assert.Equal(ClaimVerdict.NoData, oneLayer.Workbook.Verdict);
        Assert.Equal("no One-layer", oneLayer.Workbook.Basis);
        Assert.Equal(Agreement.Undecided, oneLayer.Agreement);
        Assert.Equal(ClaimVerdict.NoData, Claim(result, "MP ≈ One-layer").Workbook.Verdict);
        Assert.Equal(ClaimVerdict.NoData, Claim(result, "RP 1e-5 drops").Workbook.Verdict);
        Assert.Null(result.Rows.Single(r => r.Strategy.Name == StrategyName.OneLayer).Workbook);
        // A paper without a rung: its claims have no data on the paper's side.
        var noRp = PaperComparison.Compare(LadderPanel, PaperLadder().Where(p => p.Strategy.Ratio != 1e-4 || p.Strategy.Name != StrategyName.RandomVectorPadding).ToList(), null);
        Assert.Equal(ClaimVerdict.NoData, Claim(noRp, "RP 1e-4 drops").Paper.Verdict);
    }

    /// <summary>The paper's Fig. 5 ConvMixer depth-6 panel: Dense, the two baselines at 90 ... 96 %, PEMN RP 1e-1 ... 1e-3.</summary>
    private static IReadOnlyList<PanelPoint> PaperCompression()
    {
        var random = new StrategyConfig(StrategyName.SparseRandom);
        var minimum = new StrategyConfig(StrategyName.SparseMagnitude);
        double[] targets = [0.90, 0.92, 0.94, 0.96];
        return
        [
            Paper(Rung.Of("Dense"), 94.01),
            .. targets.Zip([84.23, 83.16, 81.06, 76.80], (t, a) => Paper(random, a, target: t)),
            .. targets.Zip([84.42, 83.35, 80.94, 77.29], (t, a) => Paper(minimum, a, target: t)),
            Paper(Rung.Of("RP 1e-1"), 89.09, 0.9537), Paper(Rung.Of("RP 1e-2"), 88.96, 0.9673), Paper(Rung.Of("RP 1e-3"), 88.51, 0.9686),
        ];
    }

    private static CompressionRow Row(CompressionMethod method, string rung, double? target, double compression, double mean, double sd, int seeds) =>
        new("p", method, method.Baseline() is { } b ? new StrategyConfig(b) : Rung.Of(rung), rung, target, 0.5, compression, 10, mean, sd, seeds);

    [Fact]
    public void ACompressionPanelJudgesEachPemnPointAgainstEachPapersBaselineWhereTheyMeet()
    {
        var paper = PaperCompression();
        var result = PaperComparison.Compare(CompressionPanel, paper, null);
        Assert.Equal(6, result.Claims.Count);      // 3 PEMN points x the paper's 2 baselines
        var rp1 = Claim(result, "RP 1e-1 is above Random");
        // 95.37 % lies between Random's 94 % (81.06) and 96 % (76.80): 81.06 - 0.685 x 4.26 = 78.14.
        var baseline = 0.8106 + (0.7680 - 0.8106) * (0.9537 - 0.94) / 0.02;
        Assert.Equal(0.8909 - baseline, rp1.Paper.Contrast!.Value, 9);
        Assert.Equal(2 * ReadOff, rp1.Paper.Contrast.Noise, 12);             // 1 + 0.315 + 0.685 read-off errors
        Assert.Equal("Random interpolated at 95.4 %", rp1.Paper.Basis);
        Assert.Equal(ClaimVerdict.Holds, rp1.Paper.Verdict);
        var rp3 = Claim(result, "RP 1e-3 is above Magnitude (init)");
        Assert.Equal("Magnitude (init)'s most compressed point (96 %)", rp3.Paper.Basis);
        Assert.Equal(ClaimVerdict.Holds, rp3.Paper.Verdict);
    }

    [Fact]
    public void OutsideTheBaselinesPointsOnlyTheDecidingOutcomeCounts()
    {
        var paper = PaperCompression();
        var workbook = new WorkbookPanel("ConvMixer-64/4", PanelPoint.FromCompression(
        [
            Row(CompressionMethod.Dense, "Dense", null, 0, 0.875, 0.002, 3),
            Row(CompressionMethod.Pemn, "RP 1e-1", null, 0.85, 0.70, 0.001, 3),      // less compressed than every baseline point and less accurate: loses
            Row(CompressionMethod.Pemn, "RP 1e-2", null, 0.97, 0.50, 0.001, 3),      // beyond 96 % but below its point: not decided
            Row(CompressionMethod.Pemn, "RP 1e-3", null, 0.88, 0.90, 0.001, 3),      // before 90 % and above it: not decided
            Row(CompressionMethod.SparseRandom, "Random 90 %", 0.90, 0.90, 0.80, 0.001, 3),
            Row(CompressionMethod.SparseRandom, "Random 96 %", 0.96, 0.96, 0.60, 0.001, 3),
            Row(CompressionMethod.SparseMagnitudeTrained, "Magnitude (trained) 90 %", 0.90, 0.90, 0.85, 0.001, 3),
        ]));
        var result = PaperComparison.Compare(CompressionPanel, paper, workbook);
        Assert.Equal(ClaimVerdict.DoesNotHold, Claim(result, "RP 1e-1 is above Random").Workbook.Verdict);
        Assert.Equal(Agreement.Disagree, Claim(result, "RP 1e-1 is above Random").Agreement);
        var beyond = Claim(result, "RP 1e-2 is above Random").Workbook;
        Assert.Equal((ClaimVerdict.NoData, "Random's most compressed point (96 %): outside its points, not decided"), (beyond.Verdict, beyond.Basis));
        Assert.Equal(ClaimVerdict.NoData, Claim(result, "RP 1e-3 is above Random").Workbook.Verdict);
        Assert.Equal("no Magnitude (init) points", Claim(result, "RP 1e-1 is above Magnitude (init)").Workbook.Basis);
        // The workbook's baseline beyond the paper is a row with no paper point, and no claim.
        var trained = Assert.Single(result.Rows, r => r.Method == CompressionMethod.SparseMagnitudeTrained);
        Assert.Null(trained.Paper);
        Assert.Equal("Magnitude (trained) 90 %", trained.Label);
        Assert.Equal(0.85 - 0.875, trained.WorkbookGap!.Value, 12);
        Assert.DoesNotContain(result.Claims, c => c.Claim.Baseline == CompressionMethod.SparseMagnitudeTrained);
        // Baseline rows pair by target: the paper's Random 90 % with the workbook's.
        var random90 = result.Rows.Single(r => r.Method == CompressionMethod.SparseRandom && r.Target == 0.90);
        Assert.Equal((0.8423, 0.80), (random90.Paper!.Accuracy.Mean, random90.Workbook!.Accuracy.Mean));
        Assert.Null(result.Rows.Single(r => r.Method == CompressionMethod.SparseRandom && r.Target == 0.92).Workbook);
    }

    [Fact]
    public void ThePapersOwnPointsGiveItsVerdictsOnEveryMappedPanel()
    {
        var figures = PaperFigures.Load();
        var panels = figures.Panels.Where(p => p.Figure is PaperFigure.Fig3 or PaperFigure.Fig4a or PaperFigure.Fig4b or PaperFigure.Fig5).ToList();
        var all = PaperComparison.CompareAll(figures, panels, _ => null);
        Assert.Equal(14, all.Count);
        var vit = all.Single(c => c.Panel == new PaperPanel(PaperFigure.Fig3, ModelName.ViT, 6, 256));
        // ViT-256/6: RP 1e-3 (77.18) is above MP (76.62) by 0.56: within the margin; RP 1e-5 (66.06) 11 points below RP 1e-3.
        Assert.Equal(ClaimVerdict.Holds, Claim(vit, "RP 1e-3 ≈ MP").Paper.Verdict);
        Assert.Equal(ClaimVerdict.Holds, Claim(vit, "RP 1e-5 drops").Paper.Verdict);
        var resnet32 = all.Single(c => c.Panel == new PaperPanel(PaperFigure.Fig4a, ModelName.ResNet, 32, null));
        // MP sits at the plot's edge (89 %), less compressed than every baseline point and more accurate: not decided.
        Assert.Equal(ClaimVerdict.NoData, Claim(resnet32, "MP is above Random").Paper.Verdict);
        Assert.True(resnet32.Rows.Single(r => r.Strategy.Name == StrategyName.MaxLayerPadding).Paper!.AtPlotEdge);
        Assert.Equal(ClaimVerdict.Holds, Claim(resnet32, "RP 1e-1 is above Magnitude (init)").Paper.Verdict);
    }
}
