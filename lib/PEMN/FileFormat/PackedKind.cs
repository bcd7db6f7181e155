namespace PEMN.FileFormat;

/// <summary>How a file lays out a network's weights; the file configuration names it.</summary>
public enum PackedKind
{
    /// <summary>Masked layers: prototypes of random values, masks, other tensors (every PEMN strategy).</summary>
    [Runtime.Name("masked")]
    Masked,
    /// <summary>A plain stored network: every weight a float32 tensor, no masks (the Dense baseline).</summary>
    [Runtime.Name("dense")]
    Dense,
    /// <summary>
    /// Sparse layers: every conv and linear layer's keep mask and its trained values at the kept entries, other tensors
    /// (the sparse baselines of Fig. 4 and 5; format version 2).
    /// </summary>
    [Runtime.Name("sparse")]
    Sparse,
}
