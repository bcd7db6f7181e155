using System.Collections.Concurrent;
using PEMN.Analysis;
using PEMN.Configuration;
using PEMN.Models;
using PEMN.Paper;
using PEMN.Reports;
using PEMN.Runs;
using PEMN.Runtime;
using PEMN.Storage;
using PEMN.Strategies;

namespace PEMN.Plans;

/// <summary>What a paper panel is set beside (<see cref="PaperBeside.CounterpartOf"/>): a plan, and its compression panel.</summary>
/// <param name="Plan">The workbook's plan.</param>
/// <param name="Panel">Its compression panel, or null for its (only) strategy ladder.</param>
public sealed record PaperCounterpart(FigurePlan Plan, CompressionPanel? Panel);

/// <summary>
/// The paper's figures beside the workbook's plans at a scale (<see cref="PaperComparison"/>): which plan's results each
/// paper panel is set beside, read from the plans' folders without training or writing anything (complete runs only, so a
/// plan still training shows the seeds it has), and the report of it (<see cref="PaperBesideTable"/>).
/// <para>
/// The pairing: Fig. 3's ConvMixer panels (256/6, 512/6, 256/8, 512/8) are all set beside the scale's ConvMixer ladder
/// (<see cref="FigurePlans.Ladder"/>), its ViT panels beside the ViT ladder (<see cref="FigurePlans.VitLadder"/>): the workbook has
/// one model of each family per scale. Fig. 4's ResNet-32 and -56 are set beside the scale's first and second ResNet depth of
/// <see cref="FigurePlans.ResNetCompression"/> (ResNet-8 and -20 at quick scale), Fig. 5's ConvMixer depth 6 and 8 beside the
/// scale's ConvMixer depths of <see cref="FigurePlans.ConvMixerCompression"/> in the same order, or its only one. Data sets pair in
/// order: the scale's first data set (Fashion-MNIST at quick scale) stands for CIFAR-10 (Figs. 3, 4a, 5); Fig. 4b's CIFAR-100 has
/// a counterpart only where the scale has a second (paper scale). The extra panels of the camera-ready version (ImageNet subsets,
/// Tiny-ImageNet, the ConvMixer on CIFAR-100) have no workbook counterpart and do not name their PEMN points: they are not compared.
/// </para>
/// </summary>
public static class PaperBeside
{
    /// <summary>The figures compared: those the workbook has plans for.</summary>
    public static IReadOnlyList<PaperFigure> Figures { get; } = [PaperFigure.Fig3, PaperFigure.Fig4a, PaperFigure.Fig4b, PaperFigure.Fig5];

    /// <summary>The paper panels compared, in the file's order.</summary>
    public static IReadOnlyList<PaperPanel> Panels(PaperFigures figures) => figures.Panels.Where(p => Figures.Contains(p.Figure)).ToList();

    /// <summary>
    /// Every compared paper panel beside the workbook's results at <paramref name="scale"/> under the results folder
    /// <paramref name="results"/>; with <paramref name="paperStorage"/> the paper's stored values of each masked point are
    /// derived from the paper's model definitions (<see cref="PaperStoredValues"/>: a network built per point, about a second each).
    /// </summary>
    public static IReadOnlyList<PanelComparison> Compare(Scale scale, string results, bool paperStorage = true)
    {
        var figures = PaperFigures.Load();
        // Each workbook panel is read once: Fig. 3's four ConvMixer panels are set beside the same ladder.
        var read = new Dictionary<string, WorkbookPanel>(StringComparer.Ordinal);
        return PaperComparison.CompareAll(figures, Panels(figures), panel => WorkbookFor(panel, scale, results, read),
            paperStorage ? PaperStoredValues : null);
    }

