using PEMN.Analysis;
using PEMN.Configuration;
using PEMN.Runs;
using PEMN.Runtime;
using PEMN.Sweeps;

namespace PEMN.Plans;

/// <summary>A strategy ladder inside a figure plan: the preset variant it runs on, its rungs and its seeds.</summary>
/// <param name="Variant">The preset variant of the ladder's base.</param>
/// <param name="Rungs">The rungs (the paper's nine, or a subset).</param>
/// <param name="Seeds">The seeds at a scale.</param>
public sealed record LadderPart(PresetVariant Variant, IReadOnlyList<LadderRung> Rungs, Func<Scale, IReadOnlyList<long>> Seeds)
{
    /// <summary>The ladder's base config at <paramref name="scale"/>.</summary>
    public ExperimentConfig Base(Scale scale) => ExperimentPresets.Get(scale, Variant);
}

/// <summary>What a report part writes: its Markdown and the lines the command line prints from it.</summary>
/// <param name="Markdown">The table (with <see cref="Reports.ReportFile"/>'s header).</param>
/// <param name="Conclusions">One-line conclusions, or none.</param>
public sealed record ReportText(string Markdown, IReadOnlyList<string> Conclusions);

/// <summary>
/// A table of a plan made from other plans' complete runs: it trains nothing and reads without writing (a plan still training
/// elsewhere shows the runs it has finished). Written after the plan's own tables, next to them.
/// </summary>
/// <param name="FileName">The table's file in the plan's scale folder.</param>
/// <param name="Write">The table at a scale from the results folder, made by a command (the table's header names it), with provenance.</param>
public sealed record ReportPart(string FileName, Func<Scale, string, string, RunProvenance, ReportText> Write);

