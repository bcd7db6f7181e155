using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PEMN.Masking;

/// <summary>
/// A bias-free 2-D convolution whose weight is frozen at random values and masked by the top-k of
/// learnable scores (edge-popup / PEMN sparse selection).
/// </summary>
public sealed class MaskedConv2d : nn.Module<Tensor, Tensor>, IMaskedLayer
{
    private readonly Tensor weight;
    private readonly Parameter scores;
    private readonly ConvSpec spec;

    /// <summary>Creates the layer with the given frozen weight and initial scores (both taken over).</summary>
    public MaskedConv2d(string name, ConvSpec spec, Tensor weight, Tensor scores, double keepFraction) : base(name)
    {
        this.spec = spec.Validate();
        MaskingOptions.ValidateKeepFraction(keepFraction);
        if (!weight.shape.SequenceEqual(spec.WeightShape) || !scores.shape.SequenceEqual(spec.WeightShape))
            throw new ArgumentException(
                $"Layer '{name}': weight and scores must have shape [{string.Join(", ", spec.WeightShape)}].");
        KeepFraction = keepFraction;
        // Taken over: the detached copies share storage, so the given wrappers are released here (else they leak per build).
        using (weight) this.weight = weight.detach();
        using (scores) this.scores = new Parameter(scores.detach(), requires_grad: true);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public Tensor Weight => weight;
    /// <inheritdoc/>
    public Parameter Scores => scores;
    /// <inheritdoc/>
    public double KeepFraction { get; }
    /// <summary>The convolution geometry.</summary>
    public ConvSpec Spec => spec;

    /// <inheritdoc/>
    public Tensor Mask() => TopKMask.Compute(scores, KeepFraction, GetName());
    /// <inheritdoc/>
    public Tensor EffectiveWeight() => MaskedWeight.Effective(weight, scores, KeepFraction, GetName());
    /// <inheritdoc/>
    public void SetWeight(Tensor values) => MaskedWeight.CopyInto(weight, values, GetName());

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var w = EffectiveWeight();
        return Conv.Apply(input, w, spec);
    }
}
