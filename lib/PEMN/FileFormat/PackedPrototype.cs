namespace PEMN.FileFormat;

/// <summary>
/// Generators that regenerate a prototype's values from a seed (FileFormat.md, "Value generators").
/// Both draw through libtorch, whose algorithms are unspecified: a file that names one also carries the
/// SHA-256 of the values, and a loader must refuse values that do not hash to it.
/// </summary>
public enum ValueGenerator : uint
{
    /// <summary>torch.randn(shape, generator = Generator(seed)) * sqrt(2 / fan_in(shape)), float32, CPU: PEMN's Kaiming normal.</summary>
    TorchKaimingNormal = 1,
    /// <summary>(torch.rand(shape, generator = Generator(seed)) &lt; 0.5 ? 1 : -1) * sqrt(2 / fan_in(shape)), float32, CPU: signed constant.</summary>
    TorchSignedConstant = 2,
}

/// <summary>Where a prototype's values come from.</summary>
public enum PrototypeSource : byte
{
    /// <summary>The values are in the file (float32).</summary>
    Stored = 1,
    /// <summary>The file holds a generator, a seed and a shape; the loader draws the values again.</summary>
    Regenerated = 2,
}

/// <summary>How to draw a prototype's values again.</summary>
/// <param name="Generator">The generator.</param>
/// <param name="Seed">The seed handed to it (already derived; the loader does not mix it further).</param>
/// <param name="Shape">The shape it draws (this shape also sets the Kaiming std); the prototype is the first values of the flattened draw.</param>
/// <param name="Sha256">SHA-256 of the prototype's values as float32 little-endian (<see cref="PemnDigest.Of(ReadOnlySpan{float})"/>).</param>
public sealed record RegenerationRecipe(ValueGenerator Generator, ulong Seed, long[] Shape, byte[] Sha256);

/// <summary>
/// One block of random values that masked layers are cut from. The layers see the tiled vector
/// T[j] = P[j mod Length], j &lt; <see cref="TiledLength"/> (permuted when a <see cref="PackedPermutation"/> names this prototype).
/// </summary>
/// <param name="Length">Values in the prototype P.</param>
/// <param name="TiledLength">Length of the tiled vector: <see cref="Length"/> for Mask, One-layer and MP; N (the largest layer) for RP.</param>
/// <param name="Values">The values when stored, else null.</param>
/// <param name="Recipe">How to draw them when regenerated, else null.</param>
public sealed record PackedPrototype(long Length, long TiledLength, float[]? Values, RegenerationRecipe? Recipe)
{
    /// <summary>Stored values, tiled to <paramref name="tiledLength"/> (default: no tiling).</summary>
    public static PackedPrototype Stored(float[] values, long? tiledLength = null) =>
        new(values.LongLength, tiledLength ?? values.LongLength, values, null);

    /// <summary>Regenerated values: the first <paramref name="length"/> of the recipe's draw, tiled to <paramref name="tiledLength"/>.</summary>
    public static PackedPrototype Regenerated(RegenerationRecipe recipe, long length, long? tiledLength = null) =>
        new(length, tiledLength ?? length, null, recipe);

    /// <summary>Stored or regenerated.</summary>
    public PrototypeSource Source => Values is not null ? PrototypeSource.Stored : PrototypeSource.Regenerated;
}
