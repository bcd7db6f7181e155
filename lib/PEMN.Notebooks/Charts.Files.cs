using PEMN.Analysis;
using PEMN.FileFormat;
using PEMN.Runtime;
using PEMN.Strategies;
using Plotly.NET;

namespace PEMN.Notebooks;

/// <summary>The charts of networks as files on disk (notebook 07): bytes per part, accuracy against bytes, mask bits against H(k).</summary>
public static partial class Charts
{
    /// <summary>Colour of the dense network, as in <see cref="Compression"/>.</summary>
    private const string DenseColor = "#555";

    /// <summary>The parts a file's bytes are spent on, in the order they are stacked, with their colours.</summary>
    private static readonly (string Name, Func<FilePoint, long> Bytes, string Color)[] FileParts =
    [
        ("values (C_w)", p => p.ValueBytes, Figures.Palette[0]),
        ("masks / positions (C_m)", p => p.MaskBytes, Figures.Palette[1]),
        ("other tensors (norms, statistics; dense weights)", p => p.TensorBytes, Figures.Palette[2]),
        ("overhead (container, config, names, descriptors)", p => p.OverheadBytes, "#bbbbbb"),
    ];

    /// <summary>
    /// Bytes on disk part by part: one stacked bar per file (values, masks or positions, other tensors, overhead) and, last, the
    /// dense network's float32 TorchSharp checkpoint as one bar (<see cref="FileTradeOff.DenseCheckpointBytes"/>).
    /// </summary>
    /// <exception cref="ArgumentException">No files.</exception>
    public static GenericChart FileBytes(IReadOnlyList<FilePoint> files, long denseCheckpointBytes, string? title = null)
    {
        if (files.Count == 0) throw new ArgumentException("files is empty; allowed: one or more packed networks.", nameof(files));
        var names = files.Select(f => $"{f.Series}, {f.Label}").Append("dense float32 checkpoint").ToArray();
        var traces = FileParts.Select(part => Figures.Trace("bar", new
        {
            y = names,
            x = files.Select(f => (double)part.Bytes(f)).Append(0).ToArray(),
            name = part.Name,
            orientation = "h",
            marker = new { color = part.Color },
            hovertext = files.Select(f => $"{f.Series}, {f.Label}: {part.Name} {Numbers.Count(part.Bytes(f))} bytes of {Numbers.Count(f.FileBytes)}").Append("").ToArray(),
            hoverinfo = "text",
        })).ToList();
        traces.Add(Figures.Trace("bar", new
        {
            y = names,
            x = files.Select(_ => 0.0).Append(denseCheckpointBytes).ToArray(),
            name = "dense float32 checkpoint (TorchSharp state_dict)",
            orientation = "h",
            marker = new { color = DenseColor },
            // The total at the end of each bar: the number the chart is about.
            text = files.Select(_ => "").Append($"{Numbers.Count(denseCheckpointBytes)} B").ToArray(),
            textposition = "outside",
        }));
        traces.Add(Figures.Trace("scatter", new
        {
            y = names.SkipLast(1).ToArray(),
            x = files.Select(f => (double)f.FileBytes).ToArray(),
            mode = "text",
            text = files.Select(f => $"  {Numbers.Count(f.FileBytes)} B").ToArray(),
            textposition = "middle right",
            showlegend = false,
            hoverinfo = "skip",
        }));
        var layout = new Dictionary<string, object>
        {
            ["title"] = new { text = title ?? "Bytes on disk, part by part, against the dense network's float32 checkpoint" },
            ["barmode"] = "stack",
            ["xaxis"] = Figures.Axis("bytes", new { range = new[] { 0, 1.15 * Math.Max(denseCheckpointBytes, files.Max(f => f.FileBytes)) } }),
            ["yaxis"] = Figures.Axis(null, new { autorange = "reversed", type = "category" }),
            ["legend"] = new { orientation = "h", x = 0, y = -0.2 },
            ["margin"] = new { l = 200, r = 30, t = 60, b = 120 },
        };
        return Figures.Chart(traces, layout);
    }

