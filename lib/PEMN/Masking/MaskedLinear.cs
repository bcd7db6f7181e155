using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PEMN.Masking;

/// <summary>A bias-free linear layer with frozen random weights masked by the top-k of learnable scores.</summary>
public sealed class MaskedLinear : nn.Module<Tensor, Tensor>, IMaskedLayer
{
    private readonly Tensor weight;
    private readonly Parameter scores;

    /// <summary>Creates the layer with the given frozen weight [out, in] and initial scores (both taken over).</summary>
    public MaskedLinear(string name, Tensor weight, Tensor scores, double keepFraction) : base(name)
    {
        MaskingOptions.ValidateKeepFraction(keepFraction);
        if (weight.dim() != 2 || !weight.shape.SequenceEqual(scores.shape))
            throw new ArgumentException($"Layer '{name}': weight and scores must both have shape [out, in].");
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
        return nn.functional.linear(input, w);
    }
}
