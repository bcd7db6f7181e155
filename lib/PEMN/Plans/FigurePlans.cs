using PEMN.Analysis;
using PEMN.Configuration;
using PEMN.Data;
using PEMN.Models;
using PEMN.Reports;
using PEMN.Runtime;
using PEMN.Storage;
using PEMN.Strategies;
using PEMN.Sweeps;

namespace PEMN.Plans;

/// <summary>The plans of the workbook's figures, by name: the catalogue <c>pemn plan</c>, the notebooks and the main job use.</summary>
public static class FigurePlans
{
    /// <summary>The rungs of the width/depth comparison: Dense, Mask and two RP rungs (41 and 5 values on the quick ConvMixer).</summary>
    public static IReadOnlyList<LadderRung> WidthDepthRungs { get; } =
    [
        StrategyLadder.Rungs[0], StrategyLadder.Rungs[1],
        new(new StrategyConfig(StrategyName.RandomVectorPadding, 1e-2)),
        new(new StrategyConfig(StrategyName.RandomVectorPadding, 1e-3)),
    ];

    /// <summary>Fig. 3 on the ConvMixer: the paper's nine rungs over three seeds.</summary>
    public static FigurePlan Ladder { get; } = new(PlanName.Ladder, "strategy-ladder", "Fig. 3: the strategy ladder on the ConvMixer, over seeds",
        [new LadderPart(PresetVariant.ConvMixer, StrategyLadder.Rungs, Scales.LadderSeeds)]);

    /// <summary>Fig. 3 on the ViT: One-layer shares its same-shape linear layers.</summary>
    public static FigurePlan VitLadder { get; } = new(PlanName.VitLadder, "vit-ladder", "Fig. 3: the strategy ladder on the ViT, over seeds",
        [new LadderPart(PresetVariant.ViT, StrategyLadder.Rungs, Scales.LadderSeeds)]);

    /// <summary>Fig. 3's rungs on a CIFAR ResNet (ResNet-20 at quick scale), over seeds.</summary>
    public static FigurePlan ResNetLadder { get; } = new(PlanName.ResNetLadder, "resnet-ladder", "Fig. 3's rungs on a CIFAR ResNet, over seeds",
        [new LadderPart(PresetVariant.ResNet, StrategyLadder.Rungs, Scales.ClaimSeeds)]);

    /// <summary>"Deeper and wider nets close the gap": Dense, Mask, RP 1e-2, RP 1e-3 on a twice wider and a twice deeper ConvMixer.</summary>
    public static FigurePlan WidthDepth { get; } = new(PlanName.WidthDepth, "width-depth",
        "Fig. 3's claim that wider and deeper nets close the gap to Dense: a wider and a deeper ConvMixer, over seeds",
        [new LadderPart(PresetVariant.Wide, WidthDepthRungs, Scales.ClaimSeeds), new LadderPart(PresetVariant.Deep, WidthDepthRungs, Scales.ClaimSeeds)]);

    /// <summary>
    /// How few values are enough: RP by unique-value count on the scale's ConvMixer, copy against rand, and the variants
    /// meant to steady the few-values end (<see cref="FewValues"/>). The core: the instability and the variants at 1 and 5 values,
    /// at 41 and 410 whether they cost accuracy where RP is steady, and the whole curve copy against rand (1 ... 410 values).
    /// </summary>
    public static FigurePlan FewValuesCore { get; } = new(PlanName.FewValues, FewValues.Folder,
        "How few values are enough (core): RP copy and the variants at 1 and 5 values over five seeds, copy, rand and the variants at 41 and copy at 410 over three, and the whole curve copy against rand (2, 3, 9, 17 values)",
        [], [new PointsPart("few-values", FewValues.CoreRuns)])
    {
        AnalysesRuns = true,
    };

    /// <summary>
    /// The whole few-values sweep, in the same folder: the core's runs (reused once the core has run), then signed constant at one value over
    /// more seeds, rand at 410 values, the variants at 2, 3 and 410 values and the three variants combined.
    /// </summary>
    public static FigurePlan FewValuesExtended { get; } = new(PlanName.FewValuesExtended, FewValues.Folder,
        "How few values are enough (extended): the core, then signed constant at 1 value over five more seeds, rand at 410 values, the variants at 2, 3 and 410 values, and the three variants combined",
        [], [new PointsPart("few-values-extended", FewValues.ExtendedRuns)])
    {
        AnalysesRuns = true,
    };


    /// <summary>Storage compression targets of the sparse baselines (paper Fig. 4 and 5): 90, 92, 94 and 96 %.</summary>
    public static IReadOnlyList<double> CompressionTargets { get; } = [0.90, 0.92, 0.94, 0.96];

    /// <summary>The sparse baselines of Fig. 4 and 5: the paper's two (random, magnitude at init) and magnitude after training.</summary>
    public static IReadOnlyList<StrategyName> SparseBaselineNames { get; } =
        [StrategyName.SparseRandom, StrategyName.SparseMagnitude, StrategyName.SparseMagnitudeTrained];

