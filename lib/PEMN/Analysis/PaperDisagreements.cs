using PEMN.Runtime;

namespace PEMN.Analysis;

/// <summary>
/// Where the paper and the workbook part ways on a panel, in words (<see cref="PaperComparison"/>): every claim they decide
/// opposite ways, with the reason where the comparison measured one (the workbook's point keeps far fewer unique values, or
/// rests on one seed) and "no reason was measured" otherwise; then the claims the paper decides and the workbook's seeds
/// leave within noise, each with both differences; then the claims the workbook has no data for. Said, not hidden.
/// </summary>
public static class PaperDisagreements
{
    /// <summary>How many times fewer unique values the workbook's point must keep than the paper's to be named as a reason.</summary>
    public const double FewerValuesFactor = 10;

    /// <summary>The sentences of <paramref name="comparison"/>; one sentence saying so when the two sides agree on everything both decide.</summary>
    public static IReadOnlyList<string> Of(PanelComparison comparison)
    {
        var lines = new List<string>();
        foreach (var c in comparison.Claims.Where(c => c.Agreement == Agreement.Disagree))
            lines.Add($"Disagree: {c.Claim.Statement}: the paper {c.Paper.Describe()}, the workbook {c.Workbook.Describe()}. {Reason(comparison, c)}");
        var open = comparison.Claims.Where(c => Decided(c.Paper) && c.Workbook.Verdict == ClaimVerdict.WithinNoise).ToList();
        if (open.Count > 0)
            lines.Add($"Within the workbook's seed noise, though the paper decides them: " +
                string.Join("; ", open.Select(c => $"{c.Claim.Statement} (paper {c.Paper.Describe()}; workbook {c.Workbook.Describe()})")) + ".");
        var missing = comparison.Claims.Where(c => c.Workbook.Verdict == ClaimVerdict.NoData).ToList();
        if (missing.Count > 0)
            lines.Add(comparison.Workbook is null
                ? "The workbook has no counterpart of this panel at this scale."
                : $"No workbook data for: {string.Join("; ", missing.Select(c => $"{c.Claim.Statement} ({c.Workbook.Basis ?? "no data"})"))}.");
        if (lines.Count == 0) lines.Add("No disagreement: every claim both sides decide, they decide the same way.");
        return lines;
    }

    private static bool Decided(ClaimSide side) => side.Verdict is ClaimVerdict.Holds or ClaimVerdict.DoesNotHold;

    private static string Reason(PanelComparison comparison, ClaimResult claim)
    {
        if (claim.Workbook.Seeds == 1) return "The workbook's side rests on one seed, so its spread is not known.";
        var row = comparison.Rows.FirstOrDefault(r => r.Strategy == claim.Claim.Subject && r.Target is null);
        if (row is { Paper.StoredValues: { } paper, Workbook.StoredValues: { } mine } && mine > 0 && paper >= FewerValuesFactor * mine)
            return $"Measured reason: the workbook's {row.Label} keeps {mine:N0} unique values where the paper's keeps {paper:N0}, " +
                $"{(double)paper / mine:0}x closer to the few-values end, where the few-values study (notebook 04) measured single seeds moving a rung by points.";
        return "No reason was measured.";
    }
}
