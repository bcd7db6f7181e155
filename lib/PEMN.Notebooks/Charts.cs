using PEMN.Analysis;
using PEMN.Sweeps;
using Plotly.NET;

namespace PEMN.Notebooks;

/// <summary>
/// The charts the notebooks share, so that a notebook cell is one call: the strategy ladder with error bars and each
/// rung's unique values on the x labels, ladders of several models side by side, gaps to Dense, unique values on a log
/// axis, a masked layer as heat maps, fractions kept and mask overlaps against chance. Every chart is a
/// <see cref="Figures"/>: fixed size, no toolbar, ready for <see cref="Figures.Save"/>. This file holds the ladder charts;
/// the others are in Charts.*.cs, one file per subject.
/// </summary>
public static partial class Charts
{
    private const string SeedColor = "rgba(60,60,60,0.45)";

    /// <summary>
    /// One ladder: mean best test accuracy per rung with ±sd error bars, each seed as a grey dot, the rung's unique values
    /// under its label. A rung that builds the same network as the one before it is drawn once ("RP 1e-4 = 1e-5").
    /// </summary>
    public static GenericChart Ladder(NamedLadder ladder, string? title = null)
    {
        var points = LadderPoints(ladder);
        var traces = new List<Trace>
        {
            MeanTrace(ladder, points, "x", Figures.Palette[0], showLegend: true),
            SeedTrace(ladder, points, "x", showLegend: true),
        };
        var seeds = ladder.Seeds.Count;
        var layout = new Dictionary<string, object>
        {
            ["title"] = new { text = title ?? $"Strategy ladder{(ladder.Model.Length == 0 ? "" : ", " + ladder.Model)}: best test accuracy, mean ± sd over {seeds} seed(s)" },
            ["xaxis"] = Figures.Axis("rung, and the unique random values its network stores", RungAxis(points, compact: false)),
            ["yaxis"] = Figures.Axis("best test accuracy, %"),
            ["legend"] = new { orientation = "h", x = 1, xanchor = "right", y = 1.02, yanchor = "bottom" },
            ["margin"] = new { l = 70, r = 30, t = 70, b = 100 },
        };
        return Figures.Chart(traces, layout);
    }

    /// <summary><see cref="Ladder(NamedLadder, string?)"/> of unnamed results.</summary>
    public static GenericChart Ladder(IReadOnlyList<LadderResult> results, string? title = null) => Ladder(new NamedLadder("", results), title);

    /// <summary>
    /// Ladders of several models side by side, one panel each on a shared accuracy axis, every panel with its own rungs'
    /// unique values under the labels (the models store different numbers of values at the same rung).
    /// </summary>
    /// <exception cref="ArgumentException">No ladders.</exception>
    public static GenericChart Ladders(IReadOnlyList<NamedLadder> ladders, string? title = null)
    {
        if (ladders.Count == 0) throw new ArgumentException("ladders is empty; allowed: one or more ladders.", nameof(ladders));
        var traces = new List<Trace>();
        var layout = new Dictionary<string, object>
        {
            ["title"] = new { text = title ?? "Strategy ladders side by side: best test accuracy, mean ± sd over seeds" },
            ["yaxis"] = Figures.Axis("best test accuracy, %"),
            ["showlegend"] = false,
            ["margin"] = new { l = 70, r = 20, t = 90, b = ladders.Count > 2 ? 140 : 110 },
        };
        var annotations = new List<object>();
        const double gap = 0.04;
        for (var i = 0; i < ladders.Count; i++)
        {
            var axis = i == 0 ? "x" : $"x{i + 1}";
            var points = LadderPoints(ladders[i]);
            traces.Add(MeanTrace(ladders[i], points, axis, Figures.Palette[i % Figures.Palette.Count], showLegend: false));
            traces.Add(SeedTrace(ladders[i], points, axis, showLegend: false));
            var domain = new[] { i / (double)ladders.Count + (i == 0 ? 0 : gap / 2), (i + 1) / (double)ladders.Count - (i == ladders.Count - 1 ? 0 : gap / 2) };
            var axisAttributes = RungAxis(points, compact: true);
            axisAttributes["domain"] = domain;
            axisAttributes["anchor"] = "y";
            // Three panels in 1000 px leave about 30 px per rung: steeper, smaller labels do not overlap.
            axisAttributes["tickfont"] = new { size = ladders.Count > 2 ? 9 : 11 };
            axisAttributes["tickangle"] = ladders.Count > 2 ? -55 : 0;
            layout[i == 0 ? "xaxis" : $"xaxis{i + 1}"] = Figures.Axis(null, axisAttributes);
            annotations.Add(new
            {
                text = $"<b>{ladders[i].Model}</b> ({ladders[i].Seeds.Count} seed(s))",
                x = (domain[0] + domain[1]) / 2, xref = "paper", y = 1.0, yref = "paper", yanchor = "bottom", showarrow = false,
                font = new { size = 13 },
            });
        }
        annotations.Add(new
        {
            text = "under each rung: the unique random values it stores",
            x = 0.5, xref = "paper", y = ladders.Count > 2 ? -0.3 : -0.2, yref = "paper", yanchor = "top", showarrow = false, font = new { size = 12, color = "#555" },
        });
        layout["annotations"] = annotations;
        return Figures.Chart(traces, layout, height: 560);
    }

