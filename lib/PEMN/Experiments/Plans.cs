using PEMN.Strategies;

namespace PEMN.Experiments;

/// <summary>A strategy ladder inside a figure plan: the preset variant it runs on, its rungs and its seeds.</summary>
/// <param name="Variant">The preset variant ("" for the scale's ConvMixer, "vit", "resnet", "wide", "deep").</param>
/// <param name="Rungs">The rungs (the paper's nine, or a subset).</param>
/// <param name="Seeds">The seeds at a scale.</param>
public sealed record LadderPart(string Variant, IReadOnlyList<LadderRung> Rungs, Func<string, IReadOnlyList<long>> Seeds)
{
    /// <summary>The ladder's base config at <paramref name="scale"/>.</summary>
    public ExperimentConfig Base(string scale) => ExperimentPresets.Get(scale, Variant);
}

/// <summary>
/// One figure's experiment plan: which runs it needs at a scale and where they are recorded
/// (results/&lt;folder&gt;/&lt;scale&gt;/runs.csv, run folders beside it). The notebook that draws the figure and
/// <c>pemn plan</c> build the same plan, so runs trained by either are reused by the other.
/// </summary>
/// <param name="Name">The plan's name (<c>pemn plan NAME</c>).</param>
/// <param name="Folder">Its results folder under results/, one sub-folder per scale.</param>
/// <param name="Description">What the figure shows, in a line.</param>
/// <param name="Ladders">The strategy ladders the plan consists of.</param>
/// <param name="Points">Parts given as explicit runs (<see cref="PointsPart"/>), for figures that are not ladders; none by default.</param>
public sealed record FigurePlan(string Name, string Folder, string Description, IReadOnlyList<LadderPart> Ladders,
    IReadOnlyList<PointsPart>? Points = null)
{
    /// <summary>The parts given as explicit runs (empty for a plan of ladders only).</summary>
    public IReadOnlyList<PointsPart> Points { get; init; } = Points ?? [];

    /// <summary>The runs table of this plan at <paramref name="scale"/> under the results folder <paramref name="results"/>.</summary>
    public string CsvPath(string results, string scale) => Path.Combine(results, Folder, Plans.ValidateScale(scale), ExperimentRunner.CsvFile);

    /// <summary>Every run of the plan at <paramref name="scale"/>, without duplicates.</summary>
    public SweepPlan Runs(string scale)
    {
        Plans.ValidateScale(scale);
        var runs = Ladders.SelectMany(l => StrategyLadder.Plan(StrategyLadder.Steps(l.Base(scale), l.Rungs), l.Seeds(scale)).Runs)
            .Concat(Points.SelectMany(p => PointPlan.Sweep(PointPlan.Plan(p.Runs(scale))).Runs));
        return new SweepPlan(runs.DistinctBy(ExperimentJson.RunId).ToList());
    }

    /// <summary>
    /// Every points part's results, in the order of <see cref="Points"/>: trains what is missing first, or with
    /// <paramref name="trainMissing"/> false reads only the runs that are complete (a notebook showing what another plan trained).
    /// </summary>
    public IReadOnlyList<IReadOnlyList<PointResult>> RunPoints(string scale, string results, bool trainMissing = true,
        Func<SweepRunner.PlannedRun, Training.ITrainingObserver?>? observerFor = null, CancellationToken cancellation = default,
        RunOptions? options = null) =>
        Points.Select(p => PointPlan.Run(p.Runs(scale), CsvPath(results, scale), trainMissing, observerFor, cancellation, options)).ToList();

    /// <summary>
    /// Trains what is missing (skipping complete runs, resuming interrupted ones, waiting for runs another process is
    /// training) and returns every ladder's results, in the order of <see cref="Ladders"/>.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<LadderResult>> RunLadders(string scale, string results,
        Func<SweepRunner.PlannedRun, Training.ITrainingObserver?>? observerFor = null, CancellationToken cancellation = default,
        RunOptions? options = null) =>
        Ladders.Select(l => StrategyLadder.Run(l.Base(scale), l.Seeds(scale), CsvPath(results, scale), observerFor, cancellation, l.Rungs, options)).ToList();
}

/// <summary>The plans of the workbook's figures, by name: the catalogue <c>pemn plan</c>, the notebooks and the main job use.</summary>
public static class Plans
{
    /// <summary>The scales every plan has, in order of cost.</summary>
    public static IReadOnlyList<string> Scales { get; } = ["smoke", "quick", "paper"];

    /// <summary>Seeds of a ladder at a scale: two in the smoke tests, three for the figures (the few-values end varies by points between seeds).</summary>
    public static IReadOnlyList<long> LadderSeeds(string scale) => scale == "smoke" ? [0, 1] : [0, 1, 2];

