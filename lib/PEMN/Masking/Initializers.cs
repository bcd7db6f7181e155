using PEMN.Runtime;
using static TorchSharp.torch;

namespace PEMN.Masking;

/// <summary>Seeded initialisers for frozen weights and learnable scores.</summary>
public static class Initializers
{
    /// <summary>fan_in of a weight of shape [out, in/groups, kh, kw] or [out, in].</summary>
    public static long FanIn(long[] shape) => shape.Skip(1).Aggregate(1L, (a, b) => a * b);

    /// <summary>Kaiming normal std for ReLU: sqrt(2 / fan_in).</summary>
    public static double KaimingStd(long[] shape) => Math.Sqrt(2.0 / FanIn(shape));

    /// <summary>Frozen random weights of the given shape drawn with <paramref name="generator"/>.</summary>
    public static Tensor Weight(long[] shape, WeightInit init, Generator generator)
    {
        var std = KaimingStd(shape);
        using var scope = NewDisposeScope();
        var w = init switch
        {
            WeightInit.KaimingNormal => randn(shape, generator: generator).mul_(std),
            // Sign from a fair coin: +-std, as edge-popup's "signed constant".
            WeightInit.SignedConstant => rand(shape, generator: generator).lt_(0.5).to(ScalarType.Float32).mul_(2).sub_(1).mul_(std),
            _ => throw ConfigError.Enum(nameof(init), init),
        };
        return w.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Kaiming uniform with a = sqrt(5), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)): PyTorch's default for conv and
    /// linear weights (the authors' dense model) and edge-popup's score init.
    /// </summary>
    public static Tensor KaimingUniform(long[] shape, Generator generator)
    {
        var bound = 1.0 / Math.Sqrt(FanIn(shape));
        using var scope = NewDisposeScope();
        return rand(shape, generator: generator).mul_(2 * bound).sub_(bound).MoveToOuterDisposeScope();
    }
}
