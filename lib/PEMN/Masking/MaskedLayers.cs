using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PEMN.Masking;

/// <summary>
/// A layer computing with <c>Weight * Mask(Scores)</c>: frozen random weights (a buffer: saved and moved with
/// the module, never trained) and learnable scores of the same shape; the mask keeps the top-k fraction of
/// |scores| (edge-popup / PEMN sparse selection). Strategies rewrite <see cref="Weight"/> in place; optimisers
/// only ever see <see cref="Scores"/>. Subclasses hold only what differs: how the weight is applied.
/// </summary>
public abstract class MaskedLayer : nn.Module<Tensor, Tensor>
{
    private readonly Tensor weight;
    private readonly Parameter scores;
    private Tensor? frozen;

    /// <summary>Takes over the frozen <paramref name="weight"/> and the initial <paramref name="scores"/> (same shape).</summary>
    /// <exception cref="ArgumentException">The shapes differ from <paramref name="shape"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">k is not in (0, 1].</exception>
    protected MaskedLayer(string name, long[] shape, Tensor weight, Tensor scores, double keepFraction) : base(name)
    {
        MaskingOptions.ValidateKeepFraction(keepFraction);
        if (!weight.shape.SequenceEqual(shape) || !scores.shape.SequenceEqual(shape))
            throw new ArgumentException(
                $"Layer '{name}': weight [{string.Join(", ", weight.shape)}] and scores [{string.Join(", ", scores.shape)}] " +
                $"must both have shape [{string.Join(", ", shape)}].");
        KeepFraction = keepFraction;
        // Taken over: the detached copies share storage, so the given wrappers are released here (else they leak per build).
        using (weight) this.weight = weight.detach();
        using (scores) this.scores = new Parameter(scores.detach(), requires_grad: true);
        // Registered by the subclass's RegisterComponents() call, after its own fields are set.
    }

    /// <summary>The frozen random weights.</summary>
    public Tensor Weight => weight;

    /// <summary>The learnable scores, same shape as <see cref="Weight"/>.</summary>
    public Parameter Scores => scores;

    /// <summary>k: the fraction of this layer's weights the mask keeps.</summary>
    public double KeepFraction { get; }

    /// <summary>The current binary mask (no gradient), same shape and dtype as the weight.</summary>
    public Tensor Mask() => TopKMask.Compute(scores, KeepFraction);

    /// <summary>
    /// The weight the layer computes with: W * ((|S| - stop_gradient(|S|)) + M). The bracket is exactly M in value
    /// (the order of operations matters for that), and autograd sees dM/d|S| = identity, so
    /// dL/dS = (dL/dW_eff * W) * sign(S): edge-popup's straight-through estimator.
    /// </summary>
    public Tensor EffectiveWeight()
    {
        if (!scores.requires_grad || !is_grad_enabled())
        {
            using var m = Mask();
            return weight.mul(m);
        }
        using var scope = NewDisposeScope();
        var mask = Mask();
        var magnitude = scores.abs();
        var surrogate = magnitude.sub(magnitude.detach()).add_(mask);
        return weight.mul(surrogate).MoveToOuterDisposeScope();
    }

    /// <summary>Overwrites the frozen weights with <paramref name="values"/> (same number of elements, any shape).</summary>
    /// <exception cref="ArgumentException">The element counts differ.</exception>
    public void SetWeight(Tensor values)
    {
        if (values.numel() != weight.numel())
            throw new ArgumentException(
                $"Layer '{GetName()}' has {weight.numel()} weights of shape [{string.Join(", ", weight.shape)}]; " +
                $"{values.numel()} values were given.", nameof(values));
        using var noGrad = no_grad();
        weight.copy_(values.reshape(weight.shape).to(weight.dtype, weight.device));
    }

