using System.Diagnostics;

namespace PEMN.Cli;

/// <summary>
/// Starting this command line again as a child process (<c>pemn bench suite</c>'s benchmark processes, the workers of
/// <c>--workers</c>): the same build, whether this process was started as <c>dotnet PEMN.Cli.dll</c>, as the PEMN.Cli
/// executable, or is another host that loaded the assembly (the tests): then it is <c>dotnet PEMN.Cli.dll</c>.
/// </summary>
public static class SelfProcess
{
    /// <summary>A start description of <c>pemn <paramref name="args"/></c>, output redirected.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var dll = typeof(SelfProcess).Assembly.Location;
        var current = Environment.ProcessPath;
        var currentName = current is null ? "" : Path.GetFileNameWithoutExtension(current);
        ProcessStartInfo info;
        if (currentName == Path.GetFileNameWithoutExtension(dll))
            info = new ProcessStartInfo(current!); // the apphost: its own arguments follow
        else
        {
            // dotnet itself, or a host such as the test runner: run the dll with the dotnet that runs us (else the one on PATH).
            var dotnet = currentName == "dotnet" ? current! : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
            info = new ProcessStartInfo(dotnet);
            info.ArgumentList.Add(dll);
        }
        foreach (var a in args) info.ArgumentList.Add(a);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        return info;
    }
}
