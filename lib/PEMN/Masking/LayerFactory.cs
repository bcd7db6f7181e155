using PEMN.Runtime;
using static TorchSharp.torch;

namespace PEMN.Masking;

/// <summary>Whether a model's conv and linear layers are ordinary trained layers or masked ones.</summary>
public enum LayerKind
{
    /// <summary>Ordinary layers whose weights are trained (the "Dense" baseline).</summary>
    Dense,
    /// <summary>Frozen random weights with learnable top-k masks (sparse selection).</summary>
    Masked,
    /// <summary>
    /// Trained weights under a fixed binary keep mask of fraction q = <see cref="MaskingOptions.KeepFraction"/>
    /// (<see cref="SparseLayer"/>): the conventional sparse baselines. Initialised as <see cref="Dense"/> layers of the
    /// same seed, so a sparse network prunes the very weights the dense run of its seed starts from.
    /// </summary>
    Sparse,
}

/// <summary>
/// Builds the conv, linear and normalisation layers of a model, dense or masked, so that each model
/// is written once. Every weight layer gets its own generator seeded from (seed, creation index):
/// the same seed and definition give bit-identical weights and scores. Masked layers draw their frozen
/// weights with <see cref="MaskingOptions.WeightInit"/> (the paper: Kaiming normal) and their scores with
/// Kaiming uniform (a = sqrt 5); dense layers are the authors' dense model, plain convolutions
/// (<see cref="DenseConv2d"/>, nn.Conv2d's parameter) and nn.Linear with PyTorch's default init, Kaiming uniform (a = sqrt 5); sparse layers draw the same weights as dense ones and
/// start with nothing pruned (a sparse baseline then fixes their masks).
/// </summary>
public sealed class LayerFactory
{
    private long created;

    /// <summary>Creates a factory.</summary>
    /// <param name="kind">Dense, masked or sparse conv and linear layers.</param>
    /// <param name="options">Masking settings (k, weight init, norm mode; q for sparse layers); validated here.</param>
    /// <param name="seed">Seed of every random weight and score this factory draws.</param>
    public LayerFactory(LayerKind kind, MaskingOptions? options = null, long seed = 0)
    {
        if (!Enum.IsDefined(kind))
            throw ConfigError.Enum(nameof(kind), kind);
        Kind = kind;
        Options = (options ?? new MaskingOptions()).Validate();
        Seed = seed;
    }

    /// <summary>Dense, masked or sparse.</summary>
    public LayerKind Kind { get; }
    /// <summary>The masking settings.</summary>
    public MaskingOptions Options { get; }
    /// <summary>The base seed.</summary>
    public long Seed { get; }

    /// <summary>A bias-free 2-D convolution.</summary>
    public nn.Module<Tensor, Tensor> Conv2d(string name, ConvSpec spec)
    {
        spec.Validate();
        var (weight, scores) = Draw(spec.WeightShape);
        if (Kind == LayerKind.Masked)
            return new MaskedConv2d(name, spec, weight, scores!, Options.KeepFraction);
        if (Kind == LayerKind.Sparse)
            return new SparseConv2d(name, spec, weight, Options.KeepFraction);
        return new DenseConv2d(name, spec, weight);
    }

    /// <summary>A bias-free linear layer.</summary>
    public nn.Module<Tensor, Tensor> Linear(string name, long inFeatures, long outFeatures)
    {
        if (inFeatures <= 0 || outFeatures <= 0)
            throw new ArgumentOutOfRangeException(nameof(inFeatures), $"Linear '{name}' needs positive sizes; got {inFeatures} -> {outFeatures}.");
        var (weight, scores) = Draw([outFeatures, inFeatures]);
        if (Kind == LayerKind.Masked)
            return new MaskedLinear(name, weight, scores!, Options.KeepFraction);
        if (Kind == LayerKind.Sparse)
            return new SparseLinear(name, weight, Options.KeepFraction);
        var linear = nn.Linear(inFeatures, outFeatures, hasBias: false);
        Overwrite(linear.weight!, weight);
        return linear;
    }

    /// <summary>BatchNorm over channels; affine or not according to <see cref="MaskingOptions.Norm"/> (dense and sparse networks, whose weights are trained: always affine).</summary>
    public nn.Module<Tensor, Tensor> BatchNorm2d(long channels) =>
        nn.BatchNorm2d(channels, affine: AffineNorm);

    /// <summary>LayerNorm over the last dimension; affine as <see cref="BatchNorm2d"/>.</summary>
    public nn.Module<Tensor, Tensor> LayerNorm(long features) =>
        nn.LayerNorm(features, elementwise_affine: AffineNorm);

    private bool AffineNorm => Kind != LayerKind.Masked || Options.Norm == NormMode.Learnable;

    private (Tensor Weight, Tensor? Scores) Draw(long[] shape)
    {
        var index = created++;
        using var weightGen = new Generator(SeedMix.Derive(Seed, index, 0));
        if (Kind != LayerKind.Masked) return (Initializers.KaimingUniform(shape, weightGen), null);
        var weight = Initializers.Weight(shape, Options.WeightInit, weightGen);
        using var scoreGen = new Generator(SeedMix.Derive(Seed, index, 1));
        return (weight, Initializers.KaimingUniform(shape, scoreGen));
    }

    private static void Overwrite(Tensor parameter, Tensor values)
    {
        using var noGrad = no_grad();
        using (values) parameter.copy_(values);
    }
}