    /// <summary>The report at a scale (<see cref="PaperBesideTable"/>), made by <paramref name="command"/>, and its one-line conclusions.</summary>
    public static ReportText Report(Scale scale, string results, string command, RunProvenance provenance)
    {
        var panels = Compare(scale, results);
        var folders = new[] { FigurePlans.Ladder, FigurePlans.VitLadder, FigurePlans.ResNetCompression, FigurePlans.ConvMixerCompression }
            .Select(p => $"results/{p.Folder}/{Names.Of(scale)}");
        var source = $"{Names.Of(scale)} scale, the complete runs of {string.Join(", ", folders)} (read, nothing trained); " +
            "accuracy: best test accuracy over epochs, mean and sample sd over the seeds each run folder has";
        string[] notes =
        [
            "paper values: the unique random values the paper's network stores at that point, measured on the network built from the paper's " +
            "model definition (the authors' ConvMixer, kernel 5, patch 2; the CIFAR ResNet with option-A shortcuts; Fig. 5's width read as 256); " +
            "none for the ViT, whose settings the paper does not give",
        ];
        return new ReportText(PaperBesideTable.Markdown(panels, PaperFigures.Load().Provenance, source, command, provenance, notes),
            PaperBesideTable.Conclusions(panels));
    }

    /// <summary>
    /// Which of the workbook's results a paper panel is set beside at <paramref name="scale"/> (see <see cref="PaperBeside"/>):
    /// a ladder plan (its ladder) or a compression plan and its panel; null when the workbook has none.
    /// </summary>
    public static PaperCounterpart? CounterpartOf(PaperPanel panel, Scale scale)
    {
        if (panel.Figure.IsLadder())
            return panel.Model switch
            {
                ModelName.ConvMixer => new PaperCounterpart(FigurePlans.Ladder, null),
                ModelName.ViT => new PaperCounterpart(FigurePlans.VitLadder, null),
                _ => null,
            };
        var (plan, paperDepths, depths, dataSets) = panel.Figure switch
        {
            PaperFigure.Fig4a or PaperFigure.Fig4b => (FigurePlans.ResNetCompression, FigurePlans.ResNetDepths(Scale.Paper), FigurePlans.ResNetDepths(scale),
                FigurePlans.ResNetDataSets(scale)),
            PaperFigure.Fig5 => (FigurePlans.ConvMixerCompression, FigurePlans.ConvMixerDepths(Scale.Paper), FigurePlans.ConvMixerDepths(scale),
                (IReadOnlyList<Data.DataSetName>)[ExperimentPresets.Get(scale).Data.Dataset]),
            _ => default,
        };
        if (plan is null) return null;
        // Data sets in order, CIFAR-10 first (no fallback: another data set is another figure); depths in order, or the scale's only one.
        var dataSetIndex = panel.DataSet switch { PaperDataSet.Cifar10 => 0, PaperDataSet.Cifar100 => 1, _ => -1 };
        var depthIndex = paperDepths.ToList().IndexOf(panel.Depth);
        if (dataSetIndex < 0 || dataSetIndex >= dataSets.Count || depthIndex < 0) return null;
        long? depth = depths.Count == paperDepths.Count ? depths[depthIndex] : depths.Count == 1 ? depths[0] : null;
        var match = plan.PanelsAt(scale).FirstOrDefault(p => p.Base.Model.Depth == depth && p.Base.Data.Dataset == dataSets[dataSetIndex]);
        return match is null ? null : new PaperCounterpart(plan, match);
    }

    /// <summary>The workbook's side of <paramref name="panel"/> at a scale, read (complete runs only), or null when it has none.</summary>
    public static WorkbookPanel? WorkbookFor(PaperPanel panel, Scale scale, string results) => WorkbookFor(panel, scale, results, []);

    private static WorkbookPanel? WorkbookFor(PaperPanel panel, Scale scale, string results, Dictionary<string, WorkbookPanel> read)
    {
        if (CounterpartOf(panel, scale) is not { } counterpart) return null;
        var key = $"{counterpart.Plan.Name}/{counterpart.Panel?.Key}";
        if (read.TryGetValue(key, out var known)) return known;
        return read[key] = counterpart.Panel is { } compression
            ? ReadCompression(counterpart.Plan, compression, scale, results)
            : ReadLadder(counterpart.Plan, scale, results);
    }

