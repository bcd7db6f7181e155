using System.Text;
using PEMN.Runtime;

namespace PEMN.Runs;

/// <summary>
/// A file given as a runs table that is not one (another file's content, a damaged table): nothing is written to it.
/// A <see cref="FormatException"/>: the input is wrong, not the file system.
/// </summary>
/// <param name="path">The file.</param>
/// <param name="problem">What is wrong and what is allowed.</param>
public sealed class RunsTableException(string path, string problem) : FormatException($"'{path}' is not a runs table: {problem}")
{
    /// <summary>The file.</summary>
    public string Path { get; } = path;

    /// <summary>What is wrong and what is allowed, without the path.</summary>
    public string Problem { get; } = problem;
}

/// <summary>
/// The file format of the runs table: RFC 4180 CSV whose header starts with <see cref="RunIdColumn"/>, one row per run,
/// one column per flattened config field, metric and provenance field. Written only whole and atomically
/// (<see cref="Write"/>, by <see cref="RunsTable"/>), so a reader never sees a torn line; every record is read, a last line
/// without its final newline included, and a file that is not such a table is refused, never rewritten.
/// </summary>
public static class RunsCsv
{
    /// <summary>The column that identifies a run (its folder name under runs/); the first column of every runs table.</summary>
    public const string RunIdColumn = "run_id";

    /// <summary>Replaces the table at <paramref name="path"/> (atomically, durably) with <paramref name="header"/> and <paramref name="rows"/>.</summary>
    public static void Write(string path, IReadOnlyList<string> header, IEnumerable<IReadOnlyDictionary<string, string>> rows) =>
        AtomicFile.WriteAllText(path, Text(header, rows));

    /// <summary>The text of a table: the header line and one line per row (fields missing from a row are empty).</summary>
    public static string Text(IReadOnlyList<string> header, IEnumerable<IReadOnlyDictionary<string, string>> rows)
    {
        var text = new StringBuilder(Line(header));
        foreach (var row in rows) text.Append(Line(header.Select(c => row.GetValueOrDefault(c, ""))));
        return text.ToString();
    }

    /// <summary>
    /// Reads the header and every row. An empty file is an empty table. A row shorter than the header is padded with
    /// empty fields (a hand-edited table); anything that cannot be a runs table is refused.
    /// </summary>
    /// <exception cref="RunsTableException">The file is not a runs table: its header does not start with run_id, a column
    /// name repeats or is empty, a row has more fields than the header, or a quoted field is never closed.</exception>
    public static (List<string> Header, List<Dictionary<string, string>> Rows) Read(string path)
    {
        var text = File.ReadAllText(path);
        if (text.Trim().Length == 0) return ([], []);
        var records = ParseRecords(text, path);
        var header = records[0];
        if (header[0].TrimStart('\uFEFF') != RunIdColumn)
            throw new RunsTableException(path, $"its first line starts with '{Shorten(header[0])}'; a runs table's header starts with '{RunIdColumn}' " +
                "(allowed: a runs table this program wrote, an empty file, or a new path).");
        header[0] = RunIdColumn;
        if (header.FirstOrDefault(c => c.Length == 0) is not null || header.Distinct(StringComparer.Ordinal).Count() != header.Count)
            throw new RunsTableException(path, "its header has an empty or repeated column name; allowed: a runs table this program wrote.");
        var rows = new List<Dictionary<string, string>>();
        for (var r = 1; r < records.Count; r++)
        {
            var fields = records[r];
            if (fields is [""]) continue; // a blank line
            if (fields.Count > header.Count)
                throw new RunsTableException(path, $"record {r + 1} has {fields.Count} fields and the header {header.Count}; allowed: at most one field per column.");
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Count; i++) row[header[i]] = i < fields.Count ? fields[i] : "";
            rows.Add(row);
        }
        return (header, rows);
    }

    /// <summary>One CSV line (RFC 4180 quoting) ending in '\n'.</summary>
    public static string Line(IEnumerable<string> fields) =>
        string.Join(",", fields.Select(Quote)) + "\n";

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";

    /// <summary>Every record: fields split on commas outside quotes; a record ends at a newline outside quotes or at the end of the text.</summary>
    private static List<List<string>> ParseRecords(string text, string path)
    {
        var records = new List<List<string>>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var line = 1;
        var quoteLine = 0;
        // Anything read since the last record ended, an empty quoted field ("") included: the last record, even without its newline.
        var inRecord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n') line++;
            inRecord = quoted || c != '\n';
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') { quoted = true; quoteLine = line; }
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else if (c == '\n')
            {
                fields.Add(field.ToString());
                field.Clear();
                records.Add(fields);
                fields = [];
            }
            else if (c != '\r') field.Append(c);
        }
        if (quoted)
            throw new RunsTableException(path, $"the quoted field opened on line {quoteLine} is never closed; allowed: complete CSV records.");
        // The last record may lack its newline (a table saved by an editor or another tool): it is a row all the same.
        if (inRecord)
        {
            fields.Add(field.ToString());
            records.Add(fields);
        }
        return records;
    }
}