    /// <summary>True inside <see cref="FrozenMasks"/>: the layer computes with a stored W * M.</summary>
    public bool IsFrozen => frozen is not null;

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">A gradient is asked for while the mask is frozen.</exception>
    public override Tensor forward(Tensor input)
    {
        if (frozen is not null)
            return is_grad_enabled() && scores.requires_grad
                ? throw new InvalidOperationException($"Layer '{GetName()}': its mask is frozen for inference (FrozenMasks); training needs the live mask.")
                : Apply(input, frozen);
        using var w = EffectiveWeight();
        return Apply(input, w);
    }

    /// <summary>Stores W * M for <see cref="FrozenMasks"/> (replacing a stored one).</summary>
    internal void Freeze()
    {
        using var noGrad = no_grad();
        var product = EffectiveWeight().DetachFromDisposeScope();
        frozen?.Dispose();
        frozen = product;
    }

    /// <summary>Drops the stored W * M: the mask is computed from the scores again at every forward pass.</summary>
    internal void Thaw()
    {
        frozen?.Dispose();
        frozen = null;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) Thaw();
        base.Dispose(disposing);
    }

    /// <summary>The layer's operation with the effective weight <paramref name="weight"/>.</summary>
    protected abstract Tensor Apply(Tensor input, Tensor weight);
}

/// <summary>
/// Masks computed once for inference: inside the scope every <see cref="MaskedLayer"/> of a module computes with a
/// stored W * M instead of selecting the top-k of its scores and multiplying at every forward pass. The outputs are
/// bit for bit those of the live masks (the same product, computed once); evaluation and `pemn eval` run inside one.
/// The scores must not change inside the scope; a forward pass that needs their gradient throws.
/// </summary>
public sealed class FrozenMasks : IDisposable
{
    private readonly List<MaskedLayer> layers;

    private FrozenMasks(List<MaskedLayer> layers)
    {
        this.layers = layers;
        foreach (var layer in layers) layer.Freeze();
    }

    /// <summary>Freezes the masks of every masked layer of <paramref name="module"/> (none: the scope does nothing) until disposed.</summary>
    public static FrozenMasks Over(nn.Module module) =>
        new(module.modules().OfType<MaskedLayer>().Where(l => !l.IsFrozen).ToList());

    /// <summary>Back to live masks.</summary>
    public void Dispose()
    {
        foreach (var layer in layers) layer.Thaw();
    }
}

/// <summary>A bias-free 2-D convolution with frozen random weights masked by the top-k of learnable scores.</summary>
public sealed class MaskedConv2d : MaskedLayer
{
    /// <summary>Creates the layer with the given frozen weight and initial scores (both taken over).</summary>
    public MaskedConv2d(string name, ConvSpec spec, Tensor weight, Tensor scores, double keepFraction)
        : base(name, spec.Validate().WeightShape, weight, scores, keepFraction)
    {
        Spec = spec;
        RegisterComponents();
    }

    /// <summary>The convolution geometry.</summary>
    public ConvSpec Spec { get; }

    /// <inheritdoc/>
    protected override Tensor Apply(Tensor input, Tensor weight) => Spec.Apply(input, weight);
}

/// <summary>A bias-free linear layer with frozen random weights [out, in] masked by the top-k of learnable scores.</summary>
public sealed class MaskedLinear : MaskedLayer
{
    /// <summary>Creates the layer with the given frozen weight [out, in] and initial scores (both taken over).</summary>
    public MaskedLinear(string name, Tensor weight, Tensor scores, double keepFraction)
        : base(name, weight.dim() == 2 ? weight.shape : throw new ArgumentException($"Layer '{name}': a linear weight has shape [out, in]; got [{string.Join(", ", weight.shape)}]."),
            weight, scores, keepFraction) =>
        RegisterComponents();

    /// <inheritdoc/>
    protected override Tensor Apply(Tensor input, Tensor weight)
    {
        var output = nn.functional.linear(input, weight);
        MultiplyAddCounter.Add(weight, output, conv: false);
        return output;
    }
}
