using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PEMN.Runtime;

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

/// <summary>Generators of the RP 'rand' permutation (FileFormat.md, "Permutation generators").</summary>
public enum PermutationGenerator : uint
{
    /// <summary>SplitMix64 + Lemire bounded integers + Fisher-Yates, specified in FileFormat.md (<see cref="SeededPermutation"/>).</summary>
    SplitMix64FisherYates = 1,
    /// <summary>torch.randperm(n, generator = Generator(seed)) on the CPU: unspecified, for networks trained before generator 1 existed.</summary>
    TorchRandperm = 2,
}

/// <summary>Where a prototype's values come from.</summary>
public enum PrototypeSource : byte
{
    /// <summary>The values are in the file (float32).</summary>
    Stored = 1,
    /// <summary>The file holds a generator, a seed and a shape; the loader draws the values again.</summary>
    Regenerated = 2,
}

/// <summary>Element types of <see cref="PackedTensor"/>.</summary>
public enum TensorDType : byte
{
    /// <summary>IEEE 754 binary32.</summary>
    Float32 = 1,
    /// <summary>Two's complement 64-bit integer (e.g. BatchNorm's num_batches_tracked).</summary>
    Int64 = 2,
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

/// <summary>
/// One masked layer: its frozen weights are W[i] = <see cref="Scale"/> * V[<see cref="Offset"/> + i] (float32 multiply,
/// row-major flattening), V the (tiled, possibly permuted) vector of prototype <see cref="Prototype"/>; its mask is <see cref="Mask"/>.
/// </summary>
/// <param name="Path">Module path of the layer, e.g. "blocks.0.pointwise".</param>
/// <param name="Shape">Weight shape.</param>
/// <param name="Prototype">Index into <see cref="PackedNetwork.Prototypes"/>.</param>
/// <param name="Offset">Where in the tiled vector the layer starts (0 under every strategy of the paper).</param>
/// <param name="Scale">The float32 rescale factor (1 unless the strategy rescales).</param>
/// <param name="Mask">The trained mask, one entry per weight.</param>
public sealed record PackedLayer(string Path, long[] Shape, int Prototype, long Offset, float Scale, MaskBits Mask);

/// <summary>
/// The RP 'rand' permutation of one prototype's tiled vector: V[j] = T[perm[j]], perm drawn by
/// <see cref="Generator"/> from <see cref="Seed"/> over <see cref="Length"/> = the prototype's tiled length.
/// </summary>
/// <param name="Prototype">Index of the prototype it permutes.</param>
/// <param name="Generator">The permutation generator.</param>
/// <param name="Seed">Its seed (already derived).</param>
/// <param name="Length">n, the tiled length.</param>
/// <param name="Sha256">SHA-256 of perm as int64 little-endian (<see cref="PemnDigest.Of(ReadOnlySpan{long})"/>).</param>
public sealed record PackedPermutation(int Prototype, PermutationGenerator Generator, ulong Seed, long Length, byte[] Sha256);

/// <summary>
/// Any other trained or running tensor of the network (BatchNorm affine and statistics, dense layers,
/// embeddings), by its parameter or buffer name. Exactly one of <see cref="Float32"/> and <see cref="Int64"/> is set.
/// </summary>
/// <param name="Name">Parameter or buffer name, e.g. "blocks.0.bn.running_var".</param>
/// <param name="Shape">Shape (rank 0 for a scalar).</param>
/// <param name="Float32">Row-major data when float32.</param>
/// <param name="Int64">Row-major data when int64.</param>
public sealed record PackedTensor(string Name, long[] Shape, float[]? Float32, long[]? Int64)
{
    /// <summary>A float32 tensor.</summary>
    public static PackedTensor Of(string name, long[] shape, float[] data) => new(name, shape, data, null);

    /// <summary>An int64 tensor.</summary>
    public static PackedTensor Of(string name, long[] shape, long[] data) => new(name, shape, null, data);

    /// <summary>The element type.</summary>
    public TensorDType DType => Float32 is not null ? TensorDType.Float32 : TensorDType.Int64;

