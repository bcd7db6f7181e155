using System.Runtime.InteropServices;

namespace PEMN.Runtime;

/// <summary>
/// How the C allocator under libtorch treats tensor memory. On glibc, a freed block above the mmap threshold goes back
/// to the system, but the threshold rises to the size of each freed block (up to 32 MiB), so after the first steps every
/// activation and gradient of a training step lives in the heap, which keeps freed memory: a quick run held about
/// 1.2 GiB resident, twice the PyTorch reference's. A fixed threshold gives tensors their own mappings, returned when
/// disposed (results/benchmarks/: the resident memory of a quick run with and without it).
/// </summary>
public static class NativeMemory
{
    /// <summary>Blocks at or above this size are mapped on their own and unmapped when freed (glibc's default before it adapts).</summary>
    public const int MmapThresholdBytes = 128 * 1024;
    private const int MallocMmapThreshold = -3; // M_MMAP_THRESHOLD in glibc's malloc.h
    private static int applied;

    /// <summary>True once <see cref="ReturnFreedTensors"/> has set the threshold (Linux with glibc).</summary>
    public static bool IsApplied => Volatile.Read(ref applied) == 1;

    /// <summary>
    /// Fixes glibc's mmap threshold at <see cref="MmapThresholdBytes"/> for this process (once; elsewhere a no-op).
    /// Numerics are unchanged: only where freed memory goes.
    /// </summary>
    public static void ReturnFreedTensors()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.CompareExchange(ref applied, 1, 0) != 0) return;
        try
        {
            if (mallopt(MallocMmapThreshold, MmapThresholdBytes) != 1) Volatile.Write(ref applied, 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            Volatile.Write(ref applied, 0); // not glibc (musl has no mallopt): its allocator keeps its own policy
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int mallopt(int param, int value);
}
