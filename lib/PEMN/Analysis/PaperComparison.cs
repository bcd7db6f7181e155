using System.Globalization;
using PEMN.Paper;
using PEMN.Runtime;
using PEMN.Strategies;
using PEMN.Sweeps;

namespace PEMN.Analysis;

/// <summary>
/// One point of a figure panel on one side, the paper's or the workbook's, keyed by type: its series, its strategy (the
/// rung, the PEMN point, the baseline's strategy or Dense) and a baseline's compression target.
/// </summary>
/// <param name="Method">The series.</param>
/// <param name="Strategy">The strategy, canonical.</param>
/// <param name="Target">A sparse baseline's storage compression target (fraction), else null.</param>
/// <param name="Accuracy">Best test accuracy (fraction): the workbook's mean over seeds, or the paper's value with its read-off error.</param>
/// <param name="Compression">Storage compression (fraction), or null where it is not known (the paper's Fig. 3, its Dense).</param>
/// <param name="StoredValues">Unique random values (PEMN) or kept weights (sparse) the network stores, or null where not known.</param>
/// <param name="AtPlotEdge">The paper's point sits at its plot's left edge: its compression is an upper bound.</param>
/// <param name="SameAs">The label of an earlier rung whose network this is (the workbook's ladder trains it once).</param>
public sealed record PanelPoint(CompressionMethod Method, StrategyConfig Strategy, double? Target, Reading Accuracy, double? Compression,
    long? StoredValues, bool AtPlotEdge = false, string? SameAs = null)
{
    /// <summary>"Mask", "RP 1e-2", "Random 90 %": the point for display.</summary>
    public string Label => Method.IsBaseline() && Target is { } t ? $"{Names.Label(Method)} {CompressionComparison.Percent(t)}" : Strategy.Label();

    /// <summary>
    /// A paper point (in percent) as a point of the comparison (fractions), its accuracy carrying the read-off error of
    /// <paramref name="provenance"/>; a baseline's compression is its target. <paramref name="storedValues"/>: what the
    /// paper's network stores, when the caller derived it from the model's definition.
    /// </summary>
    /// <exception cref="ArgumentException">The point names no strategy (the extra panels' PEMN points).</exception>
    public static PanelPoint FromPaper(PaperPoint point, PaperProvenance provenance, long? storedValues = null)
    {
        var strategy = point.Strategy ?? throw new ArgumentException(
            $"The paper's point of line {point.Line} ({point.Legend}) names no strategy; a comparison keys points by strategy.", nameof(point));
        var compression = point.CompressionPercent / 100;
        return new PanelPoint(point.Method, strategy, point.Method.IsBaseline() ? compression : null,
            Reading.Reported(point.AccuracyPercent / 100, provenance.ReadOffErrorPoints / 100), compression, storedValues, point.AtPlotEdge);
    }

    /// <summary>A ladder's rungs (<see cref="StrategyLadder.Summarize"/>): mean and sd over the seeds (no sd with one seed).</summary>
    public static IReadOnlyList<PanelPoint> FromLadder(IReadOnlyList<LadderResult> results) =>
        StrategyLadder.Summarize(results).Select(r => new PanelPoint(CompressionMethods.Of(r.Strategy.Name), r.Strategy, null,
            Reading.Summary(r.Mean, r.Sd, r.PerSeed.Count), r.CompressionRatio, r.Strategy.Name == StrategyName.Dense ? null : r.UniqueValues,
            SameAs: r.SameAs)).ToList();

    /// <summary>A compression panel's rows (<see cref="CompressionComparison.Rows"/>): mean and sd over the seeds (no sd with one seed).</summary>
    public static IReadOnlyList<PanelPoint> FromCompression(IReadOnlyList<CompressionRow> rows) =>
        rows.Select(r => new PanelPoint(r.Method, r.Strategy, r.Target, Reading.Summary(r.Mean, r.Sd, r.Seeds), r.CompressionRatio, r.StoredValues)).ToList();
}

/// <summary>The workbook's results a paper panel is set beside.</summary>
/// <param name="Title">What they are, e.g. "ConvMixer-64/4, Fashion-MNIST (results/strategy-ladder/quick)".</param>
/// <param name="Points">Its points (<see cref="PanelPoint.FromLadder"/>, <see cref="PanelPoint.FromCompression"/>).</param>
public sealed record WorkbookPanel(string Title, IReadOnlyList<PanelPoint> Points);

