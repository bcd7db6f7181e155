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