    /// <summary>Number of elements held.</summary>
    public long DataLength => Float32?.LongLength ?? Int64?.LongLength ?? 0;
}

/// <summary>
/// One sparse layer (format version 2): trained weights stored at the kept entries of <see cref="Mask"/> and zero
/// elsewhere, the layer form of a conventional sparse network (the baselines of the paper's Fig. 4 and 5). Its positions
/// cost what its mask's coding costs (about H(q) bits per weight when context-coded), its values 32 bits each.
/// </summary>
/// <param name="Path">Module path of the layer, e.g. "blocks.0.pointwise".</param>
/// <param name="Shape">Weight shape.</param>
/// <param name="Mask">Which weights are kept (1) and stored; the others are zero.</param>
/// <param name="Values">The kept weights in row-major order of their positions: exactly one per 1 of <see cref="Mask"/>.</param>
public sealed record PackedSparseLayer(string Path, long[] Shape, MaskBits Mask, float[] Values)
{
    /// <summary>
    /// The layer's weights, flattened row-major: W[i] = Values[j] where entry i is the j-th kept entry of the mask
    /// (counting from 0), +0 where the mask drops it (FileFormat.md, "Semantics of a sparse layer").
    /// </summary>
    /// <exception cref="InvalidOperationException">The values are not one per kept entry (a network that breaks the format's rules).</exception>
    public float[] Weights()
    {
        var kept = Mask.CountOnes();
        if (kept != Values.LongLength)
            throw new InvalidOperationException($"Sparse layer '{Path}': its mask keeps {kept} entries for {Values.LongLength} values.");
        var weights = new float[Mask.Length];
        var next = 0L;
        for (var i = 0L; i < Mask.Length; i++)
            if (Mask[i]) weights[i] = Values[next++];
        return weights;
    }

