using PEMN.Runtime;
using System.Text;

namespace PEMN.Experiments;

/// <summary>
/// The tidy table of all runs: one row per finished run, one column per flattened config field, metric and
/// provenance field. Appends are one fully formed line in a single write; a line torn by a kill (no final
/// newline) is ignored when reading and removed before the next append, so the file always parses.
/// When a row brings new columns the file is rewritten (temp file + move) with the union of columns.
/// </summary>
public static class RunsCsv
{
    /// <summary>The column that identifies a run (its folder name under runs/).</summary>
    public const string RunIdColumn = "run_id";

    /// <summary>Appends <paramref name="row"/> to the CSV at <paramref name="path"/>, creating it with a header if needed.</summary>
    public static void Append(string path, IReadOnlyDictionary<string, string> row)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var (header, rows) = File.Exists(full) ? Read(full) : ([], []);
        var torn = File.Exists(full) && !EndsWithNewline(full);
        var missing = row.Keys.Where(k => !header.Contains(k)).ToList();
        if (header.Count == 0 || missing.Count > 0 || torn)
        {
            var columns = header.Concat(missing).ToList();
            var text = new StringBuilder();
            text.Append(Line(columns));
            foreach (var r in rows.Append(row)) text.Append(Line(columns.Select(c => r.GetValueOrDefault(c, ""))));
            AtomicFile.WriteAllText(full, text.ToString());
            return;
        }
        var bytes = Encoding.UTF8.GetBytes(Line(header.Select(c => row.GetValueOrDefault(c, ""))));
        // One write call of the whole line: a kill leaves either nothing or a line without its newline.
        using var stream = new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 1);
        stream.Write(bytes);
    }

    /// <summary>Replaces the table at <paramref name="path"/> (atomically) with <paramref name="header"/> and <paramref name="rows"/>.</summary>
    public static void Write(string path, IReadOnlyList<string> header, IEnumerable<IReadOnlyDictionary<string, string>> rows)
    {
        var text = new StringBuilder(Line(header));
        foreach (var row in rows) text.Append(Line(header.Select(c => row.GetValueOrDefault(c, ""))));
        AtomicFile.WriteAllText(path, text.ToString());
    }

    /// <summary>Reads the header and the complete rows; a final line without newline (torn write) is skipped.</summary>
    public static (List<string> Header, List<Dictionary<string, string>> Rows) Read(string path)
    {
        var text = File.ReadAllText(path);
        var lines = ParseRecords(text);
        if (lines.Count == 0) return ([], []);
        var header = lines[0];
        var rows = new List<Dictionary<string, string>>();
        foreach (var fields in lines.Skip(1))
        {
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

    private static bool EndsWithNewline(string path)
    {
        using var stream = File.OpenRead(path);
        if (stream.Length == 0) return true;
        stream.Seek(-1, SeekOrigin.End);
        return stream.ReadByte() == '\n';
    }

    /// <summary>Complete records only: fields split on commas outside quotes; a record ends at a newline outside quotes.</summary>
    private static List<List<string>> ParseRecords(string text)
    {
        var records = new List<List<string>>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
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
        // Whatever follows the last newline is a torn append: dropped.
        return records;
    }
}