/// <summary>
/// One of the paper's claims about a panel, as a contrast of two of its points and the region the paper says it lies in:
/// <see cref="Subject"/> minus <see cref="Reference"/> (a rung against a rung), or <see cref="Subject"/> minus the
/// sparse baseline <see cref="Baseline"/> at the subject's compression (<see cref="CompressionComparison.Locate"/>).
/// </summary>
/// <param name="Statement">The claim in words, e.g. "One-layer ≈ Mask (within 1 point)".</param>
/// <param name="Subject">The point the claim is about.</param>
/// <param name="Reference">The rung it is compared with, or null for a baseline claim.</param>
/// <param name="Baseline">The sparse baseline it is compared with, or null for a rung claim.</param>
/// <param name="Expected">Where the paper says the difference lies (accuracy as a fraction).</param>
public sealed record PaperClaim(string Statement, StrategyConfig Subject, StrategyConfig? Reference, CompressionMethod? Baseline, Expectation Expected)
{
    /// <summary>Throws unless exactly one of <see cref="Reference"/> and <see cref="Baseline"/> is given, and a baseline is one.</summary>
    public PaperClaim Validate()
    {
        if ((Reference is null) == (Baseline is null))
            throw new ArgumentException($"Claim '{Statement}' needs exactly one of Reference (a rung) and Baseline (a sparse baseline).", nameof(Reference));
        if (Baseline is { } b && !b.IsBaseline())
            throw new ArgumentException($"Claim '{Statement}': {Names.Of(b)} is not a sparse baseline.", nameof(Baseline));
        return this;
    }
}

/// <summary>Whether the paper's and the workbook's verdicts on a claim agree.</summary>
public enum Agreement
{
    /// <summary>Both decided it (holds or does not hold), the same way.</summary>
    [Name("agree")]
    Agree,
    /// <summary>Both decided it, opposite ways.</summary>
    [Name("disagree")]
    Disagree,
    /// <summary>At least one side is within noise or has no data.</summary>
    [Name("undecided")]
    Undecided,
}

/// <summary>A claim's verdict on one side's numbers.</summary>
/// <param name="Verdict">Holds, does not hold, within noise, or no data.</param>
/// <param name="Contrast">The difference the verdict read and its noise, or null without data.</param>
/// <param name="Seeds">The fewest seeds behind a term (the workbook's), or null for the paper's single values.</param>
/// <param name="Basis">What was compared, when it is not two rungs: "Random interpolated at 95.4 %", "Random's most compressed point (96 %)".</param>
public sealed record ClaimSide(ClaimVerdict Verdict, Contrast? Contrast, int? Seeds, string? Basis)
{
    /// <summary>No data: <paramref name="why"/> says what is missing.</summary>
    public static ClaimSide Missing(string why) => new(ClaimVerdict.NoData, null, null, why);

    /// <summary>"holds: -4.58 ± 0.10", "within noise: -1.00 ± 0.33 (n = 3)", "holds: +2.70 (n = 1: spread unknown; Random ...)", "no data (no One-layer)".</summary>
    public string Describe()
    {
        var verdict = Names.Label(Verdict);
        if (Contrast is not { } d) return Basis is null ? verdict : $"{verdict} ({Basis})";
        var notes = new List<string>();
        if (Seeds is { } n) notes.Add(d.SpreadUnknown ? $"n = {n}: spread unknown" : $"n = {n}");
        if (Basis is not null) notes.Add(Basis);
        var c = System.Globalization.CultureInfo.InvariantCulture;
        var value = (100 * d.Value).ToString("+0.00;-0.00;0.00", c) + (d.Noise > 0 ? $" ± {(100 * d.Noise).ToString("0.00", c)}" : "");
        return $"{verdict}: {value}{(notes.Count == 0 ? "" : $" ({string.Join("; ", notes)})")}";
    }
}

/// <summary>A claim with both verdicts.</summary>
/// <param name="Claim">The claim.</param>
/// <param name="Paper">On the paper's numbers.</param>
/// <param name="Workbook">On the workbook's.</param>
public sealed record ClaimResult(PaperClaim Claim, ClaimSide Paper, ClaimSide Workbook)
{
    /// <summary>Agree or disagree when both sides decided the claim, undecided otherwise.</summary>
    public Agreement Agreement =>
        !Decided(Paper.Verdict) || !Decided(Workbook.Verdict) ? Agreement.Undecided
        : Paper.Verdict == Workbook.Verdict ? Agreement.Agree : Agreement.Disagree;

    private static bool Decided(ClaimVerdict v) => v is ClaimVerdict.Holds or ClaimVerdict.DoesNotHold;
}

