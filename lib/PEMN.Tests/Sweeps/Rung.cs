using PEMN.Strategies;
using PEMN.Sweeps;

namespace PEMN.Tests;

/// <summary>Hand-made ladder results name their rung by the paper's label; the library keys them by strategy.</summary>
internal static class Rung
{
    /// <summary>The strategy of the ladder rung labelled <paramref name="label"/> ("Dense", "Mask", "RP 1e-3", ...).</summary>
    public static StrategyConfig Of(string label) => StrategyLadder.Rungs.Single(r => r.Label == label).Strategy.Canonical();
}
