using System.Text.Json.Serialization;

namespace PEMN.Training;

/// <summary>The optimiser that updates the learnable tensors.</summary>
public enum OptimizerKind
{
    /// <summary>AdamW (the PEMN authors' choice for ConvMixer and ViT).</summary>
    [JsonStringEnumMemberName("adamw")]
    AdamW,
    /// <summary>SGD with momentum 0.9 (edge-popup's choice), optionally Nesterov.</summary>
    [JsonStringEnumMemberName("sgd")]
    Sgd,
}
