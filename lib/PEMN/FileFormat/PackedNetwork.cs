using PEMN.Runtime;

namespace PEMN.FileFormat;

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
