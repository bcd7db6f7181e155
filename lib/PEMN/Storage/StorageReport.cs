namespace PEMN.Storage;

/// <summary>
/// The storage cost of one network in bits (paper section 3), with everything else the network trains counted
/// beside it. Built by <see cref="StorageAccounting"/> (PEMN, dense) and <see cref="SparseStorage"/> (sparse
/// baselines); every total derives from the parts in <see cref="FromParts"/>, so they always agree.
/// </summary>
/// <remarks>
/// <para>Three ratios, each 1 - cost / the same network stored dense at 32 bits, from narrow to wide:</para>
/// <list type="bullet">
/// <item><see cref="CompressionRatio"/>: the conv and linear weights only, C = C_w + C_m against 32 p, as the paper
/// defines it (it does not discuss BatchNorm). The figures of this workbook use this one.</item>
/// <item><see cref="CompressionWithOtherRatio"/>: plus the other trained parameters (norm affine, embeddings) at
/// 32 bits on both sides.</item>
/// <item><see cref="InferenceCompressionRatio"/>: plus the BatchNorm running statistics on both sides: what a file
/// must hold to run the network.</item>
/// </list>
/// <para>For a PEMN network C_w is <see cref="PrototypeBits"/> (the stored random values at <see cref="StoredValueBits"/> each, or one seed, plus what a
/// strategy's own randomness costs: RP rand mode's permutation is regenerated from a 64-bit seed) and C_m is
/// <see cref="MaskBits"/> (one bit per masked weight). For a conventional sparse network C_w is the kept values at
/// 32 bits and C_m their position indices in the stated encoding. Trained conv/linear weights outside any mask (a
/// dense network's) are <see cref="DenseLayerBits"/>.</para>
/// </remarks>
/// <param name="Scheme">What was measured, e.g. "RP 1e-3" or "Sparse q=0.1 paper_coo".</param>
/// <param name="KeepFraction">k (fraction of every masked layer kept) or q (sparse network); 1 for dense.</param>
/// <param name="Weights">All conv and linear weights of the network (p).</param>
/// <param name="MaskedWeights">Weights selected by masks (PEMN) or subject to pruning (sparse); 0 for dense.</param>
/// <param name="LargestLayer">Elements of the largest masked layer (of the largest weight layer when nothing is masked).</param>
/// <param name="UniqueValues">
/// PEMN: the random values the masked layers hold, counted from the tensors by <see cref="StoredValueProbe"/>
/// (what C_w must store); sparse: the kept values; dense: 0.
/// </param>
/// <param name="DistinctFloats">
/// PEMN: distinct float32 bit patterns in the real frozen weights (<see cref="DistinctValues"/>). Without
/// rescaling it is at most <paramref name="UniqueValues"/>, a little lower where float32 draws collide by
/// chance, except for sign-symmetric RP, which places every stored value with both signs: at most twice as many; with
/// rescaling a stored value appears once per distinct layer factor, so it can be higher (the
/// factors follow from the shapes and cost no storage). Sparse: the kept values; dense: 0.
/// </param>
/// <param name="SeedStored">Whether the random values are stored as one seed (64 bits) instead of their values.</param>
/// <param name="PrototypeBits">C_w.</param>
/// <param name="MaskBits">C_m.</param>
/// <param name="DenseLayerWeights">Trained conv/linear weights stored as values (every weight of a dense network; 0 for PEMN and sparse).</param>
/// <param name="DenseLayerBits">32 bits per dense layer weight.</param>
/// <param name="OtherParameters">Other trained parameters: norm affine, embeddings, biases, tokens.</param>
/// <param name="OtherBits">32 bits per other trained parameter.</param>
/// <param name="RunningStatistics">BatchNorm running mean and variance entries (not trained, needed for inference).</param>
/// <param name="RunningStatsBits">32 bits per running statistic.</param>
/// <param name="WeightBits">PrototypeBits + MaskBits + DenseLayerBits: the paper's C for the conv and linear weights.</param>
/// <param name="DenseWeightBits">32 p: the conv and linear weights stored dense.</param>
/// <param name="TotalBits">WeightBits + OtherBits (no running statistics).</param>
/// <param name="DenseBits">DenseWeightBits + OtherBits: the same network stored dense, other parameters included.</param>
/// <param name="InferenceBits">TotalBits + RunningStatsBits.</param>
/// <param name="CompressionRatio">1 - WeightBits / DenseWeightBits (negative when the scheme costs more than dense).</param>
/// <param name="CompressionWithOtherRatio">1 - TotalBits / DenseBits.</param>
/// <param name="InferenceCompressionRatio">1 - InferenceBits / (DenseBits + RunningStatsBits).</param>
public sealed record StorageReport(
    string Scheme,
    double KeepFraction,
    long Weights,
    long MaskedWeights,
    long LargestLayer,
    long UniqueValues,
    long DistinctFloats,
    bool SeedStored,
    long PrototypeBits,
    long MaskBits,
    long DenseLayerWeights,
    long DenseLayerBits,
    long OtherParameters,
    long OtherBits,
    long RunningStatistics,
    long RunningStatsBits,
    long WeightBits,
    long DenseWeightBits,
    long TotalBits,
    long DenseBits,
    long InferenceBits,
    double CompressionRatio,
    double CompressionWithOtherRatio,
    double InferenceCompressionRatio)
{
    /// <summary>Bits of one stored float32 value.</summary>
    public const long FloatBits = 32;

    /// <summary>Bits of one stored signed-constant value: its sign; the magnitude is its source layer's Kaiming std, fixed by the shape.</summary>
    public const long SignBits = 1;

    /// <summary>
    /// Bits of one stored random value drawn with <paramref name="init"/>: <see cref="FloatBits"/> for Kaiming normal draws,
    /// <see cref="SignBits"/> for signed constants (every value is +-sigma of its source layer, and rescaling multiplies by
    /// factors of the shapes, so the sign is all a file needs).
    /// </summary>
    public static long StoredValueBits(Masking.WeightInit init) => init == Masking.WeightInit.SignedConstant ? SignBits : FloatBits;

    /// <summary>Bits of one stored generator seed (a 64-bit integer).</summary>
    public const long SeedBits = 64;

    /// <summary>Bits per masked weight of a mask stored as a bitmap.</summary>
    public const long MaskBitsPerWeight = 1;

    /// <summary>Assembles a report from its parts; every total and ratio is computed here.</summary>
    public static StorageReport FromParts(
        string scheme, double keepFraction, long weights, long maskedWeights, long largestLayer, long uniqueValues,
        long distinctFloats, bool seedStored, long prototypeBits, long maskBits, long denseLayerWeights, long otherParameters,
        long runningStatistics)
    {
        var denseLayerBits = FloatBits * denseLayerWeights;
        var otherBits = FloatBits * otherParameters;
        var runningBits = FloatBits * runningStatistics;
        var weightBits = prototypeBits + maskBits + denseLayerBits;
        var denseWeightBits = FloatBits * weights;
        var total = weightBits + otherBits;
        var dense = denseWeightBits + otherBits;
        return new StorageReport(scheme, keepFraction, weights, maskedWeights, largestLayer, uniqueValues, distinctFloats, seedStored,
            prototypeBits, maskBits, denseLayerWeights, denseLayerBits, otherParameters, otherBits, runningStatistics, runningBits,
            weightBits, denseWeightBits, total, dense, total + runningBits,
            Ratio(weightBits, denseWeightBits), Ratio(total, dense), Ratio(total + runningBits, dense + runningBits));
    }

    private static double Ratio(long cost, long dense) => dense == 0 ? 0 : 1 - (double)cost / dense;
}
