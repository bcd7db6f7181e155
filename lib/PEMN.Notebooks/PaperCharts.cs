using PEMN.Analysis;
using PEMN.Runtime;
using PEMN.Strategies;
using Plotly.NET;

namespace PEMN.Notebooks;

/// <summary>
/// The paper beside the workbook (<see cref="PaperComparison"/>) as charts. The two sides' models differ, so what is drawn
/// side by side is each point's gap to its own side's Dense, never the two accuracies on one axis.
/// </summary>
public static class PaperCharts
{
    /// <summary>
    /// One panel: per point (rung, or baseline at a target) a bar of the paper's gap to its Dense and one of the workbook's,
    /// the workbook's with ±2 standard errors of its seeds as error bars where it has more than one seed (one seed: no bar).
    /// </summary>
    /// <exception cref="ArgumentException">The panel has no point besides Dense on either side.</exception>
    public static GenericChart Gaps(PanelComparison comparison, string? title = null)
    {
        var rows = comparison.Rows.Where(r => r.Method != CompressionMethod.Dense).ToList();
        if (rows.Count == 0 || rows.All(r => r.PaperGap is null && r.WorkbookGap is null))
            throw new ArgumentException($"Panel {comparison.Panel.Title} has no point besides Dense; allowed: a panel with rungs or baselines.", nameof(comparison));
        var labels = rows.Select(r => r.Label).ToArray();
        var traces = new List<Trace>
        {
            Figures.Trace("bar", new
            {
                x = labels,
                y = rows.Select(r => r.PaperGap is { } g ? 100 * g : (double?)null).ToArray(),
                name = "paper (its Dense)",
                marker = new { color = Figures.Palette[0] },
                hovertext = rows.Select(r => r.Paper is { } p ? $"paper {r.Label}: {Numbers.Points(p.Accuracy.Mean)} %, gap {Gap(r.PaperGap)}" : "").ToArray(),
                hoverinfo = "text",
            }),
            Figures.Trace("bar", new
            {
                x = labels,
                y = rows.Select(r => r.WorkbookGap is { } g ? 100 * g : (double?)null).ToArray(),
                error_y = new
                {
                    type = "data",
                    array = rows.Select(r => r.Workbook?.Accuracy is { } a ? 200 * Math.Sqrt(a.MeanVariance) : 0).ToArray(),
                    visible = rows.Any(r => r.Workbook?.Accuracy.Sd is not null),
                },
                name = comparison.Workbook is null ? "workbook (none)" : "workbook (its Dense)",
                marker = new { color = Figures.Palette[1] },
                hovertext = rows.Select(r => r.Workbook is { } w
                    ? $"workbook {r.Label}: {Numbers.Points(w.Accuracy.Mean)} % (n = {w.Accuracy.N}), gap {Gap(r.WorkbookGap)}" : "").ToArray(),
                hoverinfo = "text",
            }),
        };
        var layout = new Dictionary<string, object>
        {
            ["title"] = new { text = title ?? $"{comparison.Panel.Title} beside {comparison.Workbook ?? "nothing"}: gap to each side's Dense" },
            ["barmode"] = "group",
            ["xaxis"] = Figures.Axis("point", new { type = "category" }),
            ["yaxis"] = Figures.Axis("best test accuracy minus its side's Dense, points", new { zeroline = true, zerolinecolor = "#444", zerolinewidth = 1.5 }),
            ["legend"] = new { orientation = "h", x = 0, y = -0.2 },
            ["margin"] = new { l = 70, r = 30, t = 60, b = 120 },
        };
        return Figures.Chart(traces, layout);
    }

    private static string Gap(double? gap) => gap is { } g ? Numbers.SignedPoints(g, 2) : "";
}
