using PEMN.Analysis;
using PEMN.Runtime;
using PEMN.Strategies;
using Plotly.NET;

namespace PEMN.Notebooks;

/// <summary>The compression panels of the paper (Fig. 4 and 5, notebooks 05 and 06): PEMN against sparse baselines, accuracy against storage.</summary>
public static partial class Charts
{
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
        var traces = series.Select((s, i) => s.Key == CompressionMethod.Pemn
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
                x = new[] { x.Min(), x.Max() }, y = new[] { dense, dense }, name = Names.Label(CompressionMethod.Dense), mode = "lines",
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
}
