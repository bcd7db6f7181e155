using PEMN.Analysis;
using PEMN.Configuration;
using PEMN.Models;
using PEMN.Paper;
using PEMN.Plans;
using PEMN.Reports;
using PEMN.Runs;
using PEMN.Strategies;

namespace PEMN.Tests.Plans;

public class PaperBesideTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "pemn-paper-beside-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    private static PaperPanel Panel(PaperFigure figure, ModelName model, int depth, int? width = null) => new(figure, model, depth, width);

    [Fact]
    public void EachPaperPanelIsSetBesideTheScalesPlanOfItsFamilyDepthAndDataSet()
    {
        PaperCounterpart? Quick(PaperPanel p) => PaperBeside.CounterpartOf(p, Scale.Quick);
        // Fig. 3: every ConvMixer panel beside the ConvMixer ladder, every ViT panel beside the ViT ladder.
        Assert.Equal(FigurePlans.Ladder, Quick(Panel(PaperFigure.Fig3, ModelName.ConvMixer, 8, 512))!.Plan);
        Assert.Null(Quick(Panel(PaperFigure.Fig3, ModelName.ConvMixer, 6, 256))!.Panel);
        Assert.Equal(FigurePlans.VitLadder, Quick(Panel(PaperFigure.Fig3, ModelName.ViT, 6, 256))!.Plan);
        // Fig. 4: ResNet-32 and -56 beside the scale's first and second depth; CIFAR-100 only where the scale has a second data set.
        Assert.Equal("resnet8-fashion_mnist", Quick(Panel(PaperFigure.Fig4a, ModelName.ResNet, 32))!.Panel!.Key);
        Assert.Equal("resnet20-fashion_mnist", Quick(Panel(PaperFigure.Fig4a, ModelName.ResNet, 56))!.Panel!.Key);
        Assert.Null(Quick(Panel(PaperFigure.Fig4b, ModelName.ResNet, 32)));
        Assert.Equal("resnet56-cifar100", PaperBeside.CounterpartOf(Panel(PaperFigure.Fig4b, ModelName.ResNet, 56), Scale.Paper)!.Panel!.Key);
        Assert.Equal("resnet32-cifar10", PaperBeside.CounterpartOf(Panel(PaperFigure.Fig4a, ModelName.ResNet, 32), Scale.Paper)!.Panel!.Key);
        // Fig. 5: both depths beside the scale's only ConvMixer.
        Assert.Equal("convmixer64x4-fashion_mnist", Quick(Panel(PaperFigure.Fig5, ModelName.ConvMixer, 6))!.Panel!.Key);
        Assert.Equal("convmixer64x4-fashion_mnist", Quick(Panel(PaperFigure.Fig5, ModelName.ConvMixer, 8))!.Panel!.Key);
        Assert.Null(Quick(Panel(PaperFigure.ExtraImageNet100, ModelName.ResNet, 50)));
        Assert.Equal(14, PaperBeside.Panels(PaperFigures.Load()).Count);
    }

    [Fact]
    public void ThePapersStoredValuesComeFromItsModelDefinitions()
    {
        var figures = PaperFigures.Load();
        var resnet32 = Panel(PaperFigure.Fig4a, ModelName.ResNet, 32);
        long? Values(PaperPanel panel, Func<PaperPoint, bool> which) => PaperBeside.PaperStoredValues(panel, figures.In(panel).Single(which));
        // ResNet-32's largest layer is a 64 x 64 x 3 x 3 conv: MP stores it, RP 1e-2 floor(36,864 x 0.01) + 1 of it.
        Assert.Equal(36_864, Values(resnet32, p => p.Strategy?.Name == StrategyName.MaxLayerPadding));
        Assert.Equal(369, Values(resnet32, p => p.Strategy == new StrategyConfig(StrategyName.RandomVectorPadding, 1e-2)));
        Assert.Null(Values(resnet32, p => p.Method == CompressionMethod.SparseRandom && p.CompressionPercent == 90));
        Assert.Null(Values(resnet32, p => p.Method == CompressionMethod.Dense));
        Assert.Null(Values(Panel(PaperFigure.Fig3, ModelName.ViT, 6, 256), p => p.Strategy?.Name == StrategyName.Mask));
    }

    [Fact]
    public void ThePlanWritesTheReportFromTheRunsOtherPlansCompletedAndTouchesNothingElse()
    {
        // The ConvMixer ladder at seed 0 only: the plan asks for seeds 0 and 1, so every workbook value is one seed's.
        FigurePlans.Ladder.WithSeeds([0]).RunLadders(Scale.Smoke, folder);
        var ladderCsv = FigurePlans.Ladder.Location(folder, Scale.Smoke).Table;
        var table = File.ReadAllBytes(ladderCsv);
        var prepared = PlanRunner.Prepare([FigurePlans.PaperBeside], Scale.Smoke, folder);
        Assert.Empty(prepared[0].Runs.Runs);
        var options = new PlanRunOptions((p, s) => $"scripts/pemn plan {p.Name} --scale smoke");
        var outcome = Assert.Single(PlanRunner.Run(prepared, folder, options));

        var written = Assert.Single(outcome.Tables);
        Assert.True(written.Written);
        Assert.Equal(Path.Combine(folder, "paper-beside", "smoke", PaperBesideTable.FileName), written.Path);
        Assert.Equal(["paper-beside.md"], Directory.GetFileSystemEntries(Path.GetDirectoryName(written.Path)!).Select(Path.GetFileName));
        Assert.Equal(table, File.ReadAllBytes(ladderCsv));
        Assert.Contains(written.Conclusions, l => l.StartsWith("Fig. 3: 64 claims over 8 panels", StringComparison.Ordinal));

        var markdown = File.ReadAllText(written.Path);
        Assert.Contains("- command: `scripts/pemn plan paper_beside --scale smoke`", markdown);
        Assert.Contains("## Fig. 3: ConvMixer-256/6, CIFAR-10", markdown);
        Assert.Contains("| Mask | 89.43 | -4.58 | 437,248 |", markdown);    // the paper's value, gap and stored values beside ...
        Assert.Matches(@"\| Mask \| 89\.43 \| -4\.58 \| 437,248 \|  \| \d\d\.\d\d \(n = 1\) \|", markdown);   // ... one seed: no sd
        Assert.DoesNotContain("± 0.00 (n = 1)", markdown);
        Assert.Contains("n = 1: spread unknown", markdown);
        Assert.Contains("Beside: nothing (the workbook has no counterpart at this scale).", markdown);   // Fig. 4b at smoke scale
        Assert.Contains("| RP 1e-1 is above Random at its compression | holds: +7.29 ± 0.10 (Random's most compressed point (96 %)) | no data (no RP 1e-1) | undecided |", markdown);

        // Rewriting from the same runs leaves the file as it was.
        var again = Assert.Single(Assert.Single(PlanRunner.Run(prepared, folder, options)).Tables);
        Assert.False(again.Written);
    }
}