    /// <summary>
    /// Accuracy against bytes on disk (log axis): a line per PEMN series over k (each point labelled with its k), a line per
    /// sparse baseline over its compression targets (hover: q), and the dense network as a point with its accuracy as a dashed
    /// line across. Accuracy is the final test accuracy, what the files' networks score.
    /// </summary>
    /// <exception cref="ArgumentException">No points.</exception>
    public static GenericChart FileTradeOff(IReadOnlyList<FilePoint> points, string? title = null)
    {
        if (points.Count == 0) throw new ArgumentException("points is empty; allowed: packed networks with their accuracies.", nameof(points));
        var traces = new List<Trace>();
        var series = points.Where(p => !p.IsDense).GroupBy(p => p.Series).ToList();
        for (var i = 0; i < series.Count; i++)
        {
            // In order of k (q): a series is one strategy with less and less kept.
            var ordered = series[i].OrderBy(p => p.Keep).ToList();
            var pemn = ordered[0].IsPemn;
            traces.Add(Figures.Trace("scatter", new
            {
                x = ordered.Select(p => (double)p.FileBytes).ToArray(),
                y = ordered.Select(p => 100 * p.FinalTestAccuracy).ToArray(),
                name = pemn ? $"PEMN {series[i].Key} (k swept)" : $"sparse: {series[i].Key}",
                mode = pemn ? "lines+markers+text" : "lines+markers",
                text = ordered.Select(p => pemn ? Numbers.Short(p.Keep) : "").ToArray(),
                textposition = "top center",
                line = new { color = Figures.Palette[i % Figures.Palette.Count], width = 2, dash = pemn ? "solid" : "dot" },
                marker = new { size = pemn ? 9 : 7, symbol = pemn ? "diamond" : "circle" },
                hovertext = ordered.Select(p => $"{p.Series} {p.Label} ({(p.IsSparse ? "q" : "k")} = {Numbers.Short(p.Keep)}): {Numbers.Count(p.FileBytes)} bytes, " +
                    $"final {Numbers.Percent(p.FinalTestAccuracy)}, best {Numbers.Percent(p.BestTestAccuracy)}").ToArray(),
                hoverinfo = "text",
            }));
        }
        var x = points.Select(p => (double)p.FileBytes).ToList();
        if (points.FirstOrDefault(p => p.IsDense) is { } dense)
        {
            traces.Add(Figures.Trace("scatter", new
            {
                x = new[] { x.Min(), x.Max() }, y = new[] { 100 * dense.FinalTestAccuracy, 100 * dense.FinalTestAccuracy },
                name = $"{Names.Label(CompressionMethod.Dense)} ({Numbers.Count(dense.FileBytes)} bytes)", mode = "lines",
                line = new { color = DenseColor, width = 2, dash = "dash" }, hoverinfo = "skip",
            }));
            traces.Add(Figures.Trace("scatter", new
            {
                x = new[] { (double)dense.FileBytes }, y = new[] { 100 * dense.FinalTestAccuracy }, mode = "markers", showlegend = false,
                marker = new { size = 12, color = DenseColor, symbol = "star" },
                hovertext = new[] { $"Dense: {Numbers.Count(dense.FileBytes)} bytes, final {Numbers.Percent(dense.FinalTestAccuracy)}" }, hoverinfo = "text",
            }));
        }
        var layout = new Dictionary<string, object>
        {
            ["title"] = new { text = title ?? "Final test accuracy against bytes on disk (network.pemn)" },
            ["xaxis"] = Figures.Axis("file size, bytes (log scale)", new { type = "log" }),
            ["yaxis"] = Figures.Axis("final test accuracy, % (the file's network)"),
            ["legend"] = new { orientation = "h", x = 0, y = -0.2 },
            ["margin"] = new { l = 70, r = 30, t = 60, b = 130 },
        };
        return Figures.Chart(traces, layout);
    }

    /// <summary>Keep fractions at which <see cref="MaskBits"/> draws H(k): fine near 0 and 1, where it bends.</summary>
    private static double[] EntropyGrid() =>
        [.. Enumerable.Range(1, 9).Select(i => i / 200.0), .. Enumerable.Range(1, 19).Select(i => i / 20.0), .. Enumerable.Range(191, 9).Select(i => i / 200.0)];

    /// <summary>
    /// Bits per mask entry against the kept fraction: each PEMN series' masks at its k, the sparse baselines' positions at their q,
    /// the entropy H(k) (what a mask keeping k at random positions carries) and the bitmap's 1 bit.
    /// </summary>
    /// <exception cref="ArgumentException">No point has masks.</exception>
    public static GenericChart MaskBits(IReadOnlyList<FilePoint> points, string? title = null)
    {
        var masked = points.Where(p => !p.IsDense).ToList();
        if (masked.Count == 0) throw new ArgumentException("No point has masks; allowed: PEMN or sparse files.", nameof(points));
        var grid = EntropyGrid().Order().ToArray();
        var traces = new List<Trace>
        {
            Figures.Trace("scatter", new
            {
                x = grid, y = grid.Select(PemnFileReport.Entropy).ToArray(), name = "H(k): the information in a random mask", mode = "lines",
                line = new { color = "#333", width = 1.5, dash = "dash" }, hoverinfo = "skip",
            }),
            Figures.Trace("scatter", new
            {
                x = new[] { 0.0, 1.0 }, y = new[] { 1.0, 1.0 }, name = "bitmap: 1 bit per weight", mode = "lines",
                line = new { color = "#999", width = 1.5, dash = "dot" }, hoverinfo = "skip",
            }),
        };
        var series = masked.GroupBy(p => p.Series).ToList();
        for (var i = 0; i < series.Count; i++)
        {
            var ordered = series[i].OrderBy(p => p.Keep).ToList();
            var pemn = ordered[0].IsPemn;
            traces.Add(Figures.Trace("scatter", new
            {
                x = ordered.Select(p => p.Keep).ToArray(),
                y = ordered.Select(p => p.MaskBitsPerWeight).ToArray(),
                name = pemn ? $"PEMN {series[i].Key}: masks" : $"sparse {series[i].Key}: positions",
                mode = pemn ? "lines+markers" : "markers",
                line = new { color = Figures.Palette[i % Figures.Palette.Count], width = 2 },
                marker = new { size = pemn ? 9 : 7, symbol = pemn ? "diamond" : "circle-open" },
                hovertext = ordered.Select(p => $"{p.Series} {p.Label}: {Numbers.Fixed(p.MaskBitsPerWeight, 3)} bits per entry, H = {Numbers.Fixed(p.EntropyBitsPerWeight, 3)}").ToArray(),
                hoverinfo = "text",
            }));
        }
        var layout = new Dictionary<string, object>
        {
            ["title"] = new { text = title ?? "Mask bits per weight in the file against the kept fraction, beside H(k)" },
            ["xaxis"] = Figures.Axis("kept fraction k (PEMN) or q (sparse)", new { range = new[] { 0, 1 } }),
            ["yaxis"] = Figures.Axis("bits per mask entry", new { range = new[] { 0, 1.1 } }),
            ["legend"] = new { orientation = "h", x = 0, y = -0.2 },
            ["margin"] = new { l = 70, r = 30, t = 60, b = 130 },
        };
        return Figures.Chart(traces, layout);
    }
}
