namespace PEMN.Browser;

/// <summary>What the browser showed of one chart of a cell's output.</summary>
/// <param name="Drawn">Plotly built its plot (the chart's div holds a <c>.js-plotly-plot</c> with its SVG).</param>
/// <param name="Traces">Traces in the chart's data.</param>
/// <param name="Marks">Drawn marks of the traces: SVG paths with a non-empty <c>d</c> (lines, markers, bars, error bars) and heat-map images.</param>
public sealed record ChartReport(bool Drawn, int Traces, int Marks)
{
    /// <summary>True when the chart drew its traces' points.</summary>
    public bool DrewPoints => Drawn && Marks > 0;
}

/// <summary>One cell as the notebook page shows it after the run.</summary>
/// <param name="Index">Position in the notebook, from 0 (markdown cells counted).</param>
/// <param name="Kind">"code", "markdown" or "raw".</param>
/// <param name="ExecutionCount">The prompt's number ("In [3]"), null when the cell did not run.</param>
/// <param name="FirstLine">The first line of its source, to name the cell in messages.</param>
/// <param name="Errors">The first line of each error output (the exception and its message; the stack trace left out).</param>
/// <param name="Charts">Each Plotly chart of its outputs.</param>
public sealed record CellReport(int Index, string Kind, int? ExecutionCount, string FirstLine, IReadOnlyList<string> Errors, IReadOnlyList<ChartReport> Charts)
{
    /// <summary>True for a code cell.</summary>
    public bool IsCode => Kind == "code";

    /// <summary>How messages name the cell: "cell 4 (In [3]: `var x = ...`)".</summary>
    public string Name => $"cell {Index} (In [{ExecutionCount?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? " "}]: `{FirstLine}`)";
}

/// <summary>The result of one notebook run in the browser.</summary>
/// <param name="Notebook">The notebook's file name.</param>
/// <param name="Cells">Every cell, in order (empty when the page never loaded).</param>
/// <param name="Problems">Why the notebook fails, each naming the notebook and the cell; empty when it passed.</param>
/// <param name="Screenshot">The full-page PNG, or null when none could be taken.</param>
/// <param name="Duration">From opening the page to the screenshot.</param>
public sealed record NotebookReport(string Notebook, IReadOnlyList<CellReport> Cells, IReadOnlyList<string> Problems, string? Screenshot, TimeSpan Duration)
{
    /// <summary>True when nothing failed.</summary>
    public bool Passed => Problems.Count == 0;

    /// <summary>Every chart of every cell.</summary>
    public IEnumerable<ChartReport> Charts => Cells.SelectMany(c => c.Charts);

    /// <summary>The problems a finished run's cells show: error outputs, code cells that never ran, charts without points.</summary>
    public static IEnumerable<string> ProblemsOf(string notebook, IReadOnlyList<CellReport> cells)
    {
        foreach (var cell in cells)
        {
            foreach (var error in cell.Errors) yield return $"{notebook}: {cell.Name}: error output: {error}";
            if (cell.IsCode && cell.ExecutionCount is null) yield return $"{notebook}: {cell.Name}: never ran (no execution count)";
            for (var i = 0; i < cell.Charts.Count; i++)
            {
                var chart = cell.Charts[i];
                if (!chart.DrewPoints)
                    yield return $"{notebook}: {cell.Name}: chart {i + 1} of {cell.Charts.Count} did not draw " +
                        (chart.Drawn ? $"its points ({chart.Traces} traces, no drawn marks in its SVG)" : "(no Plotly plot in its output)");
            }
        }
    }

    /// <summary>One line: passed or failed, counts, time.</summary>
    public string Summary()
    {
        var code = Cells.Count(c => c.IsCode);
        var ran = Cells.Count(c => c.IsCode && c.ExecutionCount is not null);
        var charts = Charts.ToList();
        return $"{Notebook} {(Passed ? "passed" : "FAILED")} ({Duration.TotalSeconds:0} s): {ran} of {code} code cells ran, " +
            $"{charts.Count(c => c.DrewPoints)} of {charts.Count} charts drew their points" + (Screenshot is null ? "" : $"; screenshot {Screenshot}");
    }
}
