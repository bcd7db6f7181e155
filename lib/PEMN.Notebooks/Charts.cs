using System.Globalization;
using PEMN.Analysis;
using PEMN.Masking;
using PEMN.Runs;
using PEMN.Sweeps;
using Plotly.NET;

namespace PEMN.Notebooks;

/// <summary>A named set of mask overlaps, e.g. "One-layer: layers with the same values" or "seed 0 vs seed 1".</summary>
/// <param name="Name">The legend entry.</param>
/// <param name="Pairs">The overlaps (<see cref="MaskInspection.SharedValueOverlaps"/>, <see cref="MaskInspection.CompareLayers"/>).</param>
public sealed record NamedOverlaps(string Name, IReadOnlyList<MaskPairOverlap> Pairs);

/// <summary>
/// The charts the notebooks share, so that a notebook cell is one call: the strategy ladder with error bars and each
/// rung's unique values on the x labels, ladders of several models side by side, gaps to Dense, unique values on a log
/// axis, a masked layer as heat maps, fractions kept and mask overlaps against chance. Every chart is a
/// <see cref="Figures"/>: fixed size, no toolbar, ready for <see cref="Figures.Save"/>.
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
            ["margin"] = new { l = 70, r = 20, t = 90, b = 110 },
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
            axisAttributes["tickfont"] = new { size = ladders.Count > 2 ? 10 : 11 };
            axisAttributes["tickangle"] = ladders.Count > 2 ? -30 : 0;
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
            x = 0.5, xref = "paper", y = -0.2, yref = "paper", yanchor = "top", showarrow = false, font = new { size = 12, color = "#555" },
        });
        layout["annotations"] = annotations;
        return Figures.Chart(traces, layout, width: 1080, height: 560);
    }

    /// <summary>
    /// Ladders of several models on one axis of rungs, one line each with ±sd error bars (hover shows each model's
    /// unique values); a rung that repeats another rung's network is left out of its model's line.
    /// </summary>
    public static GenericChart LaddersOverlaid(IReadOnlyList<NamedLadder> ladders, string? title = null)
    {
        var labels = ladders.SelectMany(l => l.Summary.Select(r => r.Label)).Distinct().ToArray();
        var traces = ladders.Select((ladder, i) =>
        {
            var rows = ladder.Summary.ToDictionary(r => r.Label);
            var shown = labels.Select(label => rows.TryGetValue(label, out var r) && r.SameAs is null ? r : null).ToArray();
            // Each model a little apart, so that error bars of equal rungs do not hide each other.
            var offset = (i - (ladders.Count - 1) / 2.0) * 0.08;
            return Figures.Trace("scatter", new
            {
                x = labels.Select((_, j) => j + offset).ToArray(),
                y = shown.Select(r => r is null ? (double?)null : 100 * r.Mean).ToArray(),
                error_y = new { type = "data", array = shown.Select(r => r is null ? 0 : 100 * r.Sd).ToArray(), visible = true, thickness = 1.5, width = 5 },
                mode = "lines+markers",
                connectgaps = true,
                name = $"{ladder.Model} ({ladder.Seeds.Count} seed(s))",
                line = new { color = Figures.Palette[i % Figures.Palette.Count], width = 2 },
                marker = new { size = 8 },
                hovertext = shown.Select(r => r is null ? "" : Hover(r, ladder.Model)).ToArray(),
                hoverinfo = "text",
            });
        }).ToList();
        var layout = new Dictionary<string, object>
        {
            ["title"] = new { text = title ?? "Strategy ladders: best test accuracy, mean ± sd over seeds" },
            ["xaxis"] = Figures.Axis("rung", new
            {
                tickvals = labels.Select((_, j) => j).ToArray(), ticktext = labels, range = new[] { -0.5, labels.Length - 0.5 }, showgrid = false,
            }),
            ["yaxis"] = Figures.Axis("best test accuracy, %"),
            ["legend"] = new { orientation = "h", x = 0, y = -0.18 },
            ["margin"] = new { l = 70, r = 30, t = 60, b = 110 },
        };
        return Figures.Chart(traces, layout);
    }

    /// <summary>
    /// A compression panel (paper Fig. 4 and 5): best test accuracy against storage compression, a line per sparse baseline
    /// (hover: its q), the PEMN points labelled with the random values they store, and the dense network as a dashed
    /// horizontal line across the drawn compressions (<see cref="CompressionComparison.Series"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The panel has no points besides dense.</exception>
    public static GenericChart Compression(CompressionResult result, string? title = null)
    {
        var rows = result.Rows;
        var series = CompressionComparison.Series(rows);
        if (series.Count == 0) throw new ArgumentException($"Panel {result.Panel.Key} has no points besides dense; allowed: PEMN points or baselines.", nameof(result));
        var traces = series.Select((s, i) => s.Method == CompressionComparison.PemnMethod
            ? Figures.Trace("scatter", new
            {
                x = s.Compression, y = s.Accuracy, name = s.Method, mode = "markers+text", text = s.Labels,
                textposition = LabelSides(s.Compression, s.Accuracy),
                marker = new { size = 11, color = Figures.Palette[i % Figures.Palette.Count], symbol = "diamond" },
            })
            : Figures.Trace("scatter", new
            {
                x = s.Compression, y = s.Accuracy, name = s.Method, mode = "lines+markers", hovertext = s.Labels,
                line = new { color = Figures.Palette[i % Figures.Palette.Count], width = 2 }, marker = new { size = 7 },
            })).ToList();
        var x = series.SelectMany(s => s.Compression).ToList();
        if (CompressionComparison.DenseAccuracy(rows) is { } dense)
            traces.Add(Figures.Trace("scatter", new
            {
                x = new[] { x.Min(), x.Max() }, y = new[] { dense, dense }, name = CompressionComparison.DenseMethod, mode = "lines",
                line = new { color = "#555", width = 2, dash = "dash" },
            }));
        // Room beside the outermost points, so that their labels are not cut off.
        var room = Math.Max(1, 0.08 * (x.Max() - x.Min()));
        var layout = new Dictionary<string, object>
        {
            ["title"] = new { text = title ?? $"{result.Panel.Title}: best test accuracy against storage compression" },
            ["xaxis"] = Figures.Axis("storage compression of the conv and linear weights, %", new { range = new[] { x.Min() - room, x.Max() + room } }),
            ["yaxis"] = Figures.Axis("best test accuracy, %"),
            ["legend"] = new { orientation = "h", x = 0, y = -0.18 },
            ["margin"] = new { l = 70, r = 30, t = 60, b = 110 },
        };
        return Figures.Chart(traces, layout);
    }

    /// <summary>
    /// Where each point's label goes: above when the point is higher than its nearest neighbour along x, below when lower, so that
    /// two close points (RP 1e-2 and 1e-3 lie a tenth of a point apart in compression) put their labels on opposite sides.
    /// </summary>
    private static string[] LabelSides(IReadOnlyList<double> x, IReadOnlyList<double> y) =>
        Enumerable.Range(0, x.Count).Select(i =>
        {
            var nearest = Enumerable.Range(0, x.Count).Where(j => j != i).OrderBy(j => Math.Abs(x[j] - x[i])).Cast<int?>().FirstOrDefault();
            return nearest is { } j && y[i] < y[j] ? "bottom center" : "top center";
        }).ToArray();

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
            // Two short lines each: a third of 1080 px holds about 45 characters of the 12 px font.
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
        return Figures.Chart(traces, layout, width: 1080, height: 460);
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
        return Figures.Chart(traces, layout, width: 1080, height: 600);
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