/// <summary>
/// One figure's experiment plan: which runs it needs at a scale and where they are recorded
/// (results/&lt;folder&gt;/&lt;scale&gt;/runs.csv, run folders beside it). The notebook that draws the figure and
/// <c>pemn plan</c> build the same plan, so runs trained by either are reused by the other. A plan is made of strategy
/// ladders (Fig. 3), compression panels (Fig. 4 and 5), or both.
/// </summary>
/// <param name="Id">The plan's name (<see cref="PlanName"/>).</param>
/// <param name="Folder">Its results folder under results/, one sub-folder per scale.</param>
/// <param name="Description">What the figure shows, in a line.</param>
/// <param name="Ladders">The strategy ladders the plan consists of.</param>
/// <param name="Points">Parts given as explicit runs (<see cref="PointsPart"/>), for figures that are not ladders; none by default.</param>
/// <param name="Panels">The compression panels of the plan at a scale (<see cref="CompressionPanel"/>; their number may differ by scale), or null for none.</param>
public sealed record FigurePlan(PlanName Id, string Folder, string Description, IReadOnlyList<LadderPart> Ladders,
    IReadOnlyList<PointsPart>? Points = null, Func<Scale, IReadOnlyList<CompressionPanel>>? Panels = null)
{
    /// <summary>The plan's canonical name (<c>pemn plan NAME</c>, listings, tables).</summary>
    public string Name => Names.Of(Id);

    /// <summary>The parts given as explicit runs (empty for a plan of ladders only).</summary>
    public IReadOnlyList<PointsPart> Points { get; init; } = Points ?? [];

    /// <summary>Tables made from other plans' runs (<see cref="ReportPart"/>); none by default.</summary>
    public IReadOnlyList<ReportPart> Reports { get; init; } = [];

    /// <summary>Whether the plan has compression panels (sparse baselines against PEMN).</summary>
    public bool HasComparisons => Panels is not null;

    /// <summary>
    /// Whether its figure reads the runs' packed files (<see cref="TrainedRun.PackedFile"/>), so <c>pemn plan</c> packs every
    /// complete run that has its checkpoint (<see cref="PlanPacking"/>) without being asked (<c>--pack</c> asks it of any plan).
    /// </summary>
    public bool PacksRuns { get; init; }

    /// <summary>
    /// Whether its notebook explains single runs from their trained networks (<see cref="RunAnalysis"/>), so <c>pemn plan</c> writes
    /// every complete run's analysis.json while its checkpoint is there (<see cref="PlanRunner.Analyse"/>).
    /// </summary>
    public bool AnalysesRuns { get; init; }

    /// <summary>
    /// Whether a run complete in another plan's folder (the same run id) is copied in instead of trained
    /// (<see cref="RunReuse"/>): for compression panels and points parts, whose runs repeat other plans' (ladders train their own).
    /// </summary>
    public bool ReusesRuns => HasComparisons || Points.Count > 0;

    /// <summary>The compression panels at <paramref name="scale"/> (empty for a plan without them).</summary>
    public IReadOnlyList<CompressionPanel> PanelsAt(Scale scale) => Panels?.Invoke(scale) ?? [];

    /// <summary>Where this plan's runs and runs table are at <paramref name="scale"/> under the results folder <paramref name="results"/>.</summary>
    public RunsLocation Location(string results, Scale scale) => RunsLocation.OfPlan(results, Folder, scale);

    /// <summary>Every run of the plan at <paramref name="scale"/>, without duplicates; a parent run precedes its children.</summary>
    public SweepPlan Runs(Scale scale)
    {
        var runs = Ladders.SelectMany(l => StrategyLadder.Plan(StrategyLadder.Steps(l.Base(scale), l.Rungs), l.Seeds(scale)).Runs)
            .Concat(Points.SelectMany(p => PointPlan.Sweep(PointPlan.Plan(p.Runs(scale))).Runs))
            .Concat(PanelsAt(scale).SelectMany(p => CompressionComparison.Plan(CompressionComparison.Steps(p), p.Seeds).Runs));
        return new SweepPlan(runs.DistinctBy(ExperimentJson.RunId).ToList());
    }

    /// <summary>
    /// Every points part's results, in the order of <see cref="Points"/>: copies in the runs other plans' folders have complete
    /// (<see cref="RunReuse"/>) and trains what is missing first, or with <paramref name="trainMissing"/> false reads only the runs
    /// that are complete (a notebook showing what another plan trained).
    /// </summary>
    public IReadOnlyList<IReadOnlyList<PointResult>> RunPoints(Scale scale, string results, bool trainMissing = true,
        Func<SweepRunner.PlannedRun, Training.ITrainingObserver?>? observerFor = null, CancellationToken cancellation = default,
        RunOptions? options = null)
    {
        var csv = Location(results, scale).Table;
        if (trainMissing)
            foreach (var part in Points)
                RunReuse.CopyInto(PointPlan.Sweep(PointPlan.Plan(part.Runs(scale))), csv, results, scale, cancellation);
        return Points.Select(p => PointPlan.Run(p.Runs(scale), csv, trainMissing, observerFor, cancellation, options)).ToList();
    }

    /// <summary>
    /// Trains what is missing (skipping complete runs, resuming interrupted ones, waiting for runs another process is
    /// training) and returns every ladder's results, in the order of <see cref="Ladders"/>.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<LadderResult>> RunLadders(Scale scale, string results,
        Func<SweepRunner.PlannedRun, Training.ITrainingObserver?>? observerFor = null, CancellationToken cancellation = default,
        RunOptions? options = null) =>
        Ladders.Select(l => StrategyLadder.Run(l.Base(scale), l.Seeds(scale), Location(results, scale).Table, observerFor, cancellation, l.Rungs, options)).ToList();

    /// <summary>
    /// Copies in the runs that other plans' folders have complete (<see cref="RunReuse"/>), trains what is still missing of
    /// every compression panel and returns each panel's points, in the order of <see cref="PanelsAt"/>.
    /// </summary>
    public IReadOnlyList<CompressionResult> RunComparisons(Scale scale, string results,
        Func<SweepRunner.PlannedRun, Training.ITrainingObserver?>? observerFor = null, CancellationToken cancellation = default,
        RunOptions? options = null)
    {
        var csv = Location(results, scale).Table;
        var panels = PanelsAt(scale);
        foreach (var panel in panels)
            RunReuse.CopyInto(CompressionComparison.Plan(CompressionComparison.Steps(panel), panel.Seeds), csv, results, scale, cancellation);
        return panels.Select(p => new CompressionResult(p, CompressionComparison.Run(p, csv, observerFor, cancellation, options))).ToList();
    }

    /// <summary>The plan with every ladder at <paramref name="seeds"/> (a notebook's parameters cell), other parts unchanged.</summary>
    /// <exception cref="ArgumentException">seeds is empty.</exception>
    public FigurePlan WithSeeds(IReadOnlyList<long> seeds)
    {
        if (seeds.Count == 0) throw new ArgumentException("seeds is empty; allowed: one or more seeds.", nameof(seeds));
        var fixedSeeds = seeds.ToArray();
        return this with { Ladders = Ladders.Select(l => l with { Seeds = _ => fixedSeeds }).ToList() };
    }

    /// <summary><see cref="RunLadders"/> (trains only what is missing), each ladder named by its model.</summary>
    public IReadOnlyList<NamedLadder> RunNamedLadders(Scale scale, string results,
        Func<SweepRunner.PlannedRun, Training.ITrainingObserver?>? observerFor = null, CancellationToken cancellation = default) =>
        RunLadders(scale, results, observerFor, cancellation).Select((r, i) => new NamedLadder(LadderComparison.ModelLabel(Ladders[i].Base(scale).Model), r)).ToList();
}
