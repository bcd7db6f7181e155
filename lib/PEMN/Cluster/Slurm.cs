using System.Diagnostics;
using System.Globalization;

namespace PEMN.Cluster;

/// <summary>Slurm refused or could not be reached: the message says which command, and what it answered.</summary>
/// <param name="message">What went wrong.</param>
public sealed class SlurmException(string message) : Exception(message);

/// <summary>One array task in the queue.</summary>
/// <param name="JobId">The array's job id.</param>
/// <param name="Task">The array index, or null for a job that is not an array.</param>
/// <param name="State">PENDING, RUNNING, COMPLETING, ...</param>
public sealed record SlurmQueueEntry(string JobId, int? Task, string State);

/// <summary>Slurm's client commands, as pemn uses them: sbatch to submit, squeue to see what is still queued.</summary>
public static class Slurm
{
    /// <summary>How long a client command may take (the controller answers in milliseconds; a minute means it is down).</summary>
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(1);

    /// <summary>Submits <paramref name="script"/>, to start after the jobs <paramref name="after"/> have ended (if any); returns the job id.</summary>
    /// <exception cref="SlurmException">sbatch is missing or refused the job (its message is included).</exception>
    public static string Submit(string script, IReadOnlyList<string>? after = null)
    {
        var (code, output, error) = after is { Count: > 0 }
            ? Command("sbatch", "--parsable", $"--dependency=afterany:{string.Join(':', after)}", script)
            : Command("sbatch", "--parsable", script);
        if (code != 0) throw new SlurmException($"sbatch {script} failed (exit {code}): {error.Trim()}");
        // --parsable prints "jobid" or "jobid;cluster".
        return output.Trim().Split(';')[0];
    }

    /// <summary>Every array task in the queue (pending, running, completing), one entry per task.</summary>
    /// <exception cref="SlurmException">squeue is missing or the controller does not answer.</exception>
    public static IReadOnlyList<SlurmQueueEntry> Queue()
    {
        var (code, output, error) = Command("squeue", "--noheader", "--array", "--format=%F|%K|%T");
        if (code != 0) throw new SlurmException($"squeue failed (exit {code}): {error.Trim()}");
        var entries = new List<SlurmQueueEntry>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split('|');
            if (parts.Length != 3) continue;
            int? task = int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var t) ? t : null;
            entries.Add(new SlurmQueueEntry(parts[0], task, parts[2]));
        }
        return entries;
    }

    private static (int Code, string Output, string Error) Command(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new SlurmException($"{file} did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new SlurmException($"{file} was not found ({e.Message}): this machine has no Slurm client commands " +
                "(install Slurm, log in to the cluster's submit node, or try scripts/slurm-local.sh start).");
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(CommandTimeout))
            {
                process.Kill(entireProcessTree: true);
                throw new SlurmException($"{file} did not answer within {CommandTimeout.TotalSeconds:0} s: is slurmctld running?");
            }
            process.WaitForExit();
            return (process.ExitCode, output.Result, error.Result);
        }
    }
}
