using PEMN.Runtime;

namespace PEMN.FileFormat;

/// <summary>
/// The reader's limits on what a file may declare. Sizes backed by bytes in the file are bounded by the file
/// itself; these bound what is not (regenerated prototypes, tiled lengths, decoded masks, the file, strings, tables).
/// </summary>
/// <param name="MaxFileBytes">Largest file read (1 GiB).</param>
/// <param name="MaxConfigBytes">Largest configuration JSON (1 MiB).</param>
/// <param name="MaxStringBytes">Longest layer path or tensor name in UTF-8 bytes (1,024).</param>
/// <param name="MaxTableEntries">Most prototypes, layers, permutations or tensors (65,536).</param>
/// <param name="MaxElements">Most elements of any prototype, tiled vector, layer or tensor (2^28: 1 GiB of float32).</param>
/// <param name="MaxMaskEntries">
/// Most mask entries of all layers together (2^30: 128 MiB of decoded masks). A context-coded payload byte can carry up to
/// 5,680 entries, so without this bound a file of many small payloads that each claim a large layer would decode to
/// thousands of times its size (a "zip bomb" of masks); the per-layer bound is <paramref name="MaxElements"/>.
/// </param>
public sealed record PemnLimits(
    long MaxFileBytes = PemnLimits.DefaultMaxFileBytes,
    int MaxConfigBytes = PemnLimits.DefaultMaxConfigBytes,
    int MaxStringBytes = PemnLimits.DefaultMaxStringBytes,
    int MaxTableEntries = PemnLimits.DefaultMaxTableEntries,
    long MaxElements = PemnLimits.DefaultMaxElements,
    long MaxMaskEntries = PemnLimits.DefaultMaxMaskEntries)
{
    /// <summary>Default of <see cref="MaxFileBytes"/>: 1 GiB.</summary>
    public const long DefaultMaxFileBytes = 1L << 30;
    /// <summary>Default of <see cref="MaxConfigBytes"/>: 1 MiB.</summary>
    public const int DefaultMaxConfigBytes = 1 << 20;
    /// <summary>Default of <see cref="MaxStringBytes"/>: 1,024.</summary>
    public const int DefaultMaxStringBytes = 1024;
    /// <summary>Default of <see cref="MaxTableEntries"/>: 65,536.</summary>
    public const int DefaultMaxTableEntries = 1 << 16;
    /// <summary>Default of <see cref="MaxElements"/>: 2^28.</summary>
    public const long DefaultMaxElements = 1L << 28;
    /// <summary>Default of <see cref="MaxMaskEntries"/>: 2^30.</summary>
    public const long DefaultMaxMaskEntries = 1L << 30;

    /// <summary>
    /// The defaults above, each multiplied by <see cref="SizeLimits.Scale"/> (<c>PEMN_LIMIT_SCALE</c>) except the string
    /// and table limits, which no honest network approaches; what every reader uses unless given limits.
    /// </summary>
    public static PemnLimits Default => new(
        MaxFileBytes: SizeLimits.Scaled(DefaultMaxFileBytes),
        MaxConfigBytes: SizeLimits.Scaled(DefaultMaxConfigBytes),
        MaxElements: SizeLimits.Scaled(DefaultMaxElements),
        MaxMaskEntries: SizeLimits.Scaled(DefaultMaxMaskEntries));
}
