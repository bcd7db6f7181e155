using System.Globalization;
using System.Text;
using PEMN.Analysis;
using PEMN.Paper;
using PEMN.Runs;
using PEMN.Runtime;
using PEMN.Strategies;

namespace PEMN.Reports;

/// <summary>
/// The paper beside the workbook as a committed-results table (<see cref="PaperComparison"/>): for each paper panel the rows
/// side by side (the paper's value and gap to its Dense, the workbook's mean ± sd over its seeds and gap to its own Dense,
/// stored values and compression on both sides where known) and each of the paper's claims with both verdicts and whether
/// they agree. Written with <see cref="ReportFile.Write"/>, so regenerating it from the same runs leaves it as it was.
/// </summary>
public static class PaperBesideTable
{
    /// <summary>The report's file name in its plan's scale folder.</summary>
    public const string FileName = "paper-beside.md";

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>
    /// Markdown of <paramref name="panels"/>, the paper's values from <paramref name="provenance"/>'s file, the workbook's from
    /// <paramref name="workbookSource"/> (what was read, in a line), made by <paramref name="command"/>; the caller's
    /// <paramref name="notes"/> (how a column was derived) after the header.
    /// </summary>
    public static string Markdown(IReadOnlyList<PanelComparison> panels, PaperProvenance provenance, string workbookSource, string command,
        RunProvenance run, IEnumerable<string>? notes = null)
    {
        var text = new StringBuilder();
        ReportFile.AppendHeader(text, "The paper beside the workbook: Figs. 3, 4 and 5, claim by claim", command, run);
        text.AppendLine(C, $"- paper: {provenance.Source} How they were read: {provenance.Method} (`lib/PEMN/Paper/{PaperFigures.FileName}`)");
        text.AppendLine(C, $"- workbook: {workbookSource}");
        text.AppendLine("- the models differ: the workbook's are smaller and trained on other data, so a rung keeps another number of unique values on " +
            "each side and absolute accuracies are not comparable; points are matched by rung or method (a baseline also by its compression target) " +
            "and each side is read against its own Dense (gap, in accuracy points) and its own other points (the claims)");
        var readOff = Points(provenance.ReadOffErrorPoints / 100);
        var margin = Points(PaperComparison.Margin);
        text.AppendLine("- claims, one rule on both sides (`SeedNoise`): a claim compares two points, d = a - b; its noise is two standard errors " +
            $"of the workbook's seed means, or the paper's read-off errors ({readOff} points a value); it holds when d ± noise lies wholly in " +
            "the claimed region, does not hold when it lies wholly outside, is within noise otherwise; " +
            $"'≈' means within {margin} point, a drop more than {margin} point below; a PEMN point meets a baseline at its own compression " +
            "(interpolated between the baseline's points; outside them only a win beyond its most compressed point or a loss before its least " +
            "compressed one decides)");
        text.AppendLine("- a workbook value of one seed has no sd (n = 1): its spread is not known, its verdict is read on the values alone and says so");
        foreach (var note in notes ?? []) text.AppendLine(C, $"- {note}");
        text.AppendLine();
        AppendSummary(text, panels);
        foreach (var panel in panels) AppendPanel(text, panel);
        return text.ToString();
    }

    /// <summary>One line per figure: how many claims agree, disagree and are undecided (the command line prints these).</summary>
    public static IReadOnlyList<string> Conclusions(IReadOnlyList<PanelComparison> panels) =>
        panels.GroupBy(p => p.Panel.Figure).Select(g =>
        {
            var claims = g.SelectMany(p => p.Claims).ToList();
            return string.Create(C, $"{Names.Label(g.Key)}: {claims.Count} claims over {g.Count()} panels, {Count(claims, Agreement.Agree)} agree, " +
                $"{Count(claims, Agreement.Disagree)} disagree, {Count(claims, Agreement.Undecided)} undecided; " +
                $"paper holds {claims.Count(c => c.Paper.Verdict == ClaimVerdict.Holds)}, workbook holds {claims.Count(c => c.Workbook.Verdict == ClaimVerdict.Holds)}");
        }).ToList();

    private static void AppendSummary(StringBuilder text, IReadOnlyList<PanelComparison> panels)
    {
        text.AppendLine("| paper panel | beside (workbook) | claims | agree | disagree | undecided | paper holds | workbook holds |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var p in panels)
            text.AppendLine(C, $"| {p.Panel.Title} | {p.Workbook ?? "none"} | {p.Claims.Count} | {Count(p.Claims, Agreement.Agree)} | {Count(p.Claims, Agreement.Disagree)} | " +
                $"{Count(p.Claims, Agreement.Undecided)} | {p.Claims.Count(c => c.Paper.Verdict == ClaimVerdict.Holds)} | {p.Claims.Count(c => c.Workbook.Verdict == ClaimVerdict.Holds)} |");
        text.AppendLine();
    }

    private static void AppendPanel(StringBuilder text, PanelComparison panel)
    {
        text.AppendLine(C, $"## {panel.Panel.Title}");
        text.AppendLine();
        text.AppendLine(C, $"Beside: {panel.Workbook ?? "nothing (the workbook has no counterpart at this scale)"}.");
        text.AppendLine();
        text.AppendLine("| point | paper acc % | paper gap | paper values | paper compression | workbook acc % (mean ± sd, n) | workbook gap | workbook values | workbook compression |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in panel.Rows)
            text.AppendLine(C, $"| {r.Label}{(r.Paper is null ? " (beyond the paper)" : "")} | {Accuracy(r.Paper)} | {Gap(r.PaperGap)} | {Values(r.Paper)} | {Compression(r.Paper)} | " +
                $"{Accuracy(r.Workbook)} | {Gap(r.WorkbookGap)} | {Values(r.Workbook)} | {Compression(r.Workbook)} |");
        text.AppendLine();
        text.AppendLine("| claim | paper | workbook | agreement |");
        text.AppendLine("|---|---|---|---|");
        foreach (var c in panel.Claims)
            text.AppendLine(C, $"| {c.Claim.Statement} | {c.Paper.Describe()} | {c.Workbook.Describe()} | {Names.Label(c.Agreement)} |");
        text.AppendLine();
    }

    private static int Count(IEnumerable<ClaimResult> claims, Agreement agreement) => claims.Count(c => c.Agreement == agreement);

    /// <summary>"89.43" (the paper's value), "82.82 ± 0.08 (n = 3)", "84.53 (n = 1)": never an sd of one seed.</summary>
    private static string Accuracy(PanelPoint? p)
    {
        if (p is null) return "";
        var a = p.Accuracy;
        if (a.ReadError > 0) return Points(a.Mean);
        var same = p.SameAs is null ? "" : $", = {p.SameAs}";
        return a.Sd is { } sd
            ? string.Create(C, $"{Points(a.Mean)} ± {Points(sd)} (n = {a.N}{same})")
            : string.Create(C, $"{Points(a.Mean)} (n = {a.N}{same})");
    }

    private static string Gap(double? gap) => gap is { } g ? (100 * g).ToString("+0.00;-0.00;0.00", C) : "";

    private static string Values(PanelPoint? p) => p?.StoredValues is { } v && p.Method != CompressionMethod.Dense ? v.ToString("N0", C) : "";

    private static string Compression(PanelPoint? p) => p?.Compression is not { } c ? ""
        : p.AtPlotEdge ? string.Create(C, $"≤ {CompressionComparison.Percent(c)} (plot edge)")
        : c.ToString("P2", C);

    private static string Points(double fraction) => (100 * fraction).ToString("0.00", C);
}
