using PEMN.Masking;
using static TorchSharp.torch;

namespace PEMN.FileFormat;

/// <summary>
/// The generators of FileFormat.md section 10 that draw through libtorch: value generators 1 and 2 (a prototype
/// regenerated from a seed) and permutation generator 2 (torch.randperm). They call the very code that drew the
/// frozen weights in the first place (<see cref="Initializers.Weight"/> with a generator seeded as
/// <see cref="LayerFactory"/> seeds it), so on one libtorch the draw is the same bit for bit. Across libtorch
/// versions nothing promises that: a file carries the SHA-256 of what was drawn, and
/// <see cref="PackedNetwork.PrototypeValues"/> refuses values that do not hash to it.
/// </summary>
public static class ValueRegeneration
{
    /// <summary>The value generator that draws like <paramref name="init"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="init"/> is not a defined weight init.</exception>
    public static ValueGenerator GeneratorOf(WeightInit init) => init switch
    {
        WeightInit.KaimingNormal => ValueGenerator.TorchKaimingNormal,
        WeightInit.SignedConstant => ValueGenerator.TorchSignedConstant,
        _ => throw new ArgumentOutOfRangeException(nameof(init), init, $"No value generator draws weight init {init}."),
    };

    /// <summary>The weight init that <paramref name="generator"/> draws.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="generator"/> is not a defined value generator.</exception>
    public static WeightInit InitOf(ValueGenerator generator) => generator switch
    {
        ValueGenerator.TorchKaimingNormal => WeightInit.KaimingNormal,
        ValueGenerator.TorchSignedConstant => WeightInit.SignedConstant,
        _ => throw new ArgumentOutOfRangeException(nameof(generator), generator, $"Value generator {(uint)generator} is unknown; known: 1, 2."),
    };

    /// <summary>
    /// The first <paramref name="length"/> values of <paramref name="recipe"/>'s draw, flattened row-major: what a
    /// regenerated prototype holds. Allocates the whole drawn shape: callers check it against the model first.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> exceeds the drawn shape's elements.</exception>
    public static float[] Draw(RegenerationRecipe recipe, long length)
    {
        var elements = recipe.Shape.Aggregate(1L, (a, b) => a * b);
        if (length < 0 || length > elements)
            throw new ArgumentOutOfRangeException(nameof(length), length, $"A draw of shape [{string.Join(", ", recipe.Shape)}] holds {elements} values; {length} were asked for.");
        using var scope = NewDisposeScope();
        using var generator = new Generator(recipe.Seed);
        var drawn = Initializers.Weight(recipe.Shape, InitOf(recipe.Generator), generator);
        return drawn.flatten().narrow(0, 0, length).cpu().data<float>().ToArray();
    }

    /// <summary>A regenerated prototype's values (the callback <see cref="PackedNetwork.LayerWeights"/> takes).</summary>
    public static float[] Draw(PackedPrototype prototype) =>
        Draw(prototype.Recipe ?? throw new ArgumentException("The prototype stores its values; there is nothing to draw.", nameof(prototype)), prototype.Length);

    /// <summary>Permutation generator 2: torch.randperm(n, generator = Generator(seed)) on the CPU.</summary>
    public static long[] Randperm(PackedPermutation permutation)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(permutation.Seed);
        return randperm(permutation.Length, generator: generator).data<long>().ToArray();
    }
}
