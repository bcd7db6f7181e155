using PEMN.Runtime;

namespace PEMN.Strategies;

/// <summary>
/// The series of a compression figure (paper Fig. 4 and 5): the dense reference, the PEMN points (whatever strategy each
/// uses), or one sparse baseline. Results are selected by this key; its labels are the legends' and tables' text only.
/// A baseline's canonical name and label are its <see cref="StrategyName"/>'s (a test holds them equal), so that a
/// baseline is spelled one way whether it names a strategy or a series.
/// </summary>
public enum CompressionMethod
{
    /// <summary>The dense network: trained weights, the horizontal line of the figures.</summary>
    [Name("dense", Label = "Dense")]
    Dense,
    /// <summary>The PEMN points: masks over random values (MP, RP r, ... ; each point's own strategy says which).</summary>
    [Name("pemn", Label = "PEMN")]
    Pemn,
    /// <summary><see cref="StrategyName.SparseRandom"/>: the paper's "Random".</summary>
    [Name("sparse_random", Label = "Random")]
    SparseRandom,
    /// <summary><see cref="StrategyName.SparseMagnitude"/>: the paper's "Minimum" (smallest-magnitude initial weights removed).</summary>
    [Name("sparse_magnitude", Label = "Magnitude (init)")]
    SparseMagnitude,
    /// <summary><see cref="StrategyName.SparseMagnitudeTrained"/>: magnitude pruning after training, beyond the paper.</summary>
    [Name("sparse_magnitude_trained", Label = "Magnitude (trained)")]
    SparseMagnitudeTrained,
}

/// <summary>Which series a strategy is drawn in, and which strategy a baseline series is: the one mapping both ways.</summary>
public static class CompressionMethods
{
    /// <summary>The series of a run of strategy <paramref name="name"/>: Dense, a sparse baseline's own series, else PEMN.</summary>
    public static CompressionMethod Of(StrategyName name) => name switch
    {
        StrategyName.Dense => CompressionMethod.Dense,
        StrategyName.SparseRandom => CompressionMethod.SparseRandom,
        StrategyName.SparseMagnitude => CompressionMethod.SparseMagnitude,
        StrategyName.SparseMagnitudeTrained => CompressionMethod.SparseMagnitudeTrained,
        _ => CompressionMethod.Pemn,
    };

    /// <summary>The sparse baseline a series is, or null for Dense and PEMN (which are not one strategy each).</summary>
    public static StrategyName? Baseline(this CompressionMethod method) => method switch
    {
        CompressionMethod.SparseRandom => StrategyName.SparseRandom,
        CompressionMethod.SparseMagnitude => StrategyName.SparseMagnitude,
        CompressionMethod.SparseMagnitudeTrained => StrategyName.SparseMagnitudeTrained,
        _ => null,
    };

    /// <summary>Whether the series is a sparse baseline.</summary>
    public static bool IsBaseline(this CompressionMethod method) => method.Baseline() is not null;
}
