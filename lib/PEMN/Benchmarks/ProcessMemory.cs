using System.Globalization;

namespace PEMN.Benchmarks;

/// <summary>
/// The memory of this process as the kernel counts it (Linux /proc/self/status): resident set now and at its peak, and
/// the resident set split into anonymous memory (heaps: the .NET GC's, malloc's, libtorch's tensors) and file-backed pages
/// (the code of libtorch, the runtime and the assemblies, shared with other processes). The PyTorch reference reads the
/// same fields (bench/pytorch/pemn_bench.py), so the two compare field by field.
/// </summary>
/// <param name="RssBytes">VmRSS: resident now.</param>
/// <param name="PeakRssBytes">VmHWM: the peak resident set since the process started.</param>
/// <param name="AnonymousBytes">RssAnon: resident anonymous memory.</param>
/// <param name="FileBytes">RssFile: resident file-backed pages.</param>
public sealed record ProcessMemory(long RssBytes, long PeakRssBytes, long AnonymousBytes, long FileBytes)
{
    private const string StatusFile = "/proc/self/status";
    private const long BytesPerKiB = 1024;

    /// <summary>The current figures, or null where /proc/self/status does not exist (not Linux).</summary>
    public static ProcessMemory? Current()
    {
        if (!File.Exists(StatusFile)) return null;
        var fields = File.ReadLines(StatusFile)
            .Select(l => l.Split(':', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1].Trim());
        long KiB(string name) => fields.TryGetValue(name, out var v)
            ? long.Parse(v.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture) * BytesPerKiB
            : 0;
        return new ProcessMemory(KiB("VmRSS"), KiB("VmHWM"), KiB("RssAnon"), KiB("RssFile"));
    }
}