    /// <summary>Fig. 4's PEMN points: MP, RP 1e-1, RP 1e-2.</summary>
    public static IReadOnlyList<StrategyConfig> ResNetPemnPoints { get; } =
        [new(StrategyName.MaxLayerPadding), new(StrategyName.RandomVectorPadding, 1e-1), new(StrategyName.RandomVectorPadding, 1e-2)];

    /// <summary>Fig. 5's PEMN points: RP 1e-1, 1e-2, 1e-3.</summary>
    public static IReadOnlyList<StrategyConfig> ConvMixerPemnPoints { get; } =
        [new(StrategyName.RandomVectorPadding, 1e-1), new(StrategyName.RandomVectorPadding, 1e-2), new(StrategyName.RandomVectorPadding, 1e-3)];

    /// <summary>
    /// Fig. 4's ResNet depths at a scale. Paper: ResNet-32 and -56, as the paper. Smoke and quick: ResNet-8 and -20 on the
    /// CPU. On 1x28x28 images ResNet-20 has about 31 M multiply-adds per image (6.8 quick ConvMixers) and ResNet-8, one
    /// block per stage, about 9 M (2); on this project's 2 cores a ResNet-20 training step took about 2x a quick
    /// ConvMixer's and a ResNet-8 step about 0.8x (pemn bench masks). ResNet-8 is the cheapest depth there is, the pair
    /// spans a wider depth ratio (2.5x) than the paper's (1.75x), and ResNet-20 is the quick ResNet of the other plans,
    /// whose runs it shares; ResNet-14 and -20 would cost about a quarter more for a narrower contrast.
    /// </summary>
    public static IReadOnlyList<long> ResNetDepths(Scale scale) => scale == Scale.Paper ? [32, 56] : [8, 20];

    /// <summary>Fig. 4's data sets at a scale: the paper's CIFAR-10 and CIFAR-100 at paper scale, the scale's own otherwise.</summary>
    public static IReadOnlyList<DataSetName> ResNetDataSets(Scale scale) =>
        scale == Scale.Paper ? [DataSetName.Cifar10, DataSetName.Cifar100] : [ExperimentPresets.Get(scale, PresetVariant.ResNet).Data.Dataset];

    /// <summary>Fig. 5's ConvMixer depths at a scale: the paper's 6 and 8 at paper scale, the scale's ConvMixer otherwise.</summary>
    public static IReadOnlyList<long> ConvMixerDepths(Scale scale) =>
        scale == Scale.Paper ? [6, 8] : [ExperimentPresets.Get(scale).Model.Depth];

    /// <summary>Fig. 4 at a scale: one panel per data set and depth, on the scale's ResNet preset.</summary>
    public static IReadOnlyList<CompressionPanel> ResNetPanels(Scale scale)
    {
        var preset = ExperimentPresets.Get(scale, PresetVariant.ResNet);
        return ResNetDataSets(scale).SelectMany(dataset => ResNetDepths(scale).Select(depth =>
        {
            var config = preset.WithDataSet(dataset);
            return Panel(config with { Model = config.Model with { Depth = depth } }, ResNetPemnPoints, Scales.ClaimSeeds(scale));
        })).ToList();
    }

    /// <summary>Fig. 5 at a scale: one panel per ConvMixer depth, on the scale's ConvMixer preset.</summary>
    public static IReadOnlyList<CompressionPanel> ConvMixerPanels(Scale scale)
    {
        var preset = ExperimentPresets.Get(scale);
        return ConvMixerDepths(scale).Select(depth => Panel(preset with { Model = preset.Model with { Depth = depth } }, ConvMixerPemnPoints, Scales.ClaimSeeds(scale))).ToList();
    }

    /// <summary>Fig. 4: CIFAR ResNets, accuracy against storage compression, PEMN (MP, RP 1e-1, 1e-2) and the sparse baselines.</summary>
    public static FigurePlan ResNetCompression { get; } = new(PlanName.Fig4, "resnet-compression",
        "Fig. 4: ResNets, test accuracy against storage compression: PEMN (MP, RP 1e-1, 1e-2) and sparse baselines at 90-96 %, over seeds",
        [], Panels: ResNetPanels);

    /// <summary>Fig. 5: the ConvMixer, accuracy against storage compression, PEMN (RP 1e-1, 1e-2, 1e-3) and the sparse baselines.</summary>
    public static FigurePlan ConvMixerCompression { get; } = new(PlanName.Fig5, "convmixer-compression",
        "Fig. 5: the ConvMixer, test accuracy against storage compression: PEMN (RP 1e-1, 1e-2, 1e-3) and sparse baselines at 90-96 %, over seeds",
        [], Panels: ConvMixerPanels);

    /// <summary>
    /// The keep fractions of the k sweep: from far below the paper's 0.5, where a context-coded mask costs
    /// H(k) bits per weight (0.29 at k = 0.05), to 0.7, above it (H(0.7) = 0.88).
    /// </summary>
    public static IReadOnlyList<double> SweepKeepFractions { get; } = [0.05, 0.1, 0.2, 0.3, 0.5, 0.7];

