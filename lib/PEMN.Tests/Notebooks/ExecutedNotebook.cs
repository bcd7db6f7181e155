using System.Text.Json;

namespace PEMN.Tests.Notebooks;

/// <summary>The outputs of an executed .ipynb, read for the checks the notebook tests make.</summary>
public sealed class ExecutedNotebook
{
    private const string EmbeddedPlotlyBanner = "plotly.js v";
    private const string CdnRequire = "paths:{plotly:'https://cdn.plot.ly";

    private ExecutedNotebook(IReadOnlyList<string> errors, IReadOnlyList<string> htmlOutputs, string kernel)
    {
        Errors = errors;
        HtmlOutputs = htmlOutputs;
        Kernel = kernel;
    }

    /// <summary>"ename: evalue" of every error output.</summary>
    public IReadOnlyList<string> Errors { get; }
    /// <summary>Every text/html output.</summary>
    public IReadOnlyList<string> HtmlOutputs { get; }
    /// <summary>metadata.kernelspec.name.</summary>
    public string Kernel { get; }

    /// <summary>HTML outputs that draw a Plotly chart.</summary>
    public IEnumerable<string> PlotlyCharts => HtmlOutputs.Where(h => h.Contains("Plotly.newPlot", StringComparison.Ordinal));

    /// <summary>True when the chart carries plotly.js itself and does not load it from a CDN.</summary>
    public static bool EmbedsPlotlyJs(string chartHtml) =>
        chartHtml.Contains(EmbeddedPlotlyBanner, StringComparison.Ordinal) && !chartHtml.Contains(CdnRequire, StringComparison.Ordinal);

    /// <summary>Reads a notebook file.</summary>
    public static ExecutedNotebook Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var errors = new List<string>();
        var html = new List<string>();
        foreach (var cell in doc.RootElement.GetProperty("cells").EnumerateArray())
        {
            if (!cell.TryGetProperty("outputs", out var outputs)) continue;
            foreach (var output in outputs.EnumerateArray())
            {
                if (output.GetProperty("output_type").GetString() == "error")
                    errors.Add($"{output.GetProperty("ename").GetString()}: {output.GetProperty("evalue").GetString()}");
                if (output.TryGetProperty("data", out var data) && data.TryGetProperty("text/html", out var value))
                    html.Add(Text(value));
            }
        }
        var kernel = doc.RootElement.GetProperty("metadata").GetProperty("kernelspec").GetProperty("name").GetString() ?? "";
        return new ExecutedNotebook(errors, html, kernel);
    }

    private static string Text(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array ? string.Concat(value.EnumerateArray().Select(e => e.GetString())) : value.GetString() ?? "";
}
