using PEMN.Analysis;
using PEMN.Configuration;
using PEMN.Models;
using PEMN.Paper;
using PEMN.Plans;
using PEMN.Runtime;

namespace PEMN.Tests.Analysis;

/// <summary>Disagreements are said with their measured reason, read from the committed quick ladder (three seeds, complete).</summary>
public class PaperDisagreementsTests
{
    private static PanelComparison ConvMixer256By6() =>
        PaperBeside.Compare(Scale.Quick, Path.Combine(Repository.Find(), "results"))
            .First(c => c.Panel is { Figure: PaperFigure.Fig3, Model: ModelName.ConvMixer, Depth: 6, Width: 256 });

    [Fact]
    public void AClaimDecidedOppositeWaysIsSaidWithTheReasonMeasured()
    {
        var lines = PaperDisagreements.Of(ConvMixer256By6());
        // RP 1e-3 keeps 66 unique values on the paper's ConvMixer-256/6 and 5 on the quick ConvMixer-64/4.
        var rp = Assert.Single(lines, l => l.StartsWith("Disagree: RP 1e-3 ≈ MP", StringComparison.Ordinal));
        Assert.Contains("the paper holds", rp);
        Assert.Contains("the workbook does not hold", rp);
        Assert.Contains("Measured reason: the workbook's RP 1e-3 keeps 5 unique values where the paper's keeps 66", rp);
        Assert.Contains(lines, l => l.StartsWith("Within the workbook's seed noise", StringComparison.Ordinal) && l.Contains("One-layer ≈ Mask"));
    }

    [Fact]
    public void APanelWithoutACounterpartSaysSo()
    {
        var cifar100 = PaperBeside.Compare(Scale.Quick, Path.Combine(Repository.Find(), "results"), paperStorage: false)
            .First(c => c.Panel.Figure == PaperFigure.Fig4b);
        Assert.Null(cifar100.Workbook);
        Assert.Contains("The workbook has no counterpart of this panel at this scale.", PaperDisagreements.Of(cifar100));
    }
}
