using PEMN.Training;
using Plotly.NET;

namespace PEMN.Notebooks;

/// <summary>The charts of a network while it trains (notebook 00): how its masks move.</summary>
public static partial class Charts
{
    /// <summary>
    /// How the masks moved during training (<see cref="MaskDrift"/>): per look, the share of mask entries that differ from the
    /// initial mask (a line, with each layer's as a thin grey line) and the share changed since the previous look (bars), with
    /// the share two unrelated masks would differ in as a dashed line.
    /// </summary>
    /// <exception cref="ArgumentException">No look after the start.</exception>
    public static GenericChart MaskDrift(MaskDriftHistory history, string? title = null)
    {
        var looks = history.Snapshots.Skip(1).ToList();
        if (looks.Count == 0) throw new ArgumentException("The history has no look after the start; train first.", nameof(history));
        var epochs = history.Snapshots.Select(s => s.Epoch).ToArray();
        var last = epochs[^1];
        var traces = new List<Trace>();
        for (var i = 0; i < history.Paths.Count; i++)
            traces.Add(Figures.Trace("scatter", new
            {
                x = epochs,
                y = history.Snapshots.Select(s => 100 * s.LayerChangedSinceStart[i]).ToArray(),
                mode = "lines",
                name = "each layer: changed since start",
                legendgroup = "layers",
                showlegend = i == 0,
                line = new { color = "rgba(120,120,120,0.45)", width = 1 },
                hovertemplate = $"{history.Paths[i]}: %{{y:.1f}} % at epoch %{{x:.2f}}<extra></extra>",
            }));
        traces.Add(Figures.Trace("bar", new
        {
            x = looks.Select(s => s.Epoch).ToArray(),
            y = looks.Select(s => 100 * s.ChangedSincePrevious).ToArray(),
            name = "changed since the previous look",
            marker = new { color = Figures.Palette[1] },
            opacity = 0.6,
            hovertemplate = "%{y:.2f} % since the previous look (epoch %{x:.2f})<extra></extra>",
        }));
        traces.Add(Figures.Trace("scatter", new
        {
            x = epochs,
            y = history.Snapshots.Select(s => 100 * s.ChangedSinceStart).ToArray(),
            mode = "lines+markers",
            name = "whole network: changed since start",
            line = new { color = Figures.Palette[0], width = 3 },
            hovertemplate = "%{y:.2f} % differ from the initial mask (epoch %{x:.2f})<extra></extra>",
        }));
        traces.Add(Figures.Trace("scatter", new
        {
            x = new[] { 0, last },
            y = new[] { 100 * history.ChanceChanged, 100 * history.ChanceChanged },
            mode = "lines",
            name = $"two unrelated masks differ in {Numbers.Percent(history.ChanceChanged, 0)}",
            line = new { color = "#d62728", dash = "dash", width = 2 },
            hoverinfo = "name",
        }));
        var layout = new Dictionary<string, object>
        {
            ["title"] = new { text = title ?? "How the masks move while the scores train" },
            ["xaxis"] = Figures.Axis("epoch", new { range = new[] { 0, last }, zeroline = false }),
            ["yaxis"] = Figures.Axis("mask entries, %", new { range = new[] { 0, Math.Min(100, 100 * history.ChanceChanged + 5) } }),
            ["bargap"] = 0.3,
            ["legend"] = new { orientation = "h", x = 0, y = -0.2 },
            ["margin"] = new { l = 70, r = 30, t = 60, b = 120 },
        };
        return Figures.Chart(traces, layout);
    }
}
