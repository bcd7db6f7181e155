using TorchSharp;
using static TorchSharp.torch;

namespace PEMN.Masking;

/// <summary>The weight, scores and mask arithmetic shared by masked conv and linear layers.</summary>
internal static class MaskedWeight
{
    /// <summary>
    /// W * (M + |S| - stop_gradient(|S|)): numerically W * M; autograd sees d/d|S| = identity, so
    /// dL/dS = (dL/dW_eff * W) * sign(S): edge-popup's straight-through estimator.
    /// </summary>
    public static Tensor Effective(Tensor weight, Tensor scores, double keepFraction, string layer)
    {
        if (!scores.requires_grad || !is_grad_enabled())
        {
            using var m = TopKMask.Compute(scores, keepFraction, layer);
            return weight.mul(m);
        }
        using var scope = NewDisposeScope();
        var mask = TopKMask.Compute(scores, keepFraction, layer);
        var magnitude = scores.abs();
        var surrogate = mask.add(magnitude).sub_(magnitude.detach()); // out of place: the mask is a view made under no_grad
        return weight.mul(surrogate).MoveToOuterDisposeScope();
    }

    public static void CopyInto(Tensor weight, Tensor values, string layer)
    {
        if (values.numel() != weight.numel())
            throw new ArgumentException(
                $"Layer '{layer}' has {weight.numel()} weights of shape [{string.Join(", ", weight.shape)}]; " +
                $"{values.numel()} values were given.", nameof(values));
        using var noGrad = no_grad();
        weight.copy_(values.reshape(weight.shape).to(weight.dtype, weight.device));
    }

}
