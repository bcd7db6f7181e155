using PEMN.Analysis;
using PEMN.Models;
using PEMN.Paper;
using PEMN.Runtime;
using PEMN.Strategies;
using PEMN.Sweeps;

namespace PEMN.Tests.Paper;

public class PaperFiguresTests
{
    private static readonly PaperFigures Paper = PaperFigures.Load();

    private static PaperPoint Single(PaperFigure figure, ModelName model, int depth, Func<PaperPoint, bool> which) =>
        Assert.Single(Paper.Of(figure), p => p.Model == model && p.Depth == depth && which(p));

    private static StrategyConfig Rp(double ratio) => new(StrategyName.RandomVectorPadding, ratio);

    [Fact]
    public void TheProvenanceIsTheFilesHeader()
    {
        var p = Paper.Provenance;
        Assert.StartsWith("The paper's plotted points (Bai et al., Parameter-Efficient Masking Networks, NeurIPS 2022)", p.Source);
        Assert.Contains("yueb17/PEMN, branch 'homepage', figs/*.svg", p.Source);
        Assert.StartsWith("marker and line coordinates mapped onto each axis's tick labels", p.Method);
        Assert.Equal(0.05, p.ReadOffErrorPoints);
        Assert.Contains(p.Notes, n => n.Contains("'Minimum' = the paper's magnitude baseline", StringComparison.Ordinal));
        // The library's copy keeps the header it was read with.
        Assert.StartsWith("# The paper's plotted points", PaperFigures.ReadEmbedded());
    }

    [Fact]
    public void EveryPackedRowIsUnpackedIntoOnePointPerValue()
    {
        // Fig. 3: 8 panels x 9 rungs; Fig. 4a/4b, 5: 2 panels x (Dense + 4 Random + 4 Minimum + 3 PEMN); the extra
        // ConvMixer panels the same; the ImageNet panels Dense + 3 Minimum + 3 PEMN.
        var counts = Enum.GetValues<PaperFigure>().ToDictionary(f => f, f => Paper.Of(f).Count);
        Assert.Equal(new Dictionary<PaperFigure, int>
        {
            [PaperFigure.Fig3] = 72, [PaperFigure.Fig4a] = 24, [PaperFigure.Fig4b] = 24, [PaperFigure.Fig5] = 24,
            [PaperFigure.ExtraConvMixerCifar100] = 12, [PaperFigure.ExtraConvMixerTinyImageNet] = 12,
            [PaperFigure.ExtraImageNet100] = 7, [PaperFigure.ExtraImageNet200] = 7,
        }, counts);
        Assert.Equal(182, Paper.Points.Count);
        Assert.Equal(8 + 2 + 2 + 2 + 4, Paper.Panels.Count);
        Assert.All(Paper.Panels, panel => Assert.Single(Paper.In(panel), p => p.Method == CompressionMethod.Dense));
    }

    [Fact]
    public void LadderRungsAreTypedStrategiesWithTheirRatios()
    {
        var mask = Single(PaperFigure.Fig3, ModelName.ConvMixer, 6, p => p.Width == 256 && p.Strategy == new StrategyConfig(StrategyName.Mask));
        Assert.Equal(89.43, mask.AccuracyPercent);
        Assert.Equal(6, mask.Line);                       // 3 '#' lines, the column line, then Dense
        Assert.Equal(PaperDataSet.Cifar10, mask.DataSet);
        Assert.Null(mask.CompressionPercent);
        Assert.Equal("Fig. 3: ConvMixer-256/6, CIFAR-10", mask.Panel.Title);

        var vit = Single(PaperFigure.Fig3, ModelName.ViT, 8, p => p.Width == 512 && p.Strategy == Rp(1e-5));
        Assert.Equal(79.21, vit.AccuracyPercent);
        Assert.Equal("RP 1e-5", vit.Label);
        Assert.Equal(CompressionMethod.Pemn, vit.Method);
        Assert.Equal(StrategyLadder.Rungs.Select(r => r.Strategy.Canonical()),
            Paper.In(mask.Panel).Select(p => p.Strategy!));  // the panel's rungs are the ladder's, in its order
    }

