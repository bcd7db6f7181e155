using System.Diagnostics;

namespace PEMN.Tests.Fuzz;

/// <summary>
/// Runs the fuzz harness (PEMN.Fuzz.dll beside the tests) in a child process whose address space is capped with
/// <c>ulimit -v</c>, so that a reader which allocates a declared size before checking it dies of OutOfMemoryException
/// instead of passing. Measured here: dotnet starts with 1.5 GB of address space and not with 1 GB; with the GC heap capped
/// at 1 GiB (DOTNET_GCHeapHardLimit) the runtime reserves little, so 3 GB of address space runs every reader while a
/// multi-gigabyte allocation fails (<see cref="HostileSizeTests.The_cap_refuses_a_gigabyte_and_a_half"/>).
/// </summary>
public static class CappedHarness
{
    /// <summary>The address-space cap, in KiB (ulimit -v): about 2.9 GiB.</summary>
    public const long AddressSpaceKib = 3_000_000;

    /// <summary>The GC heap cap: 1 GiB, as hex for DOTNET_GCHeapHardLimit.</summary>
    public const string GcHeapHardLimit = "0x40000000";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static string Dll { get; } = Path.Combine(AppContext.BaseDirectory, "PEMN.Fuzz.dll");

    /// <summary>Runs <c>PEMN.Fuzz ARGS</c> under the cap; its exit code and its output (stdout, then stderr).</summary>
    public static (int ExitCode, string Output) Run(params string[] args)
    {
        var command = $"ulimit -v {AddressSpaceKib} && exec dotnet \"$0\" \"$@\"";
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-c", command, Dll }.Concat(args)) info.ArgumentList.Add(a);
        info.Environment["DOTNET_GCHeapHardLimit"] = GcHeapHardLimit;
        // The defaults of every limit: a PEMN_LIMIT_SCALE of the test environment must not raise them.
        info.Environment.Remove(global::PEMN.Runtime.SizeLimits.ScaleVariable);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"PEMN.Fuzz {string.Join(' ', args)} did not end within {Timeout.TotalSeconds} s");
        }
        return (process.ExitCode, output.Result + error.Result);
    }

    /// <summary>Writes <paramref name="input"/> to a file and checks it against <paramref name="target"/>'s contract under the cap.</summary>
    public static (int ExitCode, string Output) Check(string target, byte[] input, string name = "input")
    {
        var folder = Directory.CreateTempSubdirectory("pemn-capped-");
        try
        {
            var path = Path.Combine(folder.FullName, name);
            File.WriteAllBytes(path, input);
            return Run("check", target, path);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
