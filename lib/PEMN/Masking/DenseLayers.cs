using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PEMN.Masking;

/// <summary>
/// A bias-free 2-D convolution whose weight is trained: the Dense baseline's conv. It holds what nn.Conv2d holds (one
/// parameter registered as "weight", so state dicts of either load into the other) and computes through
/// <see cref="ConvSpec.Apply"/> as the masked and sparse convolutions do, so that all three layer kinds take the same
/// code path (memory format, precision).
/// </summary>
public sealed class DenseConv2d : nn.Module<Tensor, Tensor>
{
    /// <summary>The registered name of the weight (as nn.Conv2d names it).</summary>
    public const string WeightName = "weight";

    /// <summary>Takes over the initial <paramref name="weight"/>, which must have the shape of <paramref name="spec"/>.</summary>
    /// <exception cref="ArgumentException">The weight's shape differs from the geometry's.</exception>
    public DenseConv2d(string name, ConvSpec spec, Tensor weight) : base(name)
    {
        Spec = spec.Validate();
        if (!weight.shape.SequenceEqual(spec.WeightShape))
            throw new ArgumentException(
                $"Layer '{name}': weight [{string.Join(", ", weight.shape)}] must have shape [{string.Join(", ", spec.WeightShape)}].", nameof(weight));
        using (weight) register_parameter(WeightName, new Parameter(weight.detach(), requires_grad: true));
    }

    /// <summary>The convolution geometry.</summary>
    public ConvSpec Spec { get; }

    /// <summary>The trained weights [out, in / groups, k, k].</summary>
    public Parameter Weight => get_parameter(WeightName)!;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => Spec.Apply(input, Weight);
}