    /// <summary>The strategies of the k sweep: Mask (every layer its own values) and RP 1e-2 (41 values on the quick ConvMixer).</summary>
    public static IReadOnlyList<LadderRung> SweepRungs { get; } =
    [
        StrategyLadder.Rungs[1],
        new(new StrategyConfig(StrategyName.RandomVectorPadding, 1e-2)),
    ];

    /// <summary>
    /// The k sweep's runs at a scale: <see cref="SweepRungs"/> at every <see cref="SweepKeepFractions"/> on the scale's ConvMixer,
    /// seed 0. Each config is the strategy ladder's rung with masking.keep_fraction replaced, so the k = 0.5 runs are the ladder's
    /// own (the same run ids: copied, not trained again). Ordered by k, both strategies at each.
    /// </summary>
    public static IReadOnlyList<PointRun> KeepSweepRuns(Scale scale)
    {
        var steps = StrategyLadder.Steps(Ladder.Ladders[0].Base(scale), SweepRungs);
        return SweepKeepFractions.SelectMany(k => steps.Select(step => new PointRun(
            new PlanPoint(step.Label, KeepLabel(k), step.Config with { Masking = step.Config.Masking with { KeepFraction = k } }),
            Scales.OneSeed(scale)[0]))).ToList();
    }

    /// <summary>How the k sweep labels a point: "k = 0.05".</summary>
    public static string KeepLabel(double k) => FormattableString.Invariant($"k = {k}");

    /// <summary>
    /// Accuracy against bytes on disk: keep fraction k swept for Mask and RP 1e-2 on the scale's ConvMixer, one seed,
    /// every run packed into its folder's network.pemn (the figure reads the files).
    /// </summary>
    public static FigurePlan KeepSweep { get; } = new(PlanName.KSweep, "k-sweep",
        "Keep fraction k swept (0.05 ... 0.7) for Mask and RP 1e-2 on the ConvMixer, one seed, every run packed: accuracy against bytes on disk",
        [], [new PointsPart("k-sweep", KeepSweepRuns)])
    {
        PacksRuns = true,
    };

    /// <summary>
    /// bf16 mixed precision against fp32 (<see cref="PrecisionComparison"/>): Dense, Mask and RP 1e-2 on the scale's ConvMixer over the
    /// ladder's seeds; the fp32 runs are the ladder's, copied; the table states the verdict.
    /// </summary>
    public static FigurePlan MixedPrecision { get; } = new(PlanName.Precision, PrecisionComparison.Folder,
        "bf16 mixed precision against fp32: Dense, Mask and RP 1e-2 on the ConvMixer over three seeds",
        [], [new PointsPart("precision", PrecisionComparison.Runs, PrecisionComparison.Verdict)]);

    /// <summary>
    /// The paper's plotted values beside the workbook's (<see cref="Plans.PaperBeside"/>): Figs. 3, 4 and 5 panel by panel, each claim
    /// judged on both. It trains nothing: it reads the complete runs of the ladder, ViT ladder, Fig. 4 and Fig. 5 plans, so it runs last.
    /// </summary>
    public static FigurePlan PaperBeside { get; } = new(PlanName.PaperBeside, "paper-beside",
        "The paper's plotted values beside the workbook's: Figs. 3, 4 and 5 panel by panel, each claim judged on both (trains nothing: reads the complete runs of ladder, vit_ladder, fig4 and fig5)",
        [])
    {
        Reports = [new ReportPart(PaperBesideTable.FileName, Plans.PaperBeside.Report)],
    };

    /// <summary>Every plan, in the order the main job runs them (the paper beside the workbook last: it reads the others' runs).</summary>
    public static IReadOnlyList<FigurePlan> All { get; } =
        [Ladder, VitLadder, ResNetLadder, WidthDepth, FewValuesCore, FewValuesExtended, ResNetCompression, ConvMixerCompression, KeepSweep, MixedPrecision,
            PaperBeside];

    private static CompressionPanel Panel(ExperimentConfig baseConfig, IReadOnlyList<StrategyConfig> pemn, IReadOnlyList<long> seeds)
    {
        var model = baseConfig.Model;
        var name = model.Name == ModelName.ResNet ? $"ResNet-{model.Depth}" : $"{Names.Label(model.Name)}-{model.Dim}/{model.Depth}";
        return new($"{model.ShortName}-{Names.Of(baseConfig.Data.Dataset)}", $"{name}, {Names.Label(baseConfig.Data.Dataset)}",
            baseConfig, pemn, CompressionTargets, SparseBaselineNames, seeds, SparseStorage.BaselineEncoding);
    }

    /// <summary>The plan called <paramref name="name"/>: its name or an alias (<see cref="PlanName"/>; '-' or '_', any case).</summary>
    /// <exception cref="ArgumentException">No plan has that name; the message lists them.</exception>
    public static FigurePlan Get(string name) => Get(Names.Parse<PlanName>(name, "plan"));

    /// <summary>The plan <paramref name="name"/>.</summary>
    public static FigurePlan Get(PlanName name) => All.Single(p => p.Id == name);
}