    [Fact]
    public void CompressionSeriesAreUnpackedWithTheirBaselineOrStrategyAndCompression()
    {
        var minimum = Single(PaperFigure.Fig4a, ModelName.ResNet, 56, p => p.Legend == "Minimum" && p.CompressionPercent == 94);
        Assert.Equal(84.33, minimum.AccuracyPercent);
        Assert.Equal(CompressionMethod.SparseMagnitude, minimum.Method);
        Assert.Equal(new StrategyConfig(StrategyName.SparseMagnitude), minimum.Strategy);
        Assert.Equal("Magnitude (init) 94 %", minimum.Label);
        Assert.Equal("Fig. 4a: ResNet-56, CIFAR-10", minimum.Panel.Title);

        var rp = Single(PaperFigure.Fig5, ModelName.ConvMixer, 8, p => p.Strategy == Rp(1e-2));
        Assert.Equal(96.76, rp.CompressionPercent);
        Assert.Equal(90.72, rp.AccuracyPercent);

        var mp = Single(PaperFigure.Fig4a, ModelName.ResNet, 32, p => p.Strategy == new StrategyConfig(StrategyName.MaxLayerPadding));
        Assert.Equal((89.0, true, 86.29), (mp.CompressionPercent!.Value, mp.AtPlotEdge, mp.AccuracyPercent));
        Assert.All(Paper.Points.Where(p => p != mp && p.Figure != PaperFigure.Fig4b), p => Assert.False(p.AtPlotEdge));

        var random = Single(PaperFigure.Fig4b, ModelName.ResNet, 32, p => p.Method == CompressionMethod.SparseRandom && p.CompressionPercent == 96);
        Assert.Equal((39.72, PaperDataSet.Cifar100), (random.AccuracyPercent, random.DataSet));

        var dense = Single(PaperFigure.Fig5, ModelName.ConvMixer, 6, p => p.Method == CompressionMethod.Dense);
        Assert.Equal((256, true, 94.01), (dense.Width!.Value, dense.WidthInferred, dense.AccuracyPercent));
        Assert.Null(dense.CompressionPercent);
    }

    [Fact]
    public void TheExtraPanelsPackedRowsGiveOnePointPerPartAndValue()
    {
        var cf100 = Paper.Of(PaperFigure.ExtraConvMixerCifar100);
        Assert.All(cf100, p => Assert.Equal((ModelName.ConvMixer, 8, PaperDataSet.Cifar100), (p.Model, p.Depth, p.DataSet)));
        Assert.Equal(73.95, Assert.Single(cf100, p => p.Method == CompressionMethod.Dense).AccuracyPercent);
        Assert.Equal([62.77, 60.74, 58.69, 54.80], cf100.Where(p => p.Method == CompressionMethod.SparseRandom).Select(p => p.AccuracyPercent));
        Assert.All(cf100.Where(p => p.Method.IsBaseline()), p => Assert.Null(p.CompressionPercent)); // x = 'see report'
        var ours = cf100.Where(p => p.Method == CompressionMethod.Pemn).ToList();
        Assert.Equal([95.75, 96.76, 96.86], ours.Select(p => p.CompressionPercent!.Value));
        Assert.Equal([64.90, 65.06, 62.78], ours.Select(p => p.AccuracyPercent));
        Assert.All(ours, p => Assert.Null(p.Strategy));                                               // not named by the panel

        var imagenet = Paper.Of(PaperFigure.ExtraImageNet100);
        Assert.All(imagenet, p => Assert.Equal((ModelName.ResNet, 50, PaperDataSet.ImageNet100), (p.Model, p.Depth, p.DataSet)));
        Assert.Equal(73.38, Assert.Single(imagenet, p => p.Method == CompressionMethod.SparseMagnitude && p.CompressionPercent == 94).AccuracyPercent);
        Assert.Equal(75.10, Assert.Single(imagenet, p => p.Method == CompressionMethod.Pemn && p.CompressionPercent == 96.89).AccuracyPercent);
        Assert.DoesNotContain(imagenet, p => p.Method == CompressionMethod.SparseRandom);
    }

    [Fact]
    public void ThePapersMinimumIsMagnitudePruningBeforeTrainingTheWorkbooksPaperBaseline()
    {
        Assert.Equal(StrategyName.SparseMagnitude, PaperFigures.PaperBaselines["Minimum"]);
        Assert.Equal(StrategyName.SparseRandom, PaperFigures.PaperBaselines["Random"]);
        Assert.Equal(CompressionComparison.PaperBaselines.Order(), PaperFigures.PaperBaselines.Values.Order());
        Assert.False(StrategyName.SparseMagnitude.NeedsParent());   // trained from scratch, as the paper's
    }