    /// <summary>The sparse layer of dense weights <paramref name="weights"/> under <paramref name="mask"/>: the values at its kept entries.</summary>
    /// <exception cref="ArgumentException">The mask and the weights differ in length.</exception>
    public static PackedSparseLayer Of(string path, long[] shape, MaskBits mask, ReadOnlySpan<float> weights)
    {
        if (mask.Length != weights.Length)
            throw new ArgumentException($"Sparse layer '{path}': a mask of {mask.Length} entries for {weights.Length} weights.", nameof(weights));
        var values = new float[mask.CountOnes()];
        var next = 0;
        for (var i = 0; i < weights.Length; i++)
            if (mask[i]) values[next++] = weights[i];
        return new PackedSparseLayer(path, shape, mask, values);
    }
}

/// <summary>
/// Everything a PEMN file holds: what is needed to rebuild a trained PEMN network (or a dense or sparse baseline) bit for
/// bit, with no TorchSharp type in it (FileFormat.md). Equality of the record is by reference for its arrays; compare
/// contents with <see cref="FirstDifference"/>.
/// </summary>
/// <param name="ConfigJson">The model / masking / strategy configuration, a JSON object (opaque to the file format).</param>
/// <param name="Prototypes">The random values the masked layers are cut from.</param>
/// <param name="Layers">The masked layers, shallow to deep.</param>
/// <param name="Permutations">RP 'rand' permutations, ascending by prototype index (empty otherwise).</param>
/// <param name="Tensors">Every other tensor the network needs, in the model's order.</param>
/// <param name="SparseLayers">Sparse layers, shallow to deep (none by default; any makes the file version 2).</param>
public sealed record PackedNetwork(
    string ConfigJson,
    IReadOnlyList<PackedPrototype> Prototypes,
    IReadOnlyList<PackedLayer> Layers,
    IReadOnlyList<PackedPermutation> Permutations,
    IReadOnlyList<PackedTensor> Tensors,
    IReadOnlyList<PackedSparseLayer>? SparseLayers = null)
{
    /// <summary>Sparse layers, shallow to deep (empty for PEMN and dense networks).</summary>
    public IReadOnlyList<PackedSparseLayer> SparseLayers { get; init; } = SparseLayers ?? [];

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the first rule of FileFormat.md the network breaks
    /// (the rules a reader enforces, under <paramref name="limits"/>); returns this.
    /// </summary>
    public PackedNetwork Validate(PemnLimits? limits = null)
    {
        var error = PackedRules.NetworkError(this, limits ?? PemnLimits.Default);
        if (error is not null) throw new ArgumentException($"The network cannot be packed: {error}.", nameof(PackedNetwork));
        return this;
    }

    /// <summary>The first difference in content between two networks (floats compared bit for bit), or null when they are identical.</summary>
    public static string? FirstDifference(PackedNetwork a, PackedNetwork b)
    {
        if (a.ConfigJson != b.ConfigJson) return "ConfigJson";
        if (Count("Prototypes", a.Prototypes, b.Prototypes) is { } p) return p;
        for (var i = 0; i < a.Prototypes.Count; i++)
        {
            var (x, y) = (a.Prototypes[i], b.Prototypes[i]);
            if (x.Length != y.Length || x.TiledLength != y.TiledLength || x.Source != y.Source) return $"Prototypes[{i}] length or source";
            if (x.Values is not null && !Bits(x.Values).SequenceEqual(Bits(y.Values!))) return $"Prototypes[{i}].Values";
            if (x.Recipe is { } rx && y.Recipe is { } ry &&
                (rx.Generator != ry.Generator || rx.Seed != ry.Seed || !rx.Shape.SequenceEqual(ry.Shape) || !rx.Sha256.SequenceEqual(ry.Sha256)))
                return $"Prototypes[{i}].Recipe";
        }
        if (Count("Layers", a.Layers, b.Layers) is { } l) return l;
        for (var i = 0; i < a.Layers.Count; i++)
        {
            var (x, y) = (a.Layers[i], b.Layers[i]);
            if (x.Path != y.Path || !x.Shape.SequenceEqual(y.Shape)) return $"Layers[{i}] path or shape";
            if (x.Prototype != y.Prototype || x.Offset != y.Offset || BitConverter.SingleToInt32Bits(x.Scale) != BitConverter.SingleToInt32Bits(y.Scale))
                return $"Layers[{i}] prototype, offset or scale";
            if (!x.Mask.Equals(y.Mask)) return $"Layers[{i}].Mask";
        }
        if (Count("Permutations", a.Permutations, b.Permutations) is { } q) return q;
        for (var i = 0; i < a.Permutations.Count; i++)
        {
            var (x, y) = (a.Permutations[i], b.Permutations[i]);
            if (x.Prototype != y.Prototype || x.Generator != y.Generator || x.Seed != y.Seed || x.Length != y.Length || !x.Sha256.SequenceEqual(y.Sha256))
                return $"Permutations[{i}]";
        }
        if (Count("Tensors", a.Tensors, b.Tensors) is { } t) return t;
        for (var i = 0; i < a.Tensors.Count; i++)
        {
            var (x, y) = (a.Tensors[i], b.Tensors[i]);
            if (x.Name != y.Name || !x.Shape.SequenceEqual(y.Shape) || x.DType != y.DType) return $"Tensors[{i}] name, shape or dtype";
            if (x.Float32 is not null && !Bits(x.Float32).SequenceEqual(Bits(y.Float32!))) return $"Tensors[{i}].Float32";
            if (x.Int64 is not null && !x.Int64.AsSpan().SequenceEqual(y.Int64)) return $"Tensors[{i}].Int64";
        }
        if (Count("SparseLayers", a.SparseLayers, b.SparseLayers) is { } s) return s;
        for (var i = 0; i < a.SparseLayers.Count; i++)
        {
            var (x, y) = (a.SparseLayers[i], b.SparseLayers[i]);
            if (x.Path != y.Path || !x.Shape.SequenceEqual(y.Shape)) return $"SparseLayers[{i}] path or shape";
            if (!x.Mask.Equals(y.Mask)) return $"SparseLayers[{i}].Mask";
            if (!Bits(x.Values).SequenceEqual(Bits(y.Values))) return $"SparseLayers[{i}].Values";
        }
        return null;
    }

    private static string? Count<T>(string what, IReadOnlyList<T> a, IReadOnlyList<T> b) =>
        a.Count == b.Count ? null : $"{what}: {a.Count} vs {b.Count} entries";

    private static ReadOnlySpan<int> Bits(float[] values) => System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(values);

    /// <summary>
    /// The frozen weights of masked layer <paramref name="layer"/>, flattened: W[i] = Scale * V[Offset + i] (FileFormat.md, "Semantics").
    /// </summary>
    /// <param name="layer">Index into <see cref="Layers"/>.</param>
    /// <param name="regenerate">
    /// Draws a regenerated prototype's values (the caller owns the generator, e.g. through TorchSharp); null when every
    /// prototype the layer uses is stored. The values are checked against the recipe's SHA-256.
    /// </param>
    /// <param name="permute">
    /// Draws a permutation whose generator is not specified here (<see cref="PermutationGenerator.TorchRandperm"/>);
    /// generator 1 is computed by <see cref="SeededPermutation"/>. The permutation is checked against its SHA-256.
    /// </param>
    /// <exception cref="InvalidOperationException">A value source is missing or does not reproduce its digest.</exception>
    public float[] LayerWeights(int layer, Func<PackedPrototype, float[]>? regenerate = null, Func<PackedPermutation, long[]>? permute = null)
    {
        var entry = Layers[layer];
        var prototype = Prototypes[entry.Prototype];
        var values = PrototypeValues(entry.Prototype, regenerate);
        var permutation = Permutations.FirstOrDefault(p => p.Prototype == entry.Prototype);
        var order = permutation is null ? null : PermutationOf(permutation, permute);
        var count = PackedRules.Elements(entry.Shape);
        var weights = new float[count];
        for (var i = 0L; i < count; i++)
        {
            var j = entry.Offset + i;
            var tiled = order is null ? j : order[j];
            weights[i] = values[tiled % prototype.Length] * entry.Scale;
        }
        return weights;
    }

    /// <summary>The values of prototype <paramref name="index"/>: stored, or drawn by <paramref name="regenerate"/> and checked against the recipe's digest.</summary>
    public float[] PrototypeValues(int index, Func<PackedPrototype, float[]>? regenerate = null)
    {
        var prototype = Prototypes[index];
        if (prototype.Values is not null) return prototype.Values;
        if (regenerate is null)
            throw new InvalidOperationException($"Prototype {index} is regenerated ({prototype.Recipe!.Generator}); pass a generator that draws it.");
        var values = regenerate(prototype);
        if (values.LongLength != prototype.Length)
            throw new InvalidOperationException($"Prototype {index}: the generator drew {values.LongLength} values; the file declares {prototype.Length}.");
        if (!PemnDigest.Of(values).AsSpan().SequenceEqual(prototype.Recipe!.Sha256))
            throw new InvalidOperationException(
                $"Prototype {index}: the regenerated values do not match the file's SHA-256 ({prototype.Recipe.Generator}, seed {prototype.Recipe.Seed}); " +
                "this libtorch draws different numbers than the one that packed the network. Pack it with stored values instead.");
        return values;
    }

    /// <summary>The permutation <paramref name="permutation"/> describes, checked against its digest.</summary>
    public static long[] PermutationOf(PackedPermutation permutation, Func<PackedPermutation, long[]>? permute = null)
    {
        var order = permutation.Generator == PermutationGenerator.SplitMix64FisherYates
            ? SeededPermutation.Create(permutation.Seed, permutation.Length)
            : permute?.Invoke(permutation)
              ?? throw new InvalidOperationException($"Permutation generator {permutation.Generator} is not specified by the format; pass a function that draws it.");
        if (!PemnDigest.Of(order).AsSpan().SequenceEqual(permutation.Sha256))
            throw new InvalidOperationException(
                $"The permutation of prototype {permutation.Prototype} ({permutation.Generator}, seed {permutation.Seed}) does not match the file's SHA-256.");
        return order;
    }
}

/// <summary>The digests a PEMN file stores for regenerated data: SHA-256 of the little-endian bytes.</summary>
public static class PemnDigest
{
    /// <summary>SHA-256 of float32 values, little-endian.</summary>
    public static byte[] Of(ReadOnlySpan<float> values)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> buffer = stackalloc byte[sizeof(float)];
        foreach (var v in values)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(buffer, v);
            hash.AppendData(buffer);
        }
        return hash.GetHashAndReset();
    }

    /// <summary>SHA-256 of int64 values, little-endian.</summary>
    public static byte[] Of(ReadOnlySpan<long> values)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> buffer = stackalloc byte[sizeof(long)];
        foreach (var v in values)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(buffer, v);
            hash.AppendData(buffer);
        }
        return hash.GetHashAndReset();
    }
}

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

