using System.Globalization;
using System.Text.Json;

namespace PEMN.Runtime;

/// <summary>
/// What decides the last bits of a computation on a CPU: the processor (vendor, family, model and stepping numbers), the
/// instruction sets that libtorch and oneDNN choose their kernels by, the libtorch build and the thread count. A
/// bit-exact record of a computation holds only where all of these are equal: /proc/cpuinfo's model name does not tell
/// ("AMD EPYC" names several generations that round differently).
/// </summary>
/// <param name="Vendor">vendor_id of /proc/cpuinfo (GenuineIntel, AuthenticAMD), or "unknown".</param>
/// <param name="Family">cpu family number (-1 when unknown).</param>
/// <param name="Model">model number (-1 when unknown).</param>
/// <param name="Stepping">stepping number (-1 when unknown).</param>
/// <param name="Isa">The processor's flags among <see cref="Machine.DispatchFlags"/>, space-separated, in that order.</param>
/// <param name="Libtorch">The libtorch package and version the process loaded (e.g. "libtorch-cpu-linux-x64 2.10.0"), or "unknown".</param>
/// <param name="Threads">torch intra-op threads.</param>
public sealed record NumericsIdentity(string Vendor, int Family, int Model, int Stepping, string Isa, string Libtorch, int Threads)
{
    /// <summary>One line for test output and reports: "AuthenticAMD family 26 model 2 stepping 1; avx avx2 ...; libtorch ...; 1 thread(s)".</summary>
    public override string ToString() =>
        $"{Vendor} family {Family} model {Model} stepping {Stepping}; {(Isa.Length == 0 ? "no dispatch flags" : Isa)}; {Libtorch}; {Threads} thread(s)";

    /// <summary>Whether the processor computes bfloat16 natively (AVX512-BF16 or AMX-BF16); without it bf16 is emulated and slow.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool HasNativeBf16 => Isa.Split(' ').Any(f => f is "avx512_bf16" or "amx_bf16");
}

/// <summary>The machine this process computes on: its <see cref="NumericsIdentity"/> and the native heap allocator it runs with.</summary>
public static class Machine
{
    /// <summary>
    /// The /proc/cpuinfo flags that select kernels in libtorch (ATen's DEFAULT / AVX2 / AVX512 builds) and oneDNN (VNNI,
    /// BF16, FP16 and AMX paths): two processors that differ in one of them may take different code paths.
    /// </summary>
    public static IReadOnlyList<string> DispatchFlags { get; } =
    [
        "sse4_2", "avx", "f16c", "fma", "avx2", "avx_vnni",
        "avx512f", "avx512dq", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "avx512_fp16",
        "amx_tile", "amx_bf16", "amx_int8",
    ];

    private const string CpuInfo = "/proc/cpuinfo";
    private const string Maps = "/proc/self/maps";

    /// <summary>The identity of this machine and process at <paramref name="threads"/> torch threads (default: the current count).</summary>
    public static NumericsIdentity Identity(int? threads = null) =>
        Identify(File.Exists(CpuInfo) ? File.ReadAllText(CpuInfo) : "", LoadedLibtorch(), threads ?? TorchSharp.torch.get_num_threads());

    /// <summary>The identity described by the text of a /proc/cpuinfo (its first processor), a libtorch name and a thread count.</summary>
    public static NumericsIdentity Identify(string cpuinfo, string libtorch, int threads)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in cpuinfo.Split('\n'))
        {
            // The first processor's block ends at the first blank line.
            if (line.Trim().Length == 0) { if (fields.Count > 0) break; continue; }
            var colon = line.IndexOf(':');
            if (colon > 0) fields.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
        }
        int Number(string key) => fields.TryGetValue(key, out var v) && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : -1;
        var flags = fields.TryGetValue("flags", out var f) ? f.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal) : [];
        return new NumericsIdentity(fields.GetValueOrDefault("vendor_id", "unknown"), Number("cpu family"), Number("model"), Number("stepping"),
            string.Join(" ", DispatchFlags.Where(flags.Contains)), libtorch, threads);
    }

    /// <summary>
    /// The heap allocator of this process: "tcmalloc" or "jemalloc" when one is loaded (scripts/lib.sh preloads tcmalloc,
    /// <see cref="AllocatorVariable"/> switches it off), else "glibc".
    /// </summary>
    public static string Allocator
    {
        get
        {
            if (!File.Exists(Maps)) return "unknown";
            foreach (var line in File.ReadLines(Maps))
            {
                if (line.Contains("/libtcmalloc", StringComparison.Ordinal)) return "tcmalloc";
                if (line.Contains("/libjemalloc", StringComparison.Ordinal)) return "jemalloc";
            }
            return "glibc";
        }
    }

    /// <summary>The environment variable that chooses the allocator of the project's scripts: tcmalloc (default) or glibc.</summary>
    public const string AllocatorVariable = "PEMN_ALLOCATOR";

    /// <summary>
    /// The libtorch package this process was built against, read from the application's .deps.json (the NuGet package
    /// names libtorch's version; its files do not), or "unknown".
    /// </summary>
    private static string LoadedLibtorch()
    {
        // The host's deps files (the CLI's), then those beside this library (a test host or a notebook kernel loads it from a build folder).
        var here = Path.GetDirectoryName(typeof(Machine).Assembly.Location) ?? "";
        var deps = (AppContext.GetData("APP_CONTEXT_DEPS_FILES") as string ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(Directory.Exists(here) ? Directory.EnumerateFiles(here, "*.deps.json") : []);
        foreach (var path in deps.Where(File.Exists))
        {
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllText(path));
                if (!document.RootElement.TryGetProperty("libraries", out var libraries)) continue;
                foreach (var library in libraries.EnumerateObject())
                    if (library.Name.StartsWith("libtorch-", StringComparison.OrdinalIgnoreCase) && library.Name.Split('/') is [var name, var version])
                        return $"{name} {version}";
            }
            catch (JsonException)
            {
                // A deps file this process cannot read names no libtorch.
            }
        }
        return "unknown";
    }
}
