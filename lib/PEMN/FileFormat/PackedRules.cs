using System.Text;
using System.Text.Json;

namespace PEMN.FileFormat;

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
