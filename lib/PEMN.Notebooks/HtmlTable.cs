using System.Globalization;
using System.Net;
using System.Text;

namespace PEMN.Notebooks;

/// <summary>How a column's cells line up: text left, numbers right (with figures of equal width).</summary>
public enum Align
{
    /// <summary>Text.</summary>
    Left,
    /// <summary>Numbers.</summary>
    Right,
}

/// <summary>
/// A compact HTML table for notebook outputs: a caption, a header row, body rows and a note under it, styled inline so that
/// it reads the same in Jupyter, VS Code and exported HTML. Cell text is HTML-encoded; muted rows (e.g. a rung that is
/// the same network as another) are drawn grey.
/// </summary>
/// <param name="caption">Shown above the table, or null.</param>
public sealed class HtmlTable(string? caption = null)
{
    private const string TableStyle =
        "border-collapse:collapse;font-size:13px;line-height:1.35;margin:4px 0;font-family:system-ui,-apple-system,'Segoe UI',sans-serif";
    // Numbers never wrap; text wraps only when the table would be wider than the output area.
    private const string CellStyle = "padding:2px 10px;border-bottom:1px solid #e3e3e3;vertical-align:top";
    private const string HeaderStyle = "padding:3px 10px;border-bottom:2px solid #999;font-weight:600;white-space:nowrap;background:#f7f7f7";
    private const string NumberStyle = "text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap";

    private readonly List<(string Header, Align Align)> columns = [];
    private readonly List<(IReadOnlyList<string> Cells, bool Muted)> rows = [];
    private readonly List<string> notes = [];

    /// <summary>Adds a column.</summary>
    public HtmlTable Column(string header, Align align = Align.Left)
    {
        columns.Add((header, align));
        return this;
    }

    /// <summary>Adds a row; it must have one cell per column.</summary>
    /// <exception cref="ArgumentException">The cell count differs from the column count.</exception>
    public HtmlTable Row(IReadOnlyList<string> cells, bool muted = false)
    {
        if (cells.Count != columns.Count)
            throw new ArgumentException($"A row of this table has {columns.Count} cells; {cells.Count} were given.", nameof(cells));
        rows.Add((cells, muted));
        return this;
    }

    /// <summary>Adds a row from its cells.</summary>
    public HtmlTable Row(params string[] cells) => Row((IReadOnlyList<string>)cells);

    /// <summary>Adds a line of text under the table.</summary>
    public HtmlTable Note(string text)
    {
        notes.Add(text);
        return this;
    }

    /// <summary>The table as an HTML fragment.</summary>
    public string ToHtml()
    {
        var html = new StringBuilder();
        html.Append("<div class=\"pemn-table\">");
        html.Append($"<table style=\"{TableStyle}\">");
        // (Captions and headers too: notebook stylesheets centre or right-align them.)
        if (caption is not null)
            html.Append($"<caption style=\"caption-side:top;text-align:left;font-weight:600;padding:2px 0 4px\">{Encode(caption)}</caption>");
        // A key-value table (no header text) has no header row.
        if (columns.Any(c => c.Header.Length > 0))
        {
            html.Append("<thead><tr>");
            foreach (var (header, align) in columns)
                html.Append($"<th style=\"{HeaderStyle};text-align:{(align == Align.Right ? "right" : "left")}\">{Encode(header)}</th>");
            html.Append("</tr></thead>");
        }
        html.Append("<tbody>");
        foreach (var (cells, muted) in rows)
        {
            html.Append(muted ? "<tr style=\"color:#8a8a8a\">" : "<tr>");
            // Alignment is explicit both ways: Jupyter's stylesheet right-aligns every cell of an output table.
            for (var i = 0; i < cells.Count; i++)
                html.Append($"<td style=\"{CellStyle};{(columns[i].Align == Align.Right ? NumberStyle : "text-align:left")}\">{Encode(cells[i])}</td>");
            html.Append("</tr>");
        }
        html.Append("</tbody></table>");
        foreach (var note in notes)
            html.Append($"<div style=\"font-size:12px;color:#555;margin:2px 0\">{Encode(note)}</div>");
        html.Append("</div>");
        return html.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => ToHtml();

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}

/// <summary>How numbers read in the notebooks' tables: invariant culture, thousands separated, percentages with a space.</summary>
public static class Numbers
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>12,345.</summary>
    public static string Count(long value) => value.ToString("N0", Invariant);

    /// <summary>A fraction as a percentage: 0.8290 gives "82.90 %" (<paramref name="decimals"/> places).</summary>
    public static string Percent(double fraction, int decimals = 2) => Rounded(100 * fraction, decimals).ToString("F" + decimals, Invariant) + " %";

    /// <summary>Rounded to <paramref name="decimals"/> places, without a minus sign on zero ("-0.0" reads as a loss).</summary>
    private static double Rounded(double value, int decimals)
    {
        var rounded = Math.Round(value, decimals, MidpointRounding.AwayFromZero);
        return rounded == 0 ? 0 : rounded;
    }

    /// <summary>Accuracy points of a fraction: 0.8290 gives "82.90".</summary>
    public static string Points(double fraction, int decimals = 2) => Rounded(100 * fraction, decimals).ToString("F" + decimals, Invariant);

    /// <summary>A signed difference in points: "+1.2", "-0.4".</summary>
    public static string SignedPoints(double fraction, int decimals = 1) =>
        (100 * fraction).ToString("+0." + new string('0', decimals) + ";-0." + new string('0', decimals) + ";0." + new string('0', decimals), Invariant);

    /// <summary>A plain number with <paramref name="decimals"/> places.</summary>
    public static string Fixed(double value, int decimals) => value.ToString("F" + decimals, Invariant);

    /// <summary>A short number for thresholds and scores: 3 significant figures.</summary>
    public static string Short(double value) => value.ToString("G3", Invariant);

    /// <summary>Bits, with the size in bytes: "758,016 bits (92.5 KiB)".</summary>
    public static string Bits(long bits)
    {
        var bytes = bits / 8.0;
        var size = bytes < 1024 ? $"{bytes.ToString("0.#", Invariant)} B"
            : bytes < 1024 * 1024 ? $"{(bytes / 1024).ToString("0.0", Invariant)} KiB"
            : $"{(bytes / (1024 * 1024)).ToString("0.00", Invariant)} MiB";
        return $"{Count(bits)} bits ({size})";
    }

    /// <summary>A duration: "45 s", "12 min 05 s", "2 h 03 min".</summary>
    public static string Duration(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Max(0, seconds));
        return t.TotalMinutes < 1 ? $"{t.TotalSeconds:0} s"
            : t.TotalHours < 1 ? $"{(int)t.TotalMinutes} min {t.Seconds:00} s"
            : $"{(int)t.TotalHours} h {t.Minutes:00} min";
    }

    /// <summary>A shape: [64, 1, 5, 5].</summary>
    public static string Shape(IReadOnlyList<long> shape) => $"[{string.Join(", ", shape)}]";
}
