namespace PEMN.FileFormat;

/// <summary>
/// One sparse layer (format version 2): trained weights stored at the kept entries of <see cref="Mask"/> and zero
/// elsewhere, the layer form of a conventional sparse network (the baselines of the paper's Fig. 4 and 5). Its positions
/// cost what its mask's coding costs (about H(q) bits per weight when context-coded), its values 32 bits each.
/// </summary>
/// <param name="Path">Module path of the layer, e.g. "blocks.0.pointwise".</param>
/// <param name="Shape">Weight shape.</param>
/// <param name="Mask">Which weights are kept (1) and stored; the others are zero.</param>
/// <param name="Values">The kept weights in row-major order of their positions: exactly one per 1 of <see cref="Mask"/>.</param>
public sealed record PackedSparseLayer(string Path, long[] Shape, MaskBits Mask, float[] Values)
{
    /// <summary>
    /// The layer's weights, flattened row-major: W[i] = Values[j] where entry i is the j-th kept entry of the mask
    /// (counting from 0), +0 where the mask drops it (FileFormat.md, "Semantics of a sparse layer").
    /// </summary>
    /// <exception cref="InvalidOperationException">The values are not one per kept entry (a network that breaks the format's rules).</exception>
    public float[] Weights()
    {
        var kept = Mask.CountOnes();
        if (kept != Values.LongLength)
            throw new InvalidOperationException($"Sparse layer '{Path}': its mask keeps {kept} entries for {Values.LongLength} values.");
        var weights = new float[Mask.Length];
        var next = 0L;
        for (var i = 0L; i < Mask.Length; i++)
            if (Mask[i]) weights[i] = Values[next++];
        return weights;
    }

    /// <summary>The sparse layer of dense weights <paramref name="weights"/> under <paramref name="mask"/>: the values at its kept entries.</summary>
    /// <exception cref="ArgumentException">The mask and the weights differ in length.</exception>
    public static PackedSparseLayer Of(string path, long[] shape, MaskBits mask, ReadOnlySpan<float> weights)
    {
        if (mask.Length != weights.Length)
            throw new ArgumentException($"Sparse layer '{path}': a mask of {mask.Length} entries for {weights.Length} weights.", nameof(weights));
        var values = new float[mask.CountOnes()];
        var next = 0;
        for (var i = 0; i < weights.Length; i++)
            if (mask[i]) values[next++] = weights[i];
        return new PackedSparseLayer(path, shape, mask, values);
    }
}
