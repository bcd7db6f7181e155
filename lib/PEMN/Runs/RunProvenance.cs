using System.Diagnostics;
using System.Globalization;
using PEMN.Runtime;

namespace PEMN.Runs;

/// <summary>
/// Where, when and how long a run happened: provenance.json of its run folder, and the provenance columns of the runs
/// table (git_commit, machine, threads_used, date, duration_seconds).
/// </summary>
/// <param name="GitCommit">HEAD of the working directory's repository (+ "-dirty" with uncommitted changes), or "unknown".</param>
/// <param name="Machine">Machine name.</param>
/// <param name="Threads">torch.get_num_threads() during the run.</param>
/// <param name="Date">UTC end time, ISO 8601.</param>
/// <param name="DurationSeconds">Wall time of the command that completed the run (data loading, training and evaluation
/// of the epochs it ran; a resumed run counts its last session), or null when not recorded.</param>
/// <param name="Allocator">The native heap allocator (tcmalloc, glibc), or null for runs recorded before it was.</param>
/// <param name="MemoryFormat">The memory format the run trained in (training.memory_format; not in its run id), or null for
/// runs recorded before it existed, which trained contiguous.</param>
/// <param name="Numerics">What decides the run's last bits (<see cref="NumericsIdentity"/>): an exact rerun needs the same, or
/// null for runs recorded before it was.</param>
public sealed record RunProvenance(string GitCommit, string Machine, int Threads, string Date, double? DurationSeconds = null,
    string? Allocator = null, MemoryFormat? MemoryFormat = null, NumericsIdentity? Numerics = null)
{
    /// <summary>The table columns of provenance, in order.</summary>
    public static IReadOnlyList<string> Columns { get; } = ["git_commit", "machine", "threads_used", "date", "duration_seconds"];

    private static readonly Lazy<string> Commit = new(ReadGitCommit);

    /// <summary>The provenance of a run ending now (of a report when <paramref name="memoryFormat"/> is null).</summary>
    public static RunProvenance Now(double? durationSeconds = null, MemoryFormat? memoryFormat = null) => new(Commit.Value, Environment.MachineName,
        TorchSharp.torch.get_num_threads(), DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), durationSeconds,
        PEMN.Runtime.Machine.Allocator, memoryFormat, memoryFormat is null ? null : PEMN.Runtime.Machine.Identity());

    /// <summary>The provenance columns of the runs table (<see cref="Columns"/>); duration to the millisecond.</summary>
    public IEnumerable<KeyValuePair<string, string>> TableFields()
    {
        yield return new(Columns[0], GitCommit);
        yield return new(Columns[1], Machine);
        yield return new(Columns[2], Threads.ToString(CultureInfo.InvariantCulture));
        yield return new(Columns[3], Date);
        if (DurationSeconds is { } seconds) yield return new(Columns[4], seconds.ToString("0.###", CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The provenance a runs-table row records (for run folders written before provenance.json existed), or null when the
    /// row has no commit, machine or date.
    /// </summary>
    public static RunProvenance? FromTableRow(IReadOnlyDictionary<string, string> row)
    {
        string Get(int i) => row.TryGetValue(Columns[i], out var value) ? value : "";
        if (Get(0).Length == 0 || Get(1).Length == 0 || Get(3).Length == 0) return null;
        var threads = int.TryParse(Get(2), NumberStyles.Integer, CultureInfo.InvariantCulture, out var t) ? t : 0;
        double? duration = double.TryParse(Get(4), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
        return new RunProvenance(Get(0), Get(1), threads, Get(3), duration);
    }

    /// <summary>HEAD, with "-dirty" when tracked files have uncommitted changes (the results may not match the commit).</summary>
    private static string ReadGitCommit()
    {
        var head = Git("rev-parse HEAD");
        if (string.IsNullOrEmpty(head)) return "unknown";
        // Outputs that runs write under results/ do not make the code dirty; anything else tracked does.
        return string.IsNullOrEmpty(Git("status --porcelain --untracked-files=no -- :/ :(top,exclude)results")) ? head : head + "-dirty";
    }

    private static string? Git(string arguments)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (git is null) return null;
            var output = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
