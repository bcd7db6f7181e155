using System.Globalization;
using System.Text;
using PEMN.Runs;
using PEMN.Runtime;

namespace PEMN.Reports;

/// <summary>
/// What every Markdown table of results shares: its header (title, the command that made it, where and when) and how it is
/// written, so that rerunning a plan on reused runs leaves a committed table, and a clean checkout, as it was.
/// </summary>
public static class ReportFile
{
    // The lines that say where and when the table was written. They change on every run, also when every run
    // was reused and nothing else in the table did; Write ignores them when deciding whether to replace a file.
    private const string CommitLine = "- table written at commit: ";
    private const string MachineLine = "- machine: ";
    private const string DateLine = "- date: ";

    /// <summary>Appends the title, the command that made the table (<paramref name="command"/>) and the provenance lines.</summary>
    public static void AppendHeader(StringBuilder text, string title, string command, RunProvenance provenance)
    {
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"# {title}");
        text.AppendLine();
        text.AppendLine(c, $"- command: `{command}`");
        text.AppendLine(c, $"{CommitLine}{provenance.GitCommit} (each run's own commit is in runs.csv)");
        text.AppendLine(c, $"{MachineLine}{provenance.Machine}, {provenance.Threads} torch threads, {Environment.ProcessorCount} cores");
        text.AppendLine(c, $"{DateLine}{provenance.Date}");
    }

    /// <summary>
    /// Writes <paramref name="markdown"/> to <paramref name="path"/> unless the file there differs from it only in the commit,
    /// machine and date lines. Returns true when the file was written.
    /// </summary>
    public static bool Write(string path, string markdown)
    {
        if (File.Exists(path) && WithoutProvenance(File.ReadAllText(path)) == WithoutProvenance(markdown))
            return false;
        AtomicFile.WriteAllText(path, markdown);
        return true;
    }

    /// <summary>
    /// A sample standard deviation of accuracies (fractions) in points, "0.00"; "-" for fewer than two seeds, which have
    /// no spread to report (never "0.00", which would claim a measured agreement).
    /// </summary>
    public static string Sd(double sd, int seeds) =>
        seeds < 2 ? "-" : (100 * sd).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);

    private static string WithoutProvenance(string markdown) =>
        string.Join("\n", markdown.Split('\n').Select(line => line.TrimEnd('\r'))
            .Where(line => !line.StartsWith(CommitLine, StringComparison.Ordinal) && !line.StartsWith(MachineLine, StringComparison.Ordinal)
                && !line.StartsWith(DateLine, StringComparison.Ordinal)));
}