/// <summary>The content rules of FileFormat.md, shared by the writer (<see cref="PackedNetwork.Validate"/>) and the reader.</summary>
internal static class PackedRules
{
    /// <summary>Most dimensions of any shape.</summary>
    public const int MaxRank = 8;

    /// <summary>Bytes of a SHA-256 digest.</summary>
    public const int DigestBytes = 32;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Product of <paramref name="shape"/> (1 for rank 0); the caller has checked it with <see cref="ShapeError"/>.</summary>
    public static long Elements(long[] shape)
    {
        long n = 1;
        foreach (var d in shape) n *= d;
        return n;
    }

    /// <summary>
    /// Null when <paramref name="shape"/> has rank in [minRank, 8], every dimension &gt;= <paramref name="minDim"/>, and
    /// at most <paramref name="maxElements"/> elements (the product is computed with an overflow check).
    /// </summary>
    public static string? ShapeError(long[] shape, int minRank, long minDim, long maxElements, out long elements)
    {
        elements = 0;
        if (shape.Length < minRank || shape.Length > MaxRank) return $"rank {shape.Length} is outside [{minRank}, {MaxRank}]";
        long n = 1;
        for (var d = 0; d < shape.Length; d++)
        {
            if (shape[d] < minDim) return $"dimension {d} is {shape[d]}, below {minDim}";
            // n * shape[d] > maxElements, tested without overflow (maxElements < 2^63, n <= maxElements).
            if (shape[d] != 0 && n > maxElements / shape[d])
                return $"the shape [{string.Join(", ", shape)}] has more than {maxElements} elements";
            n *= shape[d];
        }
        elements = n;
        return null;
    }

