using System.Diagnostics;

namespace PEMN.Tests.Scripts;

/// <summary>Runs one of the repository's scripts and returns its exit code and output (stdout, then stderr).</summary>
internal static class ScriptProcess
{
    public static (int ExitCode, string Output) Run(string file, string workingDirectory, IReadOnlyDictionary<string, string>? environment,
        TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish within {timeout}.");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
