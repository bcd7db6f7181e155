using System.Diagnostics;

namespace PEMN.Experiments;

/// <summary>Where and when a run happened: git commit, machine, threads, UTC date.</summary>
/// <param name="GitCommit">HEAD of the working directory's repository (+ "-dirty" with uncommitted changes), or "unknown".</param>
/// <param name="Machine">Machine name.</param>
/// <param name="Threads">torch.get_num_threads() during the run.</param>
/// <param name="Date">UTC end time, ISO 8601.</param>
public sealed record RunProvenance(string GitCommit, string Machine, int Threads, string Date)
{
    private static readonly Lazy<string> Commit = new(ReadGitCommit);

    /// <summary>The provenance of a run ending now.</summary>
    public static RunProvenance Now() => new(Commit.Value, Environment.MachineName,
        TorchSharp.torch.get_num_threads(), DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));

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