/// <summary>One row of a panel side by side: the same rung or baseline point on both sides, each with its gap to its own Dense.</summary>
/// <param name="Method">The series.</param>
/// <param name="Strategy">The strategy.</param>
/// <param name="Target">A baseline's compression target, else null.</param>
/// <param name="Paper">The paper's point, or null when the paper has none (a baseline beyond the paper).</param>
/// <param name="PaperGap">The paper's accuracy minus the paper's Dense (fraction), or null.</param>
/// <param name="Workbook">The workbook's point, or null when it has none.</param>
/// <param name="WorkbookGap">The workbook's mean minus the workbook's Dense mean (fraction), or null.</param>
public sealed record BesideRow(CompressionMethod Method, StrategyConfig Strategy, double? Target, PanelPoint? Paper, double? PaperGap,
    PanelPoint? Workbook, double? WorkbookGap)
{
    /// <summary>The row's label, for display (<see cref="PanelPoint.Label"/>).</summary>
    public string Label => (Paper ?? Workbook)!.Label;
}

/// <summary>One paper panel beside the workbook's: the rows side by side and every claim with both verdicts.</summary>
/// <param name="Panel">The paper's panel.</param>
/// <param name="Workbook">What the workbook sets beside it (<see cref="WorkbookPanel.Title"/>), or null when it has no counterpart.</param>
/// <param name="Rows">The rows: the paper's points in its order, then points only the workbook has.</param>
/// <param name="Claims">The paper's claims about the panel with both verdicts.</param>
public sealed record PanelComparison(PaperPanel Panel, string? Workbook, IReadOnlyList<BesideRow> Rows, IReadOnlyList<ClaimResult> Claims);

/// <summary>
/// The paper's figures beside the workbook's results, panel by panel: for each paper panel (Fig. 3's ladders, Fig. 4's and
/// 5's compression panels) the paper's points and the workbook's measured ones side by side, and each of the paper's claims
/// about the panel judged on both sets of numbers by one rule (<see cref="SeedNoise"/>): the paper's single values carry
/// their read-off error, the workbook's means the noise of their seeds (a one-seed mean has no known spread and says so).
/// <para>
/// The workbook's models are not the paper's: at quick scale a ConvMixer-64/4 on Fashion-MNIST stands for the paper's
/// ConvMixer-256/6 ... 512/8 on CIFAR-10, a ResNet-8/20 for ResNet-32/56. A rung therefore keeps a different number of unique
/// values on each side (RP 1e-3: 66 values of ConvMixer-256/6, 5 of ConvMixer-64/4) and the absolute accuracies are not
/// comparable; points are matched by rung or method (and a baseline's compression target), and each side is read against
/// its own Dense (the gaps) and its own other rungs (the claims), never against the other side's accuracy.
/// </para>
/// </summary>
public static class PaperComparison
{
    /// <summary>
    /// The margin of "about the same" and of a "clear" drop: 1 accuracy point. The paper calls One-layer, MP and RP 1e-1 ...
    /// 1e-3 comparable where they lie within about half a point of each other on its ConvMixer panels, and a drop clear where
    /// RP 1e-4 and 1e-5 lose 1.4 to 9 points; 1 point is also the few-values study's largest seed sd of a stable point
    /// (<see cref="FewValues.StableSd"/>).
    /// </summary>
    public const double Margin = 0.01;

    private static StrategyConfig Rung(StrategyName name) => new StrategyConfig(name).Canonical();

    private static StrategyConfig Rp(double ratio) => new StrategyConfig(StrategyName.RandomVectorPadding, ratio).Canonical();

    /// <summary>
    /// The paper's claims about a Fig. 3 panel (Dense, Mask, One-layer, MP, RP 1e-1 ... 1e-5): Mask is a bit below Dense;
    /// One-layer ≈ Mask; MP ≈ One-layer; RP keeps MP's accuracy down to 1e-3 (each RP rung ≈ MP); RP 1e-4 and 1e-5 drop
    /// clearly (more than <see cref="Margin"/> below RP 1e-3).
    /// </summary>
    public static IReadOnlyList<PaperClaim> LadderClaims { get; } =
    [
        new("Mask is below Dense", Rung(StrategyName.Mask), Rung(StrategyName.Dense), null, Expectation.Below(0)),
        new("One-layer ≈ Mask (within 1 point)", Rung(StrategyName.OneLayer), Rung(StrategyName.Mask), null, Expectation.Within(Margin)),
        new("MP ≈ One-layer (within 1 point)", Rung(StrategyName.MaxLayerPadding), Rung(StrategyName.OneLayer), null, Expectation.Within(Margin)),
        new("RP 1e-1 ≈ MP (within 1 point)", Rp(1e-1), Rung(StrategyName.MaxLayerPadding), null, Expectation.Within(Margin)),
        new("RP 1e-2 ≈ MP (within 1 point)", Rp(1e-2), Rung(StrategyName.MaxLayerPadding), null, Expectation.Within(Margin)),
        new("RP 1e-3 ≈ MP (within 1 point)", Rp(1e-3), Rung(StrategyName.MaxLayerPadding), null, Expectation.Within(Margin)),
        new("RP 1e-4 drops below RP 1e-3 (by more than 1 point)", Rp(1e-4), Rp(1e-3), null, Expectation.Below(-Margin)),
        new("RP 1e-5 drops below RP 1e-3 (by more than 1 point)", Rp(1e-5), Rp(1e-3), null, Expectation.Below(-Margin)),
    ];

