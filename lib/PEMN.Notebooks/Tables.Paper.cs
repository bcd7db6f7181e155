using PEMN.Analysis;
using PEMN.Runtime;

namespace PEMN.Notebooks;

public static partial class Tables
{
    /// <summary>The paper's claims about one panel (<see cref="PaperComparison"/>): both verdicts, with the difference each read, and whether they agree.</summary>
    public static HtmlTable Claims(PanelComparison comparison)
    {
        var table = new HtmlTable($"{comparison.Panel.Title}: the paper's claims, judged on the paper's numbers and on the workbook's")
            .Column("claim").Column("paper").Column("workbook").Column("agreement");
        foreach (var c in comparison.Claims)
            table.Row(c.Claim.Statement, Verdict(c.Paper), Verdict(c.Workbook), Names.Label(c.Agreement));
        table.Note(comparison.Workbook is null ? "The workbook has no counterpart of this panel at this scale." : $"Workbook: {comparison.Workbook}.");
        return table;
    }

    /// <summary>
    /// One panel side by side (<see cref="PaperComparison"/>): per rung or baseline point the paper's accuracy, gap to its
    /// Dense and stored values, then the workbook's mean ± sd (n), gap and stored values. The models differ, so the gaps are
    /// what compares; a one-seed mean shows no sd.
    /// </summary>
    public static HtmlTable Beside(PanelComparison comparison)
    {
        var table = new HtmlTable($"{comparison.Panel.Title} beside the workbook: best test accuracy, %")
            .Column("point").Column("paper", Align.Right).Column("paper gap", Align.Right).Column("paper values", Align.Right)
            .Column("workbook (mean ± sd, n)", Align.Right).Column("workbook gap", Align.Right).Column("workbook values", Align.Right);
        foreach (var r in comparison.Rows)
            table.Row(r.Label,
                r.Paper is { } p ? Numbers.Points(p.Accuracy.Mean) : "",
                r.PaperGap is { } pg ? Numbers.SignedPoints(pg, 2) : "",
                r.Paper?.StoredValues is { } pv ? Numbers.Count(pv) : "",
                r.Workbook is { } w ? Reading(w.Accuracy) : "",
                r.WorkbookGap is { } wg ? Numbers.SignedPoints(wg, 2) : "",
                r.Workbook?.StoredValues is { } wv ? Numbers.Count(wv) : "");
        table.Note(comparison.Workbook is null ? "The workbook has no counterpart of this panel at this scale." : $"Workbook: {comparison.Workbook}. " +
            "Gaps in accuracy points against each side's own Dense; values: the unique random values (or kept weights) the point stores.");
        return table;
    }

    private static string Reading(Analysis.Reading r) =>
        r.Sd is { } sd ? $"{Numbers.Points(r.Mean)} ± {Numbers.Points(sd)} (n = {r.N})" : $"{Numbers.Points(r.Mean)} (n = {r.N})";

    /// <summary>"holds (-4.58 ± 0.10)", "holds (+2.70, n = 1)": a one-seed difference has no noise to show.</summary>
    private static string Verdict(ClaimSide side)
    {
        var verdict = Names.Label(side.Verdict);
        if (side.Contrast is not { } d) return verdict;
        var noise = d.Noise > 0 ? $" ± {Numbers.Points(d.Noise)}" : "";
        var seeds = side.Seeds is { } n ? $", n = {n}" : "";
        return $"{verdict} ({Numbers.SignedPoints(d.Value, 2)}{noise}{seeds})";
    }
}
