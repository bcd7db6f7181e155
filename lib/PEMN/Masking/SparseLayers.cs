using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PEMN.Masking;

/// <summary>
/// A layer of a conventional sparse network (the baselines of the paper's Fig. 4 and 5): trained weights under a
/// fixed binary keep mask, computing with <c>Weight * KeepMask</c>. The mask is a buffer (saved in checkpoints,
/// never trained) that keeps exactly <see cref="TopKMask.KeptCount"/>(elements, q) weights; which ones is decided
/// by a sparse baseline (<c>Strategies.SparseBaselines</c>) through <see cref="Prune"/>, which also zeroes the
/// pruned weights. They then stay exactly zero under training: their gradient is zero (the forward multiplies them
/// by 0), so AdamW's moments and SGD's momentum stay zero, and weight decay shrinks zero to zero.
/// </summary>
/// <remarks>
/// The weight is registered as "weight", as on nn.Conv2d / nn.Linear, so a dense network's state dict loads into
/// the sparse network of the same definition name for name (magnitude pruning after training); the mask adds
/// "keep_mask". Both are looked up by name rather than held in fields, so moving the module to a device
/// (which replaces registered tensors) can never leave a field pointing at the old tensor.
/// </remarks>
public abstract class SparseLayer : nn.Module<Tensor, Tensor>
{
    /// <summary>The registered name of the trained weight (as nn.Conv2d and nn.Linear name it).</summary>
    public const string WeightName = "weight";

    /// <summary>The registered name of the keep-mask buffer.</summary>
    public const string KeepMaskName = "keep_mask";

    /// <summary>Takes over the initial <paramref name="weight"/> (shape <paramref name="shape"/>); the keep mask starts all ones (nothing pruned yet).</summary>
    /// <exception cref="ArgumentException">The weight's shape differs from <paramref name="shape"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">q is not in (0, 1].</exception>
    protected SparseLayer(string name, long[] shape, Tensor weight, double keepFraction) : base(name)
    {
        MaskingOptions.ValidateKeepFraction(keepFraction, "sparse keep fraction q");
        if (!weight.shape.SequenceEqual(shape))
            throw new ArgumentException(
                $"Layer '{name}': weight [{string.Join(", ", weight.shape)}] must have shape [{string.Join(", ", shape)}].", nameof(weight));
        KeepFraction = keepFraction;
        // Taken over: the detached copy shares storage, so the given wrapper is released here (else it leaks per build).
        using (weight) register_parameter(WeightName, new Parameter(weight.detach(), requires_grad: true));
        register_buffer(KeepMaskName, ones(shape, dtype: Weight.dtype, device: Weight.device));
    }

    /// <summary>The trained weights (pruned entries are exactly zero once <see cref="Prune"/> ran).</summary>
    public Parameter Weight => get_parameter(WeightName)!;

    /// <summary>The fixed binary keep mask, same shape and dtype as <see cref="Weight"/>: 1 kept, 0 pruned.</summary>
    public Tensor KeepMask => get_buffer(KeepMaskName)!;

    /// <summary>q: the fraction of this layer's weights kept.</summary>
    public double KeepFraction { get; }

    /// <summary>Whether <see cref="Prune"/> has set a mask (a fresh layer keeps everything).</summary>
    public bool IsPruned { get; private set; }

    /// <summary>
    /// Fixes the keep mask to <paramref name="mask"/> (same shape, values 0 and 1, exactly
    /// <see cref="TopKMask.KeptCount"/>(elements, q) ones) and zeroes the pruned weights.
    /// </summary>
    /// <exception cref="ArgumentException">The mask has another shape, a value other than 0 or 1, or another kept count.</exception>
    public void Prune(Tensor mask)
    {
        var name = GetName();
        if (!mask.shape.SequenceEqual(Weight.shape))
            throw new ArgumentException(
                $"Layer '{name}': a keep mask of shape [{string.Join(", ", mask.shape)}] does not fit the weight [{string.Join(", ", Weight.shape)}].", nameof(mask));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var binary = mask.to(Weight.dtype, Weight.device);
        var ones = binary.eq(1).sum().item<long>();
        var zeros = binary.eq(0).sum().item<long>();
        if (ones + zeros != binary.numel())
            throw new ArgumentException($"Layer '{name}': a keep mask holds only 0 and 1; {binary.numel() - ones - zeros} entries are neither.", nameof(mask));
        var expected = TopKMask.KeptCount(binary.numel(), KeepFraction);
        if (ones != expected)
            throw new ArgumentException(
                $"Layer '{name}': the keep mask keeps {ones} of {binary.numel()} weights; q = {KeepFraction} keeps {expected}.", nameof(mask));
        KeepMask.copy_(binary);
        Weight.mul_(binary);
        IsPruned = true;
    }

    /// <summary>The weight the layer computes with: W * M (gradients reach only the kept weights).</summary>
    public Tensor EffectiveWeight() => Weight.mul(KeepMask);

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var w = EffectiveWeight();
        return Apply(input, w);
    }

    /// <summary>The layer's operation with the effective weight <paramref name="weight"/>.</summary>
    protected abstract Tensor Apply(Tensor input, Tensor weight);
}

/// <summary>A bias-free 2-D convolution with trained weights under a fixed keep mask (a sparse baseline's conv).</summary>
public sealed class SparseConv2d : SparseLayer
{
    /// <summary>Creates the layer with the given initial weight (taken over); nothing is pruned until <see cref="SparseLayer.Prune"/>.</summary>
    public SparseConv2d(string name, ConvSpec spec, Tensor weight, double keepFraction)
        : base(name, spec.Validate().WeightShape, weight, keepFraction) =>
        Spec = spec;

    /// <summary>The convolution geometry.</summary>
    public ConvSpec Spec { get; }

    /// <inheritdoc/>
    protected override Tensor Apply(Tensor input, Tensor weight) => Spec.Apply(input, weight);
}

/// <summary>A bias-free linear layer [out, in] with trained weights under a fixed keep mask (a sparse baseline's classifier).</summary>
public sealed class SparseLinear : SparseLayer
{
    /// <summary>Creates the layer with the given initial weight [out, in] (taken over); nothing is pruned until <see cref="SparseLayer.Prune"/>.</summary>
    public SparseLinear(string name, Tensor weight, double keepFraction)
        : base(name, weight.dim() == 2 ? weight.shape : throw new ArgumentException($"Layer '{name}': a linear weight has shape [out, in]; got [{string.Join(", ", weight.shape)}]."),
            weight, keepFraction)
    {
    }

    /// <inheritdoc/>
    protected override Tensor Apply(Tensor input, Tensor weight)
    {
        var output = nn.functional.linear(input, weight);
        MultiplyAddCounter.Add(weight, output, conv: false);
        return output;
    }
}