    /// <summary>
    /// The paper's claim about a compression panel (Fig. 4, 5), for each of its PEMN points and each of its two sparse
    /// baselines (<see cref="CompressionComparison.PaperBaselines"/>): the PEMN point is more accurate than the baseline at its
    /// own, higher compression.
    /// </summary>
    public static IReadOnlyList<PaperClaim> CompressionClaims(IReadOnlyList<StrategyConfig> pemn) =>
        pemn.SelectMany(p => CompressionComparison.PaperBaselines.Select(b => new PaperClaim(
            $"{p.Label()} is above {Names.Label(CompressionMethods.Of(b))} at its compression", p.Canonical(), null, CompressionMethods.Of(b),
            Expectation.Above(0)).Validate())).ToList();

    /// <summary>
    /// <paramref name="panel"/> of the paper (its points as <paramref name="paper"/>, <see cref="PanelPoint.FromPaper"/>) beside
    /// <paramref name="workbook"/> (null: no counterpart, every workbook verdict is no data): the rows and the paper's claims
    /// about the panel (<see cref="LadderClaims"/> for Fig. 3, <see cref="CompressionClaims"/> of the paper's PEMN points otherwise).
    /// </summary>
    public static PanelComparison Compare(PaperPanel panel, IReadOnlyList<PanelPoint> paper, WorkbookPanel? workbook)
    {
        var claims = panel.Figure.IsLadder()
            ? LadderClaims
            : CompressionClaims(paper.Where(p => p.Method == CompressionMethod.Pemn).Select(p => p.Strategy).ToList());
        var mine = workbook?.Points ?? [];
        return new PanelComparison(panel, workbook?.Title, Rows(paper, mine),
            claims.Select(c => new ClaimResult(c, Judge(c, paper), workbook is null ? ClaimSide.Missing("no workbook panel") : Judge(c, mine))).ToList());
    }

    /// <summary>The rows side by side: the paper's points in order, each with the workbook's point of the same key, then the workbook's others.</summary>
    public static IReadOnlyList<BesideRow> Rows(IReadOnlyList<PanelPoint> paper, IReadOnlyList<PanelPoint> workbook)
    {
        var paperDense = paper.FirstOrDefault(p => p.Method == CompressionMethod.Dense)?.Accuracy.Mean;
        var workbookDense = workbook.FirstOrDefault(p => p.Method == CompressionMethod.Dense)?.Accuracy.Mean;
        double? Gap(PanelPoint? p, double? dense) => p is null || dense is null ? null : p.Accuracy.Mean - dense;
        var rows = new List<BesideRow>();
        foreach (var p in paper)
        {
            var w = workbook.FirstOrDefault(x => SameKey(x, p));
            rows.Add(new BesideRow(p.Method, p.Strategy, p.Target, p, Gap(p, paperDense), w, Gap(w, workbookDense)));
        }
        foreach (var w in workbook.Where(w => !paper.Any(p => SameKey(p, w))))
            rows.Add(new BesideRow(w.Method, w.Strategy, w.Target, null, null, w, Gap(w, workbookDense)));
        return rows;
    }

