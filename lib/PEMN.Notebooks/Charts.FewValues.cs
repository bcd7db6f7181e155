using PEMN.Analysis;
using PEMN.Plans;
using PEMN.Sweeps;
using Plotly.NET;

namespace PEMN.Notebooks;

/// <summary>The few-values experiment's charts (notebook 04): accuracy against stored values over seeds, and against the value drawn.</summary>
public static partial class Charts
{
    /// <summary>
    /// Best test accuracy against stored values (log axis), one colour per series: every seed a dot, the mean over seeds a line with
    /// ±sd error bars. Series sit slightly apart on the axis so that their dots do not hide each other (hover gives the exact point).
    /// </summary>
    /// <param name="results">The runs (<see cref="FigurePlan.RunPoints"/>); a run that is another's network (SameAs) is drawn once.</param>
    /// <param name="series">The series to draw, in legend order.</param>
    /// <param name="title">The title.</param>
    /// <exception cref="ArgumentException">No run of any of <paramref name="series"/>.</exception>
    public static GenericChart FewValues(IReadOnlyList<PointResult> results, IReadOnlyList<string> series, string? title = null)
    {
        var traces = new List<Trace>();
        var ticks = new SortedSet<long>();
        for (var i = 0; i < series.Count; i++)
        {
            var runs = results.Where(r => r.Series == series[i] && r.SameAs is null).ToList();
            if (runs.Count == 0) continue;
            var color = Figures.Palette[i % Figures.Palette.Count];
            // A few percent apart on the log axis per series: beside each other, not on another value count.
            var dodge = Math.Pow(1.07, i - (series.Count - 1) / 2.0);
            var points = PointPlan.Summarize(runs).OrderBy(s => Analysis.FewValues.ValuesOf(s.Label)).ToList();
            foreach (var p in points) ticks.Add(Analysis.FewValues.ValuesOf(p.Label));
            traces.Add(Figures.Trace("scatter", new
            {
                x = runs.Select(r => Analysis.FewValues.ValuesOf(r.Label) * dodge).ToArray(),
                y = runs.Select(r => 100 * r.BestTestAccuracy).ToArray(),
                mode = "markers",
                name = $"{series[i]}: each seed",
                legendgroup = series[i],
                showlegend = false,
                marker = new { size = 6, color, opacity = 0.45 },
                hovertext = runs.Select(r => $"{series[i]}, {r.Label}, seed {r.Seed}: {Numbers.Percent(r.BestTestAccuracy)}").ToArray(),
                hoverinfo = "text",
            }));
            traces.Add(Figures.Trace("scatter", new
            {
                x = points.Select(p => Analysis.FewValues.ValuesOf(p.Label) * dodge).ToArray(),
                y = points.Select(p => 100 * p.Mean).ToArray(),
                error_y = new { type = "data", array = points.Select(p => 100 * p.Sd).ToArray(), visible = true, color, thickness = 1.5, width = 4 },
                mode = "lines+markers",
                name = series[i],
                legendgroup = series[i],
                line = new { color, width = 2 },
                marker = new { size = 8, color },
                hovertext = points.Select(p => $"{series[i]}, {p.Label}: {Numbers.Points(p.Mean)} ± {Numbers.Points(p.Sd)} % over {p.Seeds.Count} seed(s)").ToArray(),
                hoverinfo = "text",
            }));
        }
        if (traces.Count == 0)
            throw new ArgumentException($"No run of {string.Join(", ", series)}; allowed: series the results hold ({string.Join(", ", results.Select(r => r.Series).Distinct())}).", nameof(series));
        var layout = new Dictionary<string, object>
        {
            ["title"] = new { text = title ?? "Best test accuracy against stored values: mean ± sd over seeds, each seed a dot" },
            ["xaxis"] = Figures.Axis("stored random values (log scale)", new { type = "log", tickvals = ticks.Select(t => (double)t).ToArray(), ticktext = ticks.Select(Numbers.Count).ToArray() }),
            ["yaxis"] = Figures.Axis("best test accuracy, %"),
            ["legend"] = new { orientation = "h", x = 0, y = -0.2 },
            ["margin"] = new { l = 70, r = 30, t = 60, b = 120 },
        };
        return Figures.Chart(traces, layout);
    }

    /// <summary>
    /// The one-value runs of RP copy: best test accuracy against the value drawn (relative to the largest layer's Kaiming std),
    /// each seed labelled. With one value v every weight is v or 0: this shows whether v's sign or size decides the outcome.
    /// </summary>
    /// <exception cref="ArgumentException">No draw of one value.</exception>
    public static GenericChart OneValueDraws(IReadOnlyList<SeedDraw> draws, string? title = null)
    {
        var one = draws.Where(d => d.Drawn.Count == 1).ToList();
        if (one.Count == 0) throw new ArgumentException("draws has no run with one value; allowed: draws of RP copy at 1 value (FewValues.Draws).", nameof(draws));
        var traces = new[]
        {
            Figures.Trace("scatter", new
            {
                x = one.Select(d => d.Drawn.Listed[0]).ToArray(),
                y = one.Select(d => 100 * d.Run.BestTestAccuracy).ToArray(),
                mode = "markers+text",
                text = one.Select(d => $"seed {d.Run.Seed}").ToArray(),
                textposition = "top center",
                marker = new { size = 10, color = Figures.Palette[0] },
                hovertext = one.Select(d => $"seed {d.Run.Seed}: v / sigma = {d.Drawn.Listed[0]:+0.00;-0.00}, {Numbers.Percent(d.Run.BestTestAccuracy)}").ToArray(),
                hoverinfo = "text",
                name = "RP copy, 1 value",
            }),
        };
        var layout = new Dictionary<string, object>
        {
            ["title"] = new { text = title ?? "RP copy with one value: accuracy against the value drawn" },
            ["xaxis"] = Figures.Axis("the one stored value / Kaiming std of the largest layer", new { zeroline = true, zerolinecolor = "#999" }),
            ["yaxis"] = Figures.Axis("best test accuracy, %"),
            ["showlegend"] = false,
        };
        return Figures.Chart(traces, layout, height: 480);
    }
}
