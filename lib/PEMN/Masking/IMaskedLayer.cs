using static TorchSharp.torch;

namespace PEMN.Masking;

/// <summary>
/// A layer computing with <c>Weight * Mask(Scores)</c>: frozen random weights, learnable scores.
/// Strategies rewrite <see cref="Weight"/> in place; optimisers only ever see <see cref="Scores"/>.
/// </summary>
public interface IMaskedLayer
{
    /// <summary>The frozen random weights (a buffer: saved, moved with the module, never trained).</summary>
    Tensor Weight { get; }

    /// <summary>The learnable scores, same shape as <see cref="Weight"/>.</summary>
    TorchSharp.Modules.Parameter Scores { get; }

    /// <summary>k: the fraction of this layer's weights the mask keeps.</summary>
    double KeepFraction { get; }

    /// <summary>The current binary mask (no gradient), same shape as the weight.</summary>
    Tensor Mask();

    /// <summary>
    /// The weight the layer computes with: W * M, with the straight-through gradient
    /// dL/dS = (dL/dW_eff * W) * sign(S).
    /// </summary>
    Tensor EffectiveWeight();

    /// <summary>Overwrites the frozen weights with <paramref name="values"/> (same number of elements).</summary>
    void SetWeight(Tensor values);
}
