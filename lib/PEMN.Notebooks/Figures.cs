using System.Collections;
using System.Text.RegularExpressions;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;
using Plotly.NET;

namespace PEMN.Notebooks;

/// <summary>
/// Plotly figures written the way plotly.js documents them (trace and layout attributes by their plotly.js names, e.g.
/// <c>error_y</c>, <c>xaxis2</c>, <c>tickvals</c>), wrapped as Plotly.NET charts so the notebooks show them with the
/// set-up's formatter. Plotly.NET's own chart functions take F# options that C# cannot leave out; attributes set
/// directly need none of them and say exactly what the figure holds.
/// </summary>
public static partial class Figures
{
    /// <summary>
    /// Default figure size, and every figure's width: fits the renderer's 1100 x 650 window, a README's width and the output
    /// area of a notebook in a 1280-pixel browser window (a wider chart is cut off there).
    /// </summary>
    public const int DefaultWidth = 1000, DefaultHeight = 560;

    /// <summary>Colours of successive series (plotly's defaults), so a model keeps its colour across charts.</summary>
    public static IReadOnlyList<string> Palette { get; } = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"];

    /// <summary>A trace of plotly.js type <paramref name="type"/> ("scatter", "bar", "heatmap") with the given attributes.</summary>
    /// <param name="type">The plotly.js trace type.</param>
    /// <param name="attributes">An object whose properties (or a dictionary whose keys) are plotly.js attribute names.</param>
    public static Trace Trace(string type, object attributes)
    {
        var trace = new Trace2D(type);
        Set(trace, attributes);
        return trace;
    }

    /// <summary>
    /// A chart of <paramref name="traces"/> with layout attributes <paramref name="layout"/>, <paramref name="width"/> x
    /// <paramref name="height"/> pixels, white background, no mode bar (the toolbar is no part of a figure).
    /// </summary>
    public static GenericChart Chart(IEnumerable<Trace> traces, object layout, int width = DefaultWidth, int height = DefaultHeight)
    {
        var l = new Layout();
        Set(l, new
        {
            width,
            height,
            paper_bgcolor = "white",
            plot_bgcolor = "white",
            font = new { family = "system-ui, -apple-system, 'Segoe UI', sans-serif", size = 13 },
            margin = new { l = 70, r = 30, t = 60, b = 80 },
        });
        Set(l, layout);
        var config = new Config();
        config.SetProperty("displayModeBar", false);
        config.SetProperty("responsive", false);
        return GenericChart.NewMultiChart(ListModule.OfSeq(traces), l, config, Defaults.DefaultDisplayOptions);
    }

    /// <summary>A plotly.js axis with light grid lines, for layouts (<c>xaxis</c>, <c>yaxis</c>, ...).</summary>
    public static Dictionary<string, object> Axis(string? title = null, object? extra = null)
    {
        var axis = new Dictionary<string, object>
        {
            ["showgrid"] = true, ["gridcolor"] = "#e6e6e6", ["zeroline"] = false, ["showline"] = true, ["linecolor"] = "#999",
            ["ticks"] = "outside", ["automargin"] = true,
        };
        if (title is not null) axis["title"] = new { text = title };
        if (extra is not null) foreach (var (key, value) in Attributes(extra)) axis[key] = value;
        return axis;
    }