    /// <summary>Null when <paramref name="text"/> is non-empty and its UTF-8 form is at most <paramref name="maxBytes"/> bytes.</summary>
    public static string? NameError(string text, int maxBytes)
    {
        if (text.Length == 0) return "the name is empty";
        int bytes;
        try { bytes = StrictUtf8.GetByteCount(text); }
        catch (EncoderFallbackException) { return "the name is not valid Unicode (a lone surrogate)"; }
        return bytes > maxBytes ? $"the name has {bytes} UTF-8 bytes, more than {maxBytes}" : null;
    }

    /// <summary>The UTF-8 bytes of <paramref name="text"/> (strict).</summary>
    public static byte[] Utf8(string text) => StrictUtf8.GetBytes(text);

    /// <summary>Decodes strict UTF-8, or returns null.</summary>
    public static string? DecodeUtf8(ReadOnlySpan<byte> bytes)
    {
        try { return StrictUtf8.GetString(bytes); }
        catch (DecoderFallbackException) { return null; }
    }

    /// <summary>Null when <paramref name="json"/> is a JSON object of at most <paramref name="maxBytes"/> UTF-8 bytes.</summary>
    public static string? ConfigError(string json, int maxBytes)
    {
        int bytes;
        try { bytes = StrictUtf8.GetByteCount(json); }
        catch (EncoderFallbackException) { return "the configuration is not valid Unicode"; }
        if (bytes > maxBytes) return $"the configuration has {bytes} bytes, more than {maxBytes}";
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return $"the configuration is a JSON {document.RootElement.ValueKind}, not an object";
        }
        catch (JsonException e)
        {
            return $"the configuration is not valid JSON ({e.Message})";
        }
        return null;
    }

    /// <summary>Null when prototype <paramref name="p"/> obeys the rules.</summary>
    public static string? PrototypeError(PackedPrototype p, PemnLimits limits)
    {
        if (p.Length < 1 || p.Length > limits.MaxElements) return $"length {p.Length} is outside [1, {limits.MaxElements}]";
        if (p.TiledLength < p.Length || p.TiledLength > limits.MaxElements)
            return $"tiled length {p.TiledLength} is outside [length {p.Length}, {limits.MaxElements}]";
        if ((p.Values is null) == (p.Recipe is null)) return "a prototype is either stored (values) or regenerated (recipe), exactly one";
        if (p.Values is { } values)
        {
            if (values.LongLength != p.Length) return $"it holds {values.LongLength} values but declares {p.Length}";
            for (var i = 0L; i < values.LongLength; i++)
                if (!float.IsFinite(values[i])) return $"value {i} is {values[i]}; random values are finite";
            return null;
        }
        var recipe = p.Recipe!;
        if (!Enum.IsDefined(recipe.Generator)) return $"value generator {(uint)recipe.Generator} is unknown";
        if (ShapeError(recipe.Shape, 1, 1, limits.MaxElements, out var drawn) is { } shape) return $"recipe shape: {shape}";
        if (p.Length > drawn) return $"length {p.Length} is more than the {drawn} values the recipe draws";
        if (recipe.Sha256.Length != DigestBytes) return $"the digest has {recipe.Sha256.Length} bytes, not {DigestBytes}";
        return null;
    }

    /// <summary>Null when layer <paramref name="layer"/> obeys the rules (<paramref name="elements"/>: its weight count).</summary>
    public static string? LayerError(PackedLayer layer, IReadOnlyList<PackedPrototype> prototypes, PemnLimits limits, out long elements)
    {
        elements = 0;
        if (NameError(layer.Path, limits.MaxStringBytes) is { } name) return $"path: {name}";
        if (ShapeError(layer.Shape, 1, 1, limits.MaxElements, out elements) is { } shape) return $"shape: {shape}";
        if (layer.Prototype < 0 || layer.Prototype >= prototypes.Count)
            return $"prototype index {layer.Prototype} is outside [0, {prototypes.Count})";
        var tiled = prototypes[layer.Prototype].TiledLength;
        if (layer.Offset < 0 || layer.Offset > tiled - elements)
            return $"offset {layer.Offset} + {elements} weights runs past the {tiled} values of prototype {layer.Prototype}";
        if (!float.IsFinite(layer.Scale) || layer.Scale <= 0) return $"scale {layer.Scale} is not a finite positive number";
        if (layer.Mask.Length != elements) return $"the mask has {layer.Mask.Length} entries for {elements} weights";
        return null;
    }

    /// <summary>Null when sparse layer <paramref name="layer"/> obeys the rules (<paramref name="elements"/>: its weight count).</summary>
    public static string? SparseLayerError(PackedSparseLayer layer, PemnLimits limits, out long elements)
    {
        elements = 0;
        if (NameError(layer.Path, limits.MaxStringBytes) is { } name) return $"path: {name}";
        if (ShapeError(layer.Shape, 1, 1, limits.MaxElements, out elements) is { } shape) return $"shape: {shape}";
        if (layer.Mask.Length != elements) return $"the mask has {layer.Mask.Length} entries for {elements} weights";
        var kept = layer.Mask.CountOnes();
        if (layer.Values.LongLength != kept) return $"it holds {layer.Values.LongLength} values for the {kept} entries its mask keeps";
        return null;
    }

    /// <summary>Null when permutation <paramref name="p"/> obeys the rules; <paramref name="previous"/> is the prototype index of the one before (-1 for the first).</summary>
    public static string? PermutationError(PackedPermutation p, int previous, IReadOnlyList<PackedPrototype> prototypes)
    {
        if (p.Prototype < 0 || p.Prototype >= prototypes.Count) return $"prototype index {p.Prototype} is outside [0, {prototypes.Count})";
        if (p.Prototype <= previous) return $"prototype index {p.Prototype} does not follow {previous}: permutations are in ascending prototype order, one per prototype";
        if (!Enum.IsDefined(p.Generator)) return $"permutation generator {(uint)p.Generator} is unknown";
        if (p.Length != prototypes[p.Prototype].TiledLength)
            return $"length {p.Length} differs from the tiled length {prototypes[p.Prototype].TiledLength} of prototype {p.Prototype}";
        if (p.Sha256.Length != DigestBytes) return $"the digest has {p.Sha256.Length} bytes, not {DigestBytes}";
        return null;
    }

    /// <summary>Null when tensor <paramref name="t"/> obeys the rules.</summary>
    public static string? TensorError(PackedTensor t, PemnLimits limits)
    {
        if (NameError(t.Name, limits.MaxStringBytes) is { } name) return $"name: {name}";
        if (ShapeError(t.Shape, 0, 0, limits.MaxElements, out var elements) is { } shape) return $"shape: {shape}";
        if ((t.Float32 is null) == (t.Int64 is null)) return "a tensor holds float32 or int64 data, exactly one";
        if (t.DataLength != elements) return $"it holds {t.DataLength} elements for shape [{string.Join(", ", t.Shape)}] ({elements})";
        return null;
    }

    /// <summary>The first rule <paramref name="n"/> breaks, or null.</summary>
    public static string? NetworkError(PackedNetwork n, PemnLimits limits)
    {
        if (ConfigError(n.ConfigJson, limits.MaxConfigBytes) is { } config) return config;
        var table = TableError("prototypes", n.Prototypes.Count, limits) ?? TableError("layers", n.Layers.Count, limits)
            ?? TableError("permutations", n.Permutations.Count, limits) ?? TableError("tensors", n.Tensors.Count, limits);
        if (table is not null) return table;
        for (var i = 0; i < n.Prototypes.Count; i++)
            if (PrototypeError(n.Prototypes[i], limits) is { } e) return $"prototype {i}: {e}";
        var paths = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < n.Layers.Count; i++)
        {
            if (LayerError(n.Layers[i], n.Prototypes, limits, out _) is { } e) return $"layer {i} ('{n.Layers[i].Path}'): {e}";
            if (!paths.Add(n.Layers[i].Path)) return $"layer {i}: path '{n.Layers[i].Path}' appears twice";
        }
        for (var i = 0; i < n.Permutations.Count; i++)
            if (PermutationError(n.Permutations[i], i == 0 ? -1 : n.Permutations[i - 1].Prototype, n.Prototypes) is { } e) return $"permutation {i}: {e}";
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < n.Tensors.Count; i++)
        {
            if (TensorError(n.Tensors[i], limits) is { } e) return $"tensor {i} ('{n.Tensors[i].Name}'): {e}";
            if (!names.Add(n.Tensors[i].Name)) return $"tensor {i}: name '{n.Tensors[i].Name}' appears twice";
        }
        if (TableError("sparse layers", n.SparseLayers.Count, limits) is { } sparseTable) return sparseTable;
        for (var i = 0; i < n.SparseLayers.Count; i++)
        {
            // One path names one layer, whichever its form.
            if (SparseLayerError(n.SparseLayers[i], limits, out _) is { } e) return $"sparse layer {i} ('{n.SparseLayers[i].Path}'): {e}";
            if (!paths.Add(n.SparseLayers[i].Path)) return $"sparse layer {i}: path '{n.SparseLayers[i].Path}' appears twice";
        }
        return null;
    }

    private static string? TableError(string what, int count, PemnLimits limits) =>
        count > limits.MaxTableEntries ? $"{count} {what} exceed the limit of {limits.MaxTableEntries}" : null;
}
