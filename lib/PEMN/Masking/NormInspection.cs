using static TorchSharp.torch;

namespace PEMN.Masking;

/// <summary>How one normalisation layer responded to training: the signs and sizes of its learned affine, and the scale of what it normalises.</summary>
/// <param name="Path">The dotted module path, e.g. "blocks.0.bn2" (empty parts are the layer's index in its parent).</param>
/// <param name="Kind">"batch_norm" or "layer_norm".</param>
/// <param name="Channels">Channels (features) normalised.</param>
/// <param name="Affine">Whether the layer has a learned scale and shift (<see cref="NormMode.Learnable"/>).</param>
/// <param name="NegativeScaleFraction">
/// Fraction of channels whose learned scale (gamma) is negative: a channel the layer flips. With one positive random value,
/// every weight is that value or 0, and such a flip is the only way to make a unit's contribution negative. Null without affine.
/// </param>
/// <param name="MeanAbsScale">Mean |gamma| over channels (1 at initialisation); null without affine.</param>
/// <param name="MeanShift">Mean beta over channels (0 at initialisation); null without affine.</param>
/// <param name="MeanRunningStd">
/// BatchNorm: the mean over channels of sqrt(running_var), the typical size of what the layer normalises (tiny when the random
/// values are tiny: their scale reaches the activation before the normalisation). Null for LayerNorm.
/// </param>
public sealed record NormResponse(string Path, string Kind, long Channels, bool Affine, double? NegativeScaleFraction, double? MeanAbsScale,
    double? MeanShift, double? MeanRunningStd);

/// <summary>Reads the normalisation layers of a model (BatchNorm, LayerNorm), shallow to deep.</summary>
public static class NormInspection
{
    /// <summary>Kind name of BatchNorm layers.</summary>
    public const string BatchNormKind = "batch_norm";

    /// <summary>Kind name of LayerNorm layers.</summary>
    public const string LayerNormKind = "layer_norm";

    /// <summary>Every BatchNorm (1-d, 2-d) and LayerNorm of <paramref name="model"/> in depth-first registration order.</summary>
    public static IReadOnlyList<NormResponse> Of(nn.Module model)
    {
        var list = new List<NormResponse>();
        foreach (var (path, module) in DepthFirst(model, ""))
        {
            switch (module)
            {
                case TorchSharp.Modules.NormBase batch:
                    list.Add(Describe(path, BatchNormKind, batch.weight, batch.bias, batch.running_var));
                    break;
                case TorchSharp.Modules.LayerNorm layer:
                    list.Add(Describe(path, LayerNormKind, layer.weight, layer.bias, null));
                    break;
            }
        }
        return list;
    }

    private static NormResponse Describe(string path, string kind, Tensor? scale, Tensor? shift, Tensor? runningVar)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var channels = (scale ?? runningVar)?.numel() ?? 0;
        double? Mean(Tensor? t) => t is null ? null : t.detach().to(ScalarType.Float64).mean().item<double>();
        return new NormResponse(path, kind, channels, scale is not null,
            scale is null ? null : Mean(scale.detach().lt(0)),
            scale is null ? null : Mean(scale.detach().abs()),
            Mean(shift),
            runningVar is null ? null : Mean(runningVar.detach().to(ScalarType.Float64).clamp_min(0).sqrt()));
    }

    private static IEnumerable<(string Path, nn.Module Module)> DepthFirst(nn.Module module, string prefix)
    {
        foreach (var (name, child) in module.named_children())
        {
            var path = prefix.Length == 0 ? name : $"{prefix}.{name}";
            yield return (path, child);
            foreach (var descendant in DepthFirst(child, path)) yield return descendant;
        }
    }
}