    [Fact]
    public void ThePapersDataSetsAreSpelledAsTheCatalogues()
    {
        foreach (var d in Enum.GetValues<PaperDataSet>())
            if (d.Catalogued() is { } catalogued)
            {
                Assert.Equal(Names.Of(catalogued), Names.Of(d));
                Assert.Equal(Names.Label(catalogued), Names.Label(d));
            }
        Assert.Null(PaperDataSet.ImageNet100.Catalogued());
    }

    [Theory]
    [InlineData("fig3,ConvMixer,6,256,Mask,,89.43", "fig3,ConvMixer,6,256,Mask,,89.4x", 6, "acc")]
    [InlineData("fig3,ConvMixer,6,256,Mask,,89.43", "fig9,ConvMixer,6,256,Mask,,89.43", 6, "figure")]
    [InlineData("fig3,ConvMixer,6,256,Mask,,89.43", "fig3,ConvMixer,6,256,Mask,,189.43", 6, "acc")]
    [InlineData("fig3,ConvMixer,6,256,Mask,,89.43", "fig3,ConvMixer,6,256,Mask,89.43", 6, "line")]
    [InlineData("fig3,ConvMixer,6,256,RP_1e-1,,89.09", "fig3,ConvMixer,6,256,RP,,89.09", 9, "setting")]
    [InlineData("fig3,ConvMixer,6,256,RP_1e-1,,89.09", "fig3,ConvMixer,6,256,Mask_1e-1,,89.09", 9, "setting")]
    [InlineData("fig3,ViT,6,256,Dense,,79.29", "fig3,Vit6,8,256,Dense,,79.29", 41, "depth")]
    [InlineData("fig4a,ResNet32,,,Random,90/92/94/96,84.07/83.44/82.01/79.36", "fig4a,ResNet32,,,Random,90/92/94,84.07/83.44/82.01/79.36", 78, "x")]
    [InlineData("fig4a,ResNet32,,,Minimum,", "fig4a,ResNet32,,,Maximum,", 79, "setting")]
    [InlineData("Ours(MP;RP1e-1;RP1e-2),89.0(edge)/96.10/96.80,86.29/86.65/86.41", "Ours(MP;RP1e-1),89.0(edge)/96.10/96.80,86.29/86.65/86.41", 80, "setting")]
    [InlineData("| M 63.25/61.75/58.20/55.08 |", "| R 63.25/61.75/58.20/55.08 |", 101, "acc")]
    [InlineData("92/94/96 ; 95.83/96.79/96.89,85.98", "92/94/96,85.98", 103, "x")]
    public void AMalformedLineIsRefusedNamingItsLineAndField(string good, string bad, int line, string field)
    {
        var text = PaperFigures.ReadEmbedded();
        Assert.Contains(good, text);
        var at = text.IndexOf(good, StringComparison.Ordinal);
        var error = Assert.Throws<PaperFiguresFormatException>(() => PaperFigures.Parse(text[..at] + bad + text[(at + good.Length)..]));
        Assert.Equal((line, field), (error.Line, error.Field));
        Assert.StartsWith($"paper-figures.csv line {line}, field {field}: ", error.Message);
    }

    [Fact]
    public void AFileWithoutItsProvenanceOrColumnsIsRefused()
    {
        var text = PaperFigures.ReadEmbedded();
        var noError = text.Replace("read-off error about +-0.05 accuracy points", "read-off error unknown", StringComparison.Ordinal);
        Assert.Equal((2, "header"), Fields(Assert.Throws<PaperFiguresFormatException>(() => PaperFigures.Parse(noError))));
        var noColumns = text.Replace("figure,backbone,depth,width,setting,x,acc", "figure,model,acc", StringComparison.Ordinal);
        Assert.Equal((4, "header"), Fields(Assert.Throws<PaperFiguresFormatException>(() => PaperFigures.Parse(noColumns))));
        Assert.Equal((1, "header"), Fields(Assert.Throws<PaperFiguresFormatException>(() => PaperFigures.Parse("figure,backbone,depth,width,setting,x,acc\n"))));

        static (int, string) Fields(PaperFiguresFormatException e) => (e.Line, e.Field);
    }
}