    /// <summary>One seed: for the costly comparisons that the three-seed ConvMixer ladder calibrates.</summary>
    public static IReadOnlyList<long> OneSeed(string scale) => [0];

    /// <summary>The rungs of the width/depth comparison: Dense, Mask and two RP rungs (41 and 5 values on the quick ConvMixer).</summary>
    public static IReadOnlyList<LadderRung> WidthDepthRungs { get; } =
    [
        StrategyLadder.Rungs[0], StrategyLadder.Rungs[1],
        new(new StrategyConfig(StrategyName.RandomVectorPadding, 1e-2)),
        new(new StrategyConfig(StrategyName.RandomVectorPadding, 1e-3)),
    ];

    /// <summary>Fig. 3 on the ConvMixer: the paper's nine rungs over three seeds.</summary>
    public static FigurePlan Ladder { get; } = new("ladder", "strategy-ladder", "Fig. 3: the strategy ladder on the ConvMixer, over seeds",
        [new LadderPart("", StrategyLadder.Rungs, LadderSeeds)]);

    /// <summary>Fig. 3 on the ViT: One-layer shares its same-shape linear layers.</summary>
    public static FigurePlan VitLadder { get; } = new("vit_ladder", "vit-ladder", "Fig. 3: the strategy ladder on the ViT, over seeds",
        [new LadderPart("vit", StrategyLadder.Rungs, LadderSeeds)]);

    /// <summary>Fig. 3's rungs on a CIFAR ResNet (ResNet-20 at quick scale), one seed.</summary>
    public static FigurePlan ResNetLadder { get; } = new("resnet_ladder", "resnet-ladder", "Fig. 3's rungs on a CIFAR ResNet, one seed",
        [new LadderPart("resnet", StrategyLadder.Rungs, OneSeed)]);

    /// <summary>"Deeper and wider nets close the gap": Dense, Mask, RP 1e-2, RP 1e-3 on a twice wider and a twice deeper ConvMixer.</summary>
    public static FigurePlan WidthDepth { get; } = new("width_depth", "width-depth",
        "Fig. 3's claim that wider and deeper nets close the gap to Dense: a wider and a deeper ConvMixer, one seed",
        [new LadderPart("wide", WidthDepthRungs, OneSeed), new LadderPart("deep", WidthDepthRungs, OneSeed)]);

    /// <summary>
    /// Issue 14, how few values are enough: RP by unique-value count on the scale's ConvMixer, copy against rand, and the variants
    /// meant to steady the few-values end (<see cref="FewValues"/>). The core: the instability and the variants at 1 and 5 values,
    /// and at 41 and 410 whether they cost accuracy where RP is steady.
    /// </summary>
    public static FigurePlan FewValuesCore { get; } = new("few_values", FewValues.Folder,
        "How few values are enough (core): RP copy and the variants at 1 and 5 values over five seeds, copy, rand and the variants at 41 and 410 over three",
        [], [new PointsPart("few-values", FewValues.CoreRuns)]);

    /// <summary>
    /// Issue 14's whole sweep, in the same folder: the core's runs (reused once the core has run), then the whole curve copy against
    /// rand (2 ... 410 values), the variants at 2, 3 and 410 values and the three variants combined.
    /// </summary>
    public static FigurePlan FewValuesExtended { get; } = new("few_values_extended", FewValues.Folder,
        "How few values are enough (extended): the core, then the whole curve copy against rand, the variants at 2, 3 and 410 values, and the three variants combined",
        [], [new PointsPart("few-values-extended", FewValues.ExtendedRuns)]);

    /// <summary>Every plan, in the order the main job runs them.</summary>
    public static IReadOnlyList<FigurePlan> All { get; } = [Ladder, VitLadder, ResNetLadder, WidthDepth, FewValuesCore, FewValuesExtended];

    /// <summary>The plan called <paramref name="name"/> ('-' or '_').</summary>
    /// <exception cref="ArgumentException">No plan has that name; the message lists them.</exception>
    public static FigurePlan Get(string name) =>
        All.FirstOrDefault(p => p.Name == name.Trim().Replace('-', '_').ToLowerInvariant())
        ?? throw new ArgumentException($"plan = '{name}' is not allowed; allowed: {string.Join(", ", All.Select(p => p.Name))}.", "plan");

    /// <summary>Returns <paramref name="scale"/> when it is one of <see cref="Scales"/>.</summary>
    /// <exception cref="ArgumentException">Another scale; the message lists the allowed ones.</exception>
    public static string ValidateScale(string scale) => Scales.Contains(scale)
        ? scale
        : throw new ArgumentException($"scale = '{scale}' is not allowed; allowed: {string.Join(", ", Scales)}.", "scale");
}
