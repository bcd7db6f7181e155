namespace PEMN.Storage;

/// <summary>
/// The storage cost of one network, C = C_w + C_m (paper section 3), in bits, with everything else the
/// network trains counted beside it. Built by <see cref="StorageAccounting"/>; all totals derive from the parts.
/// </summary>
/// <remarks>
/// <para><see cref="TotalBits"/> = <see cref="PrototypeBits"/> + <see cref="MaskBits"/> + <see cref="OtherBits"/>:
/// what training produced plus the random values. It leaves out the BatchNorm running statistics, which are
/// not learned by the optimiser (the paper does not discuss them), and so does <see cref="DenseBits"/>;
/// <see cref="CompressionRatio"/> compares those two. <see cref="InferenceBits"/> = <see cref="TotalBits"/> +
/// <see cref="RunningStatsBits"/> is what a file must hold to run the network.</para>
/// <para>For a PEMN network C_w is <see cref="PrototypeBits"/> (the stored random values, or one seed) and C_m
/// is <see cref="MaskBits"/> (one bit per masked weight). For a conventional sparse network (see
/// <see cref="SparseStorage"/>) C_w is the kept values at 32 bits and C_m the CSR position indices.</para>
/// </remarks>
/// <param name="Scheme">What was measured, e.g. "RandomVectorPadding r=0.001 Copy" or "Sparse q=0.1 CSR".</param>
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
/// chance; with rescaling a stored value appears once per distinct layer factor, so it can be higher (the
/// factors follow from the shapes and cost no storage). Sparse: the kept values; dense: 0.
/// </param>
/// <param name="SeedStored">Whether the random values are stored as one seed (64 bits) instead of their values.</param>
/// <param name="PrototypeBits">C_w: 32 per unique value, or 64 for the seed (PEMN); 32 per kept value (sparse).</param>
/// <param name="MaskBits">C_m: one bit per masked weight (PEMN); CSR column indices and row pointers (sparse).</param>
/// <param name="OtherParameters">Other trained parameters: norm affine, dense (unmasked) layers, embeddings, biases.</param>
/// <param name="OtherBits">32 bits per other trained parameter.</param>
/// <param name="RunningStatistics">BatchNorm running mean and variance entries (not trained, needed for inference).</param>
/// <param name="RunningStatsBits">32 bits per running statistic.</param>
/// <param name="TotalBits">PrototypeBits + MaskBits + OtherBits (no running statistics).</param>
/// <param name="InferenceBits">TotalBits + RunningStatsBits.</param>
/// <param name="DenseBits">The same network stored dense: 32 bits per weight and per other trained parameter (no running statistics).</param>
/// <param name="CompressionRatio">1 - TotalBits / DenseBits (negative when the scheme costs more than dense).</param>
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
    long OtherParameters,
    long OtherBits,
    long RunningStatistics,
    long RunningStatsBits,
    long TotalBits,
    long InferenceBits,
    long DenseBits,
    double CompressionRatio)
{
    /// <summary>Bits of one stored float32 value.</summary>
    public const long FloatBits = 32;

    /// <summary>Bits of one stored generator seed (a 64-bit integer).</summary>
    public const long SeedBits = 64;

    /// <summary>Bits per masked weight of a mask stored as a bitmap.</summary>
    public const long MaskBitsPerWeight = 1;

    /// <summary>Assembles a report from its parts; every total is computed here, so they always agree.</summary>
    /// <remarks><paramref name="denseParameters"/>: all conv/linear weights plus the trained parameters outside them.</remarks>
    public static StorageReport FromParts(
        string scheme, double keepFraction, long weights, long maskedWeights, long largestLayer, long uniqueValues,
        long distinctFloats, bool seedStored, long prototypeBits, long maskBits, long otherParameters, long denseParameters,
        long runningStatistics)
    {
        var otherBits = FloatBits * otherParameters;
        var runningBits = FloatBits * runningStatistics;
        var total = prototypeBits + maskBits + otherBits;
        var dense = FloatBits * denseParameters;
        return new StorageReport(scheme, keepFraction, weights, maskedWeights, largestLayer, uniqueValues, distinctFloats, seedStored,
            prototypeBits, maskBits, otherParameters, otherBits, runningStatistics, runningBits,
            total, total + runningBits, dense, dense == 0 ? 0 : 1 - (double)total / dense);
    }

    /// <summary>Compression ratio including the running statistics on both sides.</summary>
    public double InferenceCompressionRatio =>
        DenseBits + RunningStatsBits == 0 ? 0 : 1 - (double)InferenceBits / (DenseBits + RunningStatsBits);
}
