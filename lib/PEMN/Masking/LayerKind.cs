namespace PEMN.Masking;

/// <summary>Whether a model's conv and linear layers are ordinary trained layers or masked ones.</summary>
public enum LayerKind
{
    /// <summary>Ordinary layers whose weights are trained (the "Dense" baseline).</summary>
    Dense,
    /// <summary>Frozen random weights with learnable top-k masks (sparse selection).</summary>
    Masked,
}
