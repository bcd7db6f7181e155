using System.Globalization;
using PEMN.Masking;
using PEMN.Runs;
using Plotly.NET;

namespace PEMN.Notebooks;

/// <summary>The charts of masks (notebook 03): a masked layer up close, the fraction each layer keeps, mask overlaps against chance.</summary>
public static partial class Charts
{
    /// <summary>
    /// A masked layer up close (<see cref="MaskInspection.View(TorchSharp.torch.nn.Module, string, int, int)"/>): its
    /// frozen random values, the |scores| and the mask they select, as three heat maps of the same block (row = output channel).
    /// </summary>
    /// <param name="view">The layer.</param>
    /// <param name="title">The title (default: the layer, k, fraction kept and threshold).</param>
    /// <param name="scoresTrained">False when the network came from a packed file (<see cref="TrainedRun.HasTrainedScores"/>):
    /// its scores are the mask, and the middle panel says so.</param>
    public static GenericChart LayerView(LayerMaskView view, string? title = null, bool scoresTrained = true)
    {
        var panels = new (string Title, float[][] Z, object Colorscale, double? Mid)[]
        {
            // Two short lines each: a third of 1000 px holds about 40 characters of the 12 px font.
            ("frozen random values<br>(red +, blue −)", view.Weights, "RdBu", 0),
            (scoresTrained ? "|scores|: learned<br>(brighter = larger)" : "|scores|: not in a packed file<br>(shown: the mask)", view.ScoreMagnitudes, "Viridis", null),
            ("mask: top-k of |scores|<br>(black = kept)", view.Mask, new object[] { new object[] { 0, "#ffffff" }, new object[] { 1, "#111111" } }, null),
        };
        var traces = new List<Trace>();
        var layout = new Dictionary<string, object>
        {
            ["title"] = new
            {
                text = title ?? $"{view.Path} {Numbers.Shape(view.Shape)}: k = {Numbers.Short(view.KeepFraction)}, kept {Numbers.Percent(view.FractionKept, 1)}, " +
                    $"threshold |score| ≥ {Numbers.Short(view.Threshold)} (first {view.Rows} x {view.Columns} block)",
            },
            ["margin"] = new { l = 60, r = 20, t = 110, b = 60 },
        };
        var annotations = new List<object>();
        const double gap = 0.05;
        for (var i = 0; i < panels.Length; i++)
        {
            var suffix = i == 0 ? "" : (i + 1).ToString(CultureInfo.InvariantCulture);
            var domain = new[] { i / 3.0 + (i == 0 ? 0 : gap / 2), (i + 1) / 3.0 - (i == 2 ? 0 : gap / 2) };
            var attributes = new Dictionary<string, object>
            {
                ["z"] = panels[i].Z, ["colorscale"] = panels[i].Colorscale, ["showscale"] = false,
                ["xaxis"] = "x" + suffix, ["yaxis"] = "y" + suffix, ["hoverongaps"] = false,
                ["hovertemplate"] = "row %{y}, column %{x}: %{z}<extra></extra>",
            };
            if (panels[i].Mid is { } mid) attributes["zmid"] = mid;
            if (i == 2) { attributes["zmin"] = 0; attributes["zmax"] = 1; }
            traces.Add(Figures.Trace("heatmap", attributes));
            layout["xaxis" + suffix] = Figures.Axis(i == 1 ? "column (in-channel x kernel position)" : null,
                new { domain, anchor = "y" + suffix, showgrid = false });
            layout["yaxis" + suffix] = Figures.Axis(i == 0 ? "row (output channel)" : null,
                new { anchor = "x" + suffix, autorange = "reversed", showgrid = false });
            annotations.Add(new
            {
                text = panels[i].Title, x = (domain[0] + domain[1]) / 2, xref = "paper", y = 1.0, yref = "paper", yanchor = "bottom",
                showarrow = false, font = new { size = 12 },
            });
        }
        layout["annotations"] = annotations;
        return Figures.Chart(traces, layout, height: 460);
    }

