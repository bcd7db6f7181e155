namespace PEMN.FileFormat;

/// <summary>
/// One masked layer: its frozen weights are W[i] = <see cref="Scale"/> * V[<see cref="Offset"/> + i] (float32 multiply,
/// row-major flattening), V the (tiled, possibly permuted) vector of prototype <see cref="Prototype"/>; its mask is <see cref="Mask"/>.
/// </summary>
/// <param name="Path">Module path of the layer, e.g. "blocks.0.pointwise".</param>
/// <param name="Shape">Weight shape.</param>
/// <param name="Prototype">Index into <see cref="PackedNetwork.Prototypes"/>.</param>
/// <param name="Offset">Where in the tiled vector the layer starts (0 under every strategy of the paper).</param>
/// <param name="Scale">The float32 rescale factor (1 unless the strategy rescales).</param>
/// <param name="Mask">The trained mask, one entry per weight.</param>
public sealed record PackedLayer(string Path, long[] Shape, int Prototype, long Offset, float Scale, MaskBits Mask);