    /// <summary>
    /// Gaps to Dense (<see cref="LadderComparison.GapsToDense"/>) as grouped bars: per rung one bar per model, 0 = as good
    /// as Dense; a model with several seeds carries its seed sd as an error bar.
    /// </summary>
    public static GenericChart Gaps(IReadOnlyList<LadderGap> gaps, string? title = null)
    {
        var labels = gaps.Select(g => g.Label).Distinct().ToArray();
        var traces = gaps.GroupBy(g => g.Model).Select((model, i) =>
        {
            var byLabel = model.ToDictionary(g => g.Label);
            var rows = labels.Select(l => byLabel.GetValueOrDefault(l)).ToArray();
            return Figures.Trace("bar", new
            {
                x = labels,
                y = rows.Select(g => g is null ? (double?)null : 100 * g.Gap).ToArray(),
                error_y = new { type = "data", array = rows.Select(g => g is null ? 0 : 100 * g.SeedSd).ToArray(), visible = rows.Any(g => g?.SeedSd > 0) },
                name = model.Key,
                marker = new { color = Figures.Palette[i % Figures.Palette.Count] },
                text = rows.Select(g => g is null ? "" : g.SameAs is null ? Numbers.SignedPoints(g.Gap) : $"= {g.SameAs}").ToArray(),
                // Inside the bar's middle when it fits (the error bar sits at its end), outside a short bar.
                textposition = "auto",
                insidetextanchor = "middle",
                hovertext = rows.Select(g => g is null ? "" :
                    $"{g.Model}, {g.Label}: {Numbers.Points(g.Mean)} vs Dense {Numbers.Points(g.DenseMean)} ({g.Seeds} seed(s)), {Numbers.Count(g.UniqueValues)} unique values").ToArray(),
                hoverinfo = "text",
            });
        }).ToList();
        var seeds = gaps.Count == 0 ? 0 : gaps[0].Seeds;
        var layout = new Dictionary<string, object>
        {
            ["title"] = new { text = title ?? $"Gap to Dense per model (accuracy points, {seeds} common seed(s)): closer to 0 = closer to Dense" },
            ["barmode"] = "group",
            ["xaxis"] = Figures.Axis("rung", new { type = "category" }),
            ["yaxis"] = Figures.Axis("best test accuracy minus Dense, points", new { zeroline = true, zerolinecolor = "#444", zerolinewidth = 1.5 }),
            ["legend"] = new { orientation = "h", x = 0, y = -0.15 },
        };
        return Figures.Chart(traces, layout);
    }

