namespace PEMN.FileFormat;

/// <summary>
/// The reader's limits on what a file may declare. Sizes backed by bytes in the file are bounded by the file
/// itself; these bound what is not (regenerated prototypes, tiled lengths, the file, strings, tables).
/// </summary>
/// <param name="MaxFileBytes">Largest file read (1 GiB).</param>
/// <param name="MaxConfigBytes">Largest configuration JSON (1 MiB).</param>
/// <param name="MaxStringBytes">Longest layer path or tensor name in UTF-8 bytes (1,024).</param>
/// <param name="MaxTableEntries">Most prototypes, layers, permutations or tensors (65,536).</param>
/// <param name="MaxElements">Most elements of any prototype, tiled vector, layer or tensor (2^28: 1 GiB of float32).</param>
public sealed record PemnLimits(
    long MaxFileBytes = 1L << 30,
    int MaxConfigBytes = 1 << 20,
    int MaxStringBytes = 1024,
    int MaxTableEntries = 1 << 16,
    long MaxElements = 1L << 28)
{
    /// <summary>The defaults above.</summary>
    public static PemnLimits Default { get; } = new();
}
