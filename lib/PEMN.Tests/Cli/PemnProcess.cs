using System.Diagnostics;

namespace PEMN.Tests.Cli;

/// <summary>
/// Runs the built <c>pemn</c> command line as a real OS process (<c>dotnet PEMN.Cli.dll</c>, the copy next to the tests,
/// built with them): what several users, workers or scheduler tasks running at once would do.
/// </summary>
public sealed class PemnProcess : IDisposable
{
    private readonly Process process;
    private readonly Task<string> stdout, stderr;

    /// <summary>The command line's assembly, built with the tests.</summary>
    public static string Dll { get; } = Path.Combine(AppContext.BaseDirectory, "PEMN.Cli.dll");

    private PemnProcess(Process process) =>
        (this.process, stdout, stderr) = (process, process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());

    /// <summary>Starts <c>pemn <paramref name="args"/></c> in <paramref name="workingDirectory"/>.</summary>
    public static PemnProcess Start(string workingDirectory, params string[] args) => Start(workingDirectory, new Dictionary<string, string?>(), args);

    /// <summary>Starts <c>pemn <paramref name="args"/></c> in <paramref name="workingDirectory"/> with <paramref name="environment"/> set (null: removed).</summary>
    public static PemnProcess Start(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        Assert.True(File.Exists(Dll), $"{Dll} is missing: build lib/PEMN.Tests (it builds the command line too).");
        // Through env(1), which execs dotnet in its place (same pid), with Ctrl+C's signal at its default, as a command started
        // from a terminal has it: a test runner started in the background by a script inherits SIGINT ignored.
        var info = new ProcessStartInfo("env")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add("--default-signal=INT");
        info.ArgumentList.Add("dotnet");
        info.ArgumentList.Add(Dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        // The tests' own settings must not leak into the child (a stack trace would hide what a user sees).
        info.Environment.Remove(PEMN.Cli.Pemn.VerboseVariable);
        foreach (var (name, value) in environment)
            if (value is null) info.Environment.Remove(name); else info.Environment[name] = value;
        return new PemnProcess(Process.Start(info)!);
    }

    /// <summary>The process id (to send it signals).</summary>
    public int Id => process.Id;

    /// <summary>Whether it has exited.</summary>
    public bool HasExited => process.HasExited;

    /// <summary>Waits for the exit; returns the exit code, stdout and stderr.</summary>
    /// <exception cref="TimeoutException">Still running after <paramref name="timeout"/> (it is killed).</exception>
    public (int Code, string Out, string Error) Wait(TimeSpan timeout)
    {
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"pemn did not finish within {timeout}; stderr so far: {(stderr.IsCompleted ? stderr.Result : "(open)")}");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Sends a POSIX signal (INT, TERM) with kill(1).</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start("kill", ["-s", name, Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.Dispose();
    }
}