    /// <summary>
    /// Unique random values per rung on a log axis, one line per model (from <see cref="LadderStorage.Measure"/>), with each
    /// model's mask entries (one bit each) as a dashed line: where the values stop mattering next to the masks. Dense
    /// (trained values, not random ones) is left out.
    /// </summary>
    public static GenericChart UniqueValues(IReadOnlyList<ModelStorage> models, string? title = null)
    {
        var labels = models.SelectMany(m => m.Reports.Where(r => r.MaskedWeights > 0).Select(r => r.Scheme)).Distinct().ToArray();
        var traces = new List<Trace>();
        for (var i = 0; i < models.Count; i++)
        {
            var reports = models[i].Reports.Where(r => r.MaskedWeights > 0).ToList();
            var color = Figures.Palette[i % Figures.Palette.Count];
            traces.Add(Figures.Trace("scatter", new
            {
                x = reports.Select(r => r.Scheme).ToArray(),
                y = reports.Select(r => (double)r.UniqueValues).ToArray(),
                mode = "lines+markers+text",
                name = $"{models[i].Model}: unique values",
                text = reports.Select(r => Numbers.Count(r.UniqueValues)).ToArray(),
                textposition = i % 2 == 0 ? "top right" : "bottom left",
                textfont = new { size = 11, color },
                line = new { color, width = 2 },
                marker = new { size = 8 },
                hovertext = reports.Select(r => $"{models[i].Model}, {r.Scheme}: {Numbers.Count(r.UniqueValues)} unique values, compression {Numbers.Percent(r.CompressionRatio, 1)}").ToArray(),
                hoverinfo = "text",
            }));
            traces.Add(Figures.Trace("scatter", new
            {
                x = reports.Select(r => r.Scheme).ToArray(),
                y = reports.Select(r => (double)r.MaskedWeights).ToArray(),
                mode = "lines",
                name = $"{models[i].Model}: mask entries ({Numbers.Count(reports[0].MaskedWeights)}, 1 bit each)",
                line = new { color, width = 1.5, dash = "dash" },
                hoverinfo = "name",
            }));
        }
        var layout = new Dictionary<string, object>
        {
            ["title"] = new { text = title ?? "Unique random values each strategy stores (log scale), beside the mask entries" },
            ["xaxis"] = Figures.Axis("strategy", new { type = "category", categoryorder = "array", categoryarray = labels }),
            ["yaxis"] = Figures.Axis("values (log scale)", new { type = "log", dtick = 1, exponentformat = "power" }),
            ["legend"] = new { orientation = "h", x = 0, y = -0.18 },
            ["margin"] = new { l = 70, r = 30, t = 60, b = 130 },
        };
        return Figures.Chart(traces, layout);
    }

    /// <summary>A rung as drawn: its label, the rungs that build the same network (drawn with it) and its numbers.</summary>
    private sealed record LadderPoint(string Label, LadderSummary Row, IReadOnlyList<string> Twins, bool IsLast)
    {
        /// <summary>"RP 1e-4 = 1e-5"; compact, a twin run to the ladder's end: "RP ≤1e-3".</summary>
        public string Name(bool compact) => Twins.Count == 0 ? Label
            : compact && IsLast ? $"{Label[..(Label.IndexOf(' ') + 1)]}≤{Label[(Label.IndexOf(' ') + 1)..]}"
            : string.Join(compact ? "=" : " = ", Twins.Prepend(Label).Select((t, i) => i == 0 ? t : WithoutCommonPrefix(Label, t)));

        public string Tick(bool compact) => Row.UniqueValues == 0
            ? $"{Name(compact)}<br>trained"
            : $"{Name(compact)}<br>{Numbers.Count(Row.UniqueValues)}{(compact ? "" : Row.UniqueValues == 1 ? " value" : " values")}";
    }

