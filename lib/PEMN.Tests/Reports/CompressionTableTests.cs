using PEMN.Analysis;
using PEMN.Configuration;
using PEMN.Plans;
using PEMN.Reports;
using PEMN.Runs;
using PEMN.Strategies;

namespace PEMN.Tests.Reports;

public class CompressionTableTests
{
    [Fact]
    public void RowsNameTheirSeriesByItsLabelAndTheVerdictFollows()
    {
        var panel = FigurePlans.ConvMixerCompression.PanelsAt(Scale.Smoke)[0];
        CompressionPoint Point(CompressionMethod method, StrategyConfig strategy, string label, double? target, double compression, double accuracy) =>
            new(panel.Key, method, strategy, label, 0, label, target, 0.5, compression, 10, accuracy, accuracy, 1, true, null);
        CompressionPoint[] points =
        [
            Point(CompressionMethod.Dense, new(StrategyName.Dense), "Dense", null, 0, 0.9),
            Point(CompressionMethod.Pemn, new(StrategyName.RandomVectorPadding, 1e-1), "RP 1e-1", null, 0.95, 0.8),
            Point(CompressionMethod.SparseRandom, new(StrategyName.SparseRandom), "Random 90 %", 0.90, 0.90, 0.7),
            Point(CompressionMethod.SparseMagnitude, new(StrategyName.SparseMagnitude), "Magnitude (init) 90 %", 0.90, 0.90, 0.6),
        ];
        var markdown = CompressionTable.Markdown(panel, points, "scripts/pemn plan fig5 --scale smoke", new RunProvenance("aaaaaaa", "vm", 1, "2026-01-01T00:00:00Z"));
        Assert.Contains("| Dense | Dense |  | 0.5 |", markdown);
        Assert.Contains("| PEMN | RP 1e-1 |", markdown);
        Assert.Contains("| Random | Random 90 % | 90 % |", markdown);
        Assert.Contains("| Magnitude (init) | Magnitude (init) 90 % | 90 % |", markdown);
        Assert.Contains("- RP 1e-1 (10 values, 95 % compression): 80 %; Random outside its points, nearest 70 % (wins); Magnitude (init) outside its points, nearest 60 % (wins).", markdown);
    }
}