    /// <summary>
    /// The fraction each masked layer keeps, as bars, with k as a dashed line (the mask is per layer, not global), and the
    /// |score| threshold that makes it on a second axis.
    /// </summary>
    public static GenericChart FractionsKept(IReadOnlyList<LayerMaskSummary> layers, string? title = null)
    {
        var paths = layers.Select(l => l.Path).ToArray();
        var traces = new List<Trace>
        {
            Figures.Trace("bar", new
            {
                x = paths,
                y = layers.Select(l => 100 * l.FractionKept).ToArray(),
                name = "kept by the mask",
                marker = new { color = Figures.Palette[0] },
                hovertext = layers.Select(l => $"{l.Path} {Numbers.Shape(l.Shape)}: {Numbers.Percent(l.FractionKept, 2)} of {Numbers.Count(l.Weights)} kept, threshold |score| {Numbers.Short(l.Threshold)}").ToArray(),
                hoverinfo = "text",
            }),
            Figures.Trace("scatter", new
            {
                x = paths,
                y = layers.Select(l => 100 * l.KeepFraction).ToArray(),
                mode = "lines",
                name = "k",
                line = new { color = "#d62728", dash = "dash", width = 2 },
            }),
            Figures.Trace("scatter", new
            {
                x = paths,
                y = layers.Select(l => l.Threshold).ToArray(),
                yaxis = "y2",
                mode = "markers",
                name = "threshold |score| (right axis)",
                marker = new { color = "#2ca02c", size = 11, symbol = "diamond" },
            }),
        };
        var layout = new Dictionary<string, object>
        {
            ["title"] = new { text = title ?? "Each layer keeps k of its weights, each at its own |score| threshold" },
            ["xaxis"] = Figures.Axis("masked layer", new { type = "category", tickangle = -35 }),
            ["yaxis"] = Figures.Axis("kept, %", new { range = new[] { 0, 100 } }),
            ["yaxis2"] = Figures.Axis("threshold |score|", new { overlaying = "y", side = "right", showgrid = false, rangemode = "tozero" }),
            ["legend"] = new { orientation = "h", x = 1, xanchor = "right", y = 1.02, yanchor = "bottom" },
            ["margin"] = new { l = 70, r = 70, t = 70, b = 150 },
        };
        return Figures.Chart(traces, layout);
    }

    /// <summary>
    /// Mask overlaps as dots (the share of A's kept weights that B keeps too), one colour per set, each set's chance level
    /// (two independent random masks: k) as a dashed line: dots on the line mean "no more alike than chance".
    /// </summary>
    public static GenericChart Overlaps(IReadOnlyList<NamedOverlaps> sets, string? title = null)
    {
        var traces = new List<Trace>();
        for (var i = 0; i < sets.Count; i++)
        {
            var color = Figures.Palette[i % Figures.Palette.Count];
            // The same layer can be in several sets: a set's labels carry an invisible suffix of their own so bars stay apart.
            var labels = sets[i].Pairs.Select(p => PairLabel(p) + new string('\u200b', i)).ToArray();
            traces.Add(Figures.Trace("scatter", new
            {
                x = labels,
                y = sets[i].Pairs.Select(p => 100 * p.Overlap.SharedKept).ToArray(),
                mode = "markers",
                name = sets[i].Name,
                marker = new { color, size = 10 },
                hovertext = sets[i].Pairs.Select(p =>
                    $"{p.PathA} vs {p.PathB}: shared kept {Numbers.Percent(p.Overlap.SharedKept, 1)} (chance {Numbers.Percent(p.Chance.SharedKept, 1)}), " +
                    $"Jaccard {Numbers.Fixed(p.Overlap.Jaccard, 3)} (chance {Numbers.Fixed(p.Chance.Jaccard, 3)})").ToArray(),
                hoverinfo = "text",
            }));
            traces.Add(Figures.Trace("scatter", new
            {
                x = labels,
                y = sets[i].Pairs.Select(p => 100 * p.Chance.SharedKept).ToArray(),
                mode = "lines",
                name = i == 0 ? "chance (two independent random masks)" : null,
                showlegend = i == 0,
                line = new { color = "#333", dash = "dash", width = 1.5 },
                hoverinfo = "skip",
            }));
        }
        var layout = new Dictionary<string, object>
        {
            ["title"] = new { text = title ?? "How alike are masks? Share of A's kept weights that B keeps too, against chance", y = 0.97 },
            ["xaxis"] = Figures.Axis(null, new { type = "category", tickangle = -40, tickfont = new { size = 10 } }),
            // Dots, not bars: the axis is zoomed on chance, and a bar would start from an arbitrary baseline.
            ["yaxis"] = Figures.Axis("shared kept, %", new { range = OverlapRange(sets) }),
            ["legend"] = new { orientation = "h", x = 0, xanchor = "left", y = 1.01, yanchor = "bottom" },
            ["margin"] = new { l = 70, r = 30, t = 110, b = 150 },
        };
        return Figures.Chart(traces, layout, height: 600);
    }

    /// <summary>The shared-kept axis: every point and chance level with 5 points to spare, within [0, 100].</summary>
    private static double[] OverlapRange(IReadOnlyList<NamedOverlaps> sets)
    {
        var values = sets.SelectMany(s => s.Pairs.SelectMany(p => new[] { p.Overlap.SharedKept, p.Chance.SharedKept })).Select(v => 100 * v).ToList();
        return values.Count == 0 ? [0, 100] : [Math.Max(0, Math.Floor(values.Min() - 5)), Math.Min(100, Math.Ceiling(values.Max() + 5))];
    }

    /// <summary>"blocks.{0↔2}.pointwise" for two paths that differ in one part; the path itself for the same layer.</summary>
    public static string PairLabel(MaskPairOverlap pair)
    {
        if (pair.PathA == pair.PathB) return pair.PathA;
        var a = pair.PathA.Split('.');
        var b = pair.PathB.Split('.');
        if (a.Length != b.Length) return $"{pair.PathA} ↔ {pair.PathB}";
        return string.Join('.', a.Zip(b).Select(p => p.First == p.Second ? p.First : $"{{{p.First}↔{p.Second}}}"));
    }
}