    /// <summary>The rungs to draw: a rung with the same network as an earlier one is drawn with that rung, not again.</summary>
    private static List<LadderPoint> LadderPoints(NamedLadder ladder)
    {
        var rows = ladder.Summary;
        var points = new List<LadderPoint>();
        for (var i = 0; i < rows.Count; i++)
        {
            var same = rows[i].SameAs is null ? -1 : points.FindIndex(p => p.Row.Label == rows[i].SameAs);
            if (same < 0) points.Add(new LadderPoint(rows[i].Label, rows[i], [], false));
            else points[same] = points[same] with { Twins = [.. points[same].Twins, rows[i].Label], IsLast = i == rows.Count - 1 };
        }
        return points;
    }

    private static string WithoutCommonPrefix(string first, string second)
    {
        var space = first.IndexOf(' ');
        return space > 0 && second.StartsWith(first[..(space + 1)], StringComparison.Ordinal) ? second[(space + 1)..] : second;
    }

    private static Trace MeanTrace(NamedLadder ladder, IReadOnlyList<LadderPoint> points, string axis, string color, bool showLegend) =>
        Figures.Trace("scatter", new
        {
            x = points.Select((_, i) => (double)i).ToArray(),
            y = points.Select(p => 100 * p.Row.Mean).ToArray(),
            error_y = new { type = "data", array = points.Select(p => 100 * p.Row.Sd).ToArray(), visible = true, thickness = 1.5, width = 6 },
            mode = "lines+markers",
            name = ladder.Seeds.Count > 1 ? "mean ± sd over seeds" : "accuracy (one seed)",
            showlegend = showLegend,
            xaxis = axis,
            yaxis = "y",
            line = new { color, width = 2 },
            marker = new { size = 9, color },
            hovertext = points.Select(p => Hover(p.Row, ladder.Model)).ToArray(),
            hoverinfo = "text",
        });

    private static Trace SeedTrace(NamedLadder ladder, IReadOnlyList<LadderPoint> points, string axis, bool showLegend)
    {
        var seeds = points.SelectMany((p, i) => ladder.Results.Where(r => r.Label == p.Row.Label).Select(r => (Index: i, Point: p, Result: r))).ToList();
        return Figures.Trace("scatter", new
        {
            // Beside the mean, not on it: the error bar would hide them.
            x = seeds.Select(s => s.Index + SeedOffset).ToArray(),
            y = seeds.Select(s => 100 * s.Result.BestTestAccuracy).ToArray(),
            mode = "markers",
            name = "each seed",
            showlegend = showLegend,
            xaxis = axis,
            yaxis = "y",
            marker = new { size = 5, color = SeedColor, symbol = "circle-open" },
            hovertext = seeds.Select(s => $"{s.Point.Name(false)}, seed {s.Result.Seed}: {Numbers.Points(s.Result.BestTestAccuracy)} %").ToArray(),
            hoverinfo = "text",
        });
    }

    private static string Hover(LadderSummary row, string model) =>
        $"{(model.Length == 0 ? "" : model + ", ")}{row.Label}: {Numbers.Points(row.Mean)} ± {Numbers.Points(row.Sd)} % ({row.PerSeed.Count} seed(s)), " +
        $"{(row.UniqueValues == 0 ? "trained weights" : Numbers.Count(row.UniqueValues) + " unique values")}, compression {Numbers.Percent(row.CompressionRatio, 1)}";

    /// <summary>Rungs on a numeric axis (0, 1, ...) labelled by their ticks, so each seed's dot can sit beside its mean.</summary>
    private static Dictionary<string, object> RungAxis(IReadOnlyList<LadderPoint> points, bool compact) => new()
    {
        ["tickvals"] = points.Select((_, i) => i).ToArray(),
        ["ticktext"] = points.Select(p => p.Tick(compact)).ToArray(),
        ["range"] = new[] { -0.5, points.Count - 0.5 },
        ["showgrid"] = false,
    };

    private const double SeedOffset = 0.14;
}