    private static WorkbookPanel ReadCompression(FigurePlan plan, CompressionPanel panel, Scale scale, string results)
    {
        var rows = CompressionComparison.Rows(CompressionComparison.Run(panel, plan.Location(results, scale).Table, trainMissing: false));
        return new WorkbookPanel(Title(panel.Title, rows.Select(r => r.Seeds).DefaultIfEmpty(0).Max(), plan, scale), PanelPoint.FromCompression(rows));
    }

    private static WorkbookPanel ReadLadder(FigurePlan plan, Scale scale, string results)
    {
        var part = plan.Ladders[0];
        var baseConfig = part.Base(scale);
        var rows = Sweeps.StrategyLadder.Run(baseConfig, part.Seeds(scale), plan.Location(results, scale).Table, rungs: part.Rungs, trainMissing: false);
        var title = $"{LadderComparison.ModelLabel(baseConfig.Model)}, {Names.Label(baseConfig.Data.Dataset)}";
        return new WorkbookPanel(Title(title, rows.Select(r => r.Seed).Distinct().Count(), plan, scale), PanelPoint.FromLadder(rows));
    }

    private static string Title(string what, int seeds, FigurePlan plan, Scale scale) =>
        $"{what}, up to {seeds} seed(s) (results/{plan.Folder}/{Names.Of(scale)})";

    /// <summary>
    /// The unique random values the paper's network of <paramref name="point"/> stores, measured on the network built from the
    /// paper's model definition (the authors' ConvMixer: kernel 5, patch 2; the CIFAR ResNet with option-A shortcuts; on the
    /// figure's data set): what a rung keeps there, beside what it keeps on the workbook's smaller model. Null for Dense and the
    /// sparse baselines (not masked), for the ViT (the paper gives no ViT settings; the workbook's paper_vit preset is its own
    /// choice) and for models the library does not build.
    /// </summary>
    public static long? PaperStoredValues(PaperPanel panel, PaperPoint point)
    {
        if (point.Strategy is not { } strategy || point.Method != CompressionMethod.Pemn) return null;
        var config = PaperModel(panel);
        if (config is null) return null;
        var spec = (config with { Strategy = strategy }).Validate().Network;
        return StoredValues.GetOrAdd(ExperimentJson.Serialize(spec.Model) + "|" + ExperimentJson.Serialize(spec.Strategy),
            _ => StorageMeasurement.Run(spec).UniqueValues);
    }

    /// <summary>Storage by model and strategy: Fig. 3's and Fig. 5's ConvMixer-256/6 and 256/8 share their RP points.</summary>
    private static readonly ConcurrentDictionary<string, long> StoredValues = new(StringComparer.Ordinal);

    /// <summary>
    /// The paper's model of a panel on the figure's data set, or null: the ConvMixer at the panel's width (Fig. 5 prints none: the
    /// width its Dense point was read as, 256, since that value is Fig. 3's ConvMixer-256) and depth; the CIFAR ResNet at its depth.
    /// </summary>
    private static ExperimentConfig? PaperModel(PaperPanel panel)
    {
        if (panel.DataSet.Catalogued() is not { } dataSet) return null;
        ExperimentConfig? config = panel.Model switch
        {
            ModelName.ConvMixer when (panel.Width ?? DenseWidth(panel)) is { } width =>
                ExperimentPresets.Paper with { Model = ExperimentPresets.Paper.Model with { Dim = width, Depth = panel.Depth } },
            ModelName.ResNet when panel.Depth % 6 == 2 =>
                ExperimentPresets.PaperResNet with { Model = ExperimentPresets.PaperResNet.Model with { Depth = panel.Depth } },
            _ => null,
        };
        return config is null ? null : config.WithDataSet(dataSet);
    }

    private static int? DenseWidth(PaperPanel panel) =>
        PaperFigures.Load().In(panel).FirstOrDefault(p => p.Method == CompressionMethod.Dense)?.Width;
}