    /// <summary>
    /// Saves <paramref name="chart"/> as a self-contained page (plotly.js embedded: draws offline) at
    /// <paramref name="folder"/>/<paramref name="name"/>.chart.html and returns its path; scripts/render-charts.sh turns
    /// it into a PNG of the figure's own size (the page names it in a <c>pemn-figure-size</c> meta tag).
    /// </summary>
    /// <exception cref="ArgumentException">name is empty or holds a path separator.</exception>
    public static string Save(GenericChart chart, string folder, string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(['/', '\\']) >= 0)
            throw new ArgumentException($"name = '{name}' is not allowed; allowed: a file name without folders, e.g. ladder.", nameof(name));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name.EndsWith(ChartSuffix, StringComparison.Ordinal) ? name : name + ChartSuffix);
        var embedded = GenericChart.setDisplayOptions(
            DisplayOptions.init(null, null, null, null, null, null, FSharpOption<PlotlyJSReference>.Some(PlotlyJSReference.Full)), chart);
        var (width, height) = Size(chart);
        var html = GenericChart.toEmbeddedHTML(embedded);
        // The encoding first: a browser looks for it in the first 1024 bytes only and otherwise guesses, and a guess that changes
        // with the page's random element ids turns the axis labels' minus signs into mojibake in some renders and not others.
        // Then the figure size for the renderer, and no page margin: the PNG is the figure, edge to edge.
        // (Inserted after the first <head>, the page's own: the embedded plotly.js comes later.)
        html = HeadStart().Replace(html, $"<head><meta charset=\"utf-8\"><meta name=\"{SizeMeta}\" content=\"{width}x{height}\"><style>body{{margin:0}}</style>", 1);
        Runtime.AtomicFile.WriteAllText(path, html);
        return path;
    }

    /// <summary>
    /// The chart as a notebook output: an HTML fragment that carries plotly.js itself (so executed notebooks and their
    /// HTML exports draw offline) and draws whether or not the page has an AMD loader. Jupyter Notebook and nbconvert's
    /// HTML load require.js, under which plotly.js registers itself as an anonymous AMD module instead of
    /// <c>window.Plotly</c> ("Mismatched anonymous define()") and the chart stays blank; the loader is hidden while
    /// plotly.js runs and put back after. The set-up files register this as the formatter of every chart.
    /// </summary>
    public static string NotebookHtml(GenericChart chart)
    {
        var fragment = GenericChart.toChartHTML(GenericChart.setDisplayOptions(
            DisplayOptions.init(null, null, null, null, null, null, FSharpOption<PlotlyJSReference>.Some(PlotlyJSReference.NoReference)), chart));
        return "<div class=\"pemn-chart\">" +
            "<script type=\"text/javascript\">window.pemnDefine = window.define; window.define = undefined;</script>" +
            $"<script type=\"text/javascript\" charset=\"utf-8\">{PlotlyJs.Value}</script>" +
            "<script type=\"text/javascript\">window.define = window.pemnDefine;</script>" +
            fragment + "</div>";
    }

    /// <summary>plotly.js as Plotly.NET ships it (an embedded resource of its assembly), read once.</summary>
    private static readonly Lazy<string> PlotlyJs = new(() =>
    {
        var assembly = typeof(GenericChart).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.StartsWith("Plotly.NET.plotly-", StringComparison.Ordinal) && n.EndsWith(".min.js", StringComparison.Ordinal));
        using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
        // An inline script ends at the first "</script": plotly.js has none, but make sure.
        return reader.ReadToEnd().Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);
    });

    /// <summary>File name ending of a saved chart page.</summary>
    public const string ChartSuffix = ".chart.html";

    /// <summary>The meta tag that tells scripts/render-charts.sh the figure's size ("WIDTHxHEIGHT").</summary>
    public const string SizeMeta = "pemn-figure-size";

    /// <summary>The chart's layout width and height (the defaults when it sets none).</summary>
    public static (int Width, int Height) Size(GenericChart chart)
    {
        var layout = GenericChart.getLayout(chart);
        return (Dimension(layout, "width", DefaultWidth), Dimension(layout, "height", DefaultHeight));
    }

    private static int Dimension(Layout layout, string name, int fallback) =>
        layout.TryGetPropertyValue(name) is { } value && FSharpOption<object>.get_IsSome(value) ? Convert.ToInt32(value.Value, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    private static void Set(DynamicObj.DynamicObj target, object attributes)
    {
        foreach (var (key, value) in Attributes(attributes)) target.SetProperty(key, value);
    }

    private static IEnumerable<(string Key, object Value)> Attributes(object attributes)
    {
        if (attributes is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
                if (entry.Value is not null) yield return ((string)entry.Key, entry.Value);
            yield break;
        }
        foreach (var property in attributes.GetType().GetProperties())
            if (property.GetValue(attributes) is { } value) yield return (property.Name, value);
    }

    [GeneratedRegex("<head>", RegexOptions.IgnoreCase)]
    private static partial Regex HeadStart();
}