    /// <summary>
    /// The claim on one side's points: the contrast of its two points (a rung claim) or of the PEMN point and the baseline
    /// where they meet (<see cref="CompressionComparison.Locate"/>: interpolated inside the baseline's points; beyond its most
    /// compressed point only a win decides, before its least compressed one only a loss, as <see cref="CompressionComparison.Compare"/>
    /// reads them), judged by <see cref="SeedNoise.Judge"/>.
    /// </summary>
    public static ClaimSide Judge(PaperClaim claim, IReadOnlyList<PanelPoint> points)
    {
        claim.Validate();
        var subject = points.FirstOrDefault(p => !p.Method.IsBaseline() && SameRung(p.Strategy, claim.Subject));
        if (subject is null) return ClaimSide.Missing($"no {claim.Subject.Label()}");
        if (claim.Reference is { } reference)
        {
            var other = points.FirstOrDefault(p => !p.Method.IsBaseline() && SameRung(p.Strategy, reference));
            if (other is null) return ClaimSide.Missing($"no {reference.Label()}");
            return Side(SeedNoise.Difference(subject.Accuracy, other.Accuracy), claim.Expected, [subject, other], null);
        }
        var baseline = claim.Baseline!.Value;
        var curve = points.Where(p => p.Method == baseline).OrderBy(p => p.Compression).ToList();
        var label = Names.Label(baseline);
        if (curve.Count == 0) return ClaimSide.Missing($"no {label} points");
        if (subject.Compression is not { } at || curve.Any(p => p.Compression is null))
            return ClaimSide.Missing($"no compression of {(subject.Compression is null ? subject.Label : label)}");
        var where = CompressionComparison.Locate(at, curve.Select(p => (p.Compression!.Value, p.Accuracy.Mean)).ToList());
        var (lower, upper) = (curve[where.Lower], curve[where.Upper]);
        // The baseline's points that carry weight there: one outside its range or on a point, two in between.
        IReadOnlyList<(double Weight, PanelPoint Point)> used = where.Lower == where.Upper || where.Weight == 0 ? [(1, lower)]
            : where.Weight == 1 ? [(1, upper)]
            : [(1 - where.Weight, lower), (where.Weight, upper)];
        var c = CultureInfo.InvariantCulture;
        var basis = where.Place switch
        {
            CurvePlace.Beyond => string.Create(c, $"{label}'s most compressed point ({CompressionComparison.Percent(lower.Compression!.Value)})"),
            CurvePlace.Before => string.Create(c, $"{label}'s least compressed point ({CompressionComparison.Percent(lower.Compression!.Value)})"),
            _ => string.Create(c, $"{label} interpolated at {CompressionComparison.Percent(at)}"),
        };
        var side = Side(SeedNoise.Of([(1, subject.Accuracy), .. used.Select(u => (-u.Weight, u.Point.Accuracy))]), claim.Expected,
            [subject, .. used.Select(u => u.Point)], basis);
        // Outside the baseline's points only one outcome is decided: beyond its most compressed point PEMN may win (the
        // baseline only loses accuracy as it keeps fewer weights), before its least compressed point PEMN may lose.
        var undecided = where.Place switch
        {
            CurvePlace.Beyond => side.Verdict == ClaimVerdict.DoesNotHold,
            CurvePlace.Before => side.Verdict == ClaimVerdict.Holds,
            _ => false,
        };
        return undecided ? side with { Verdict = ClaimVerdict.NoData, Basis = basis + ": outside its points, not decided" } : side;
    }

    /// <summary>
    /// Every panel of <paramref name="figures"/> in <paramref name="panels"/> beside its workbook panel
    /// (<paramref name="workbookFor"/>; null: none), the paper's stored values from <paramref name="storedValues"/> where the
    /// caller derives them from the paper's model definitions (null: not known).
    /// </summary>
    public static IReadOnlyList<PanelComparison> CompareAll(PaperFigures figures, IReadOnlyList<PaperPanel> panels,
        Func<PaperPanel, WorkbookPanel?> workbookFor, Func<PaperPanel, PaperPoint, long?>? storedValues = null) =>
        panels.Select(panel => Compare(panel,
            figures.In(panel).Select(p => PanelPoint.FromPaper(p, figures.Provenance, storedValues?.Invoke(panel, p))).ToList(),
            workbookFor(panel))).ToList();

    private static ClaimSide Side(Contrast contrast, Expectation expected, IReadOnlyList<PanelPoint> terms, string? basis)
    {
        var seeds = terms.Any(t => t.Accuracy.ReadError > 0) ? (int?)null : terms.Min(t => t.Accuracy.N);
        return new ClaimSide(SeedNoise.Judge(contrast, expected), contrast, seeds, basis);
    }

    /// <summary>The same point on both sides: the same series, rung (strategy and, for RP, ratio) and baseline target.</summary>
    private static bool SameKey(PanelPoint a, PanelPoint b) =>
        a.Method == b.Method && SameRung(a.Strategy, b.Strategy) && (a.Target is null) == (b.Target is null)
        && (a.Target is not { } t || Math.Abs(t - b.Target!.Value) < 1e-9);

    /// <summary>A rung is its strategy and RP's ratio: pad mode, rescaling and sign symmetry are variants of the same rung.</summary>
    private static bool SameRung(StrategyConfig a, StrategyConfig b) =>
        a.Name == b.Name && (a.Name != StrategyName.RandomVectorPadding || a.Ratio == b.Ratio);
}
