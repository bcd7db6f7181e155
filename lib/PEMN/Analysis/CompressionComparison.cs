using System.Globalization;
using PEMN.Configuration;
using PEMN.Runs;
using PEMN.Runtime;
using PEMN.Storage;
using PEMN.Strategies;
using PEMN.Sweeps;

namespace PEMN.Analysis;

/// <summary>
/// One panel of a compression figure (paper Fig. 4 and 5): one model on one data set, its dense reference, the sparse
/// baselines at storage compression targets and the PEMN points, each a training run of the same base config.
/// </summary>
/// <param name="Key">A file-name-safe name, e.g. "resnet20-fashion_mnist" (tables and charts are named after it).</param>
/// <param name="Title">How the figure titles it, e.g. "ResNet-20, Fashion-MNIST".</param>
/// <param name="Base">The config every run shares (data, model, training, PEMN's k); strategy and q are replaced per run.</param>
/// <param name="Pemn">The PEMN strategies drawn (Fig. 4: MP, RP 1e-1, 1e-2; Fig. 5: RP 1e-1, 1e-2, 1e-3).</param>
/// <param name="Targets">Storage compression targets of the sparse baselines (the paper: 90, 92, 94, 96 %).</param>
/// <param name="Baselines">The sparse baselines (<see cref="StrategyKinds.IsSparse"/>).</param>
/// <param name="Seeds">Training seeds; every point is trained at each.</param>
/// <param name="SparseIndex">How the sparse networks store their positions: the q of a target depends on it.</param>
public sealed record CompressionPanel(string Key, string Title, ExperimentConfig Base, IReadOnlyList<StrategyConfig> Pemn,
    IReadOnlyList<double> Targets, IReadOnlyList<StrategyName> Baselines, IReadOnlyList<long> Seeds,
    SparseIndexEncoding SparseIndex = SparseIndexEncoding.NarrowCsr);

/// <summary>One planned point of a panel: its run config and its storage, measured on the built network.</summary>
/// <param name="Method">The series it belongs to (the key results are selected by; its label is the legend's).</param>
/// <param name="Label">The point's own label, for display: "Dense", "RP 1e-1", "Random 90 %".</param>
/// <param name="Config">The run's config (at the panel's first seed).</param>
/// <param name="Target">The compression target of a sparse baseline, else null.</param>
/// <param name="Storage">The storage report of the run's network (<see cref="StorageMeasurement.Run"/>).</param>
/// <param name="SparseIndex">How a sparse baseline's positions are stored (the panel's choice).</param>
public sealed record CompressionStep(CompressionMethod Method, string Label, ExperimentConfig Config, double? Target, StorageReport Storage,
    SparseIndexEncoding SparseIndex = SparseIndexEncoding.NarrowCsr)
{
    /// <summary>The point's strategy, canonical (<see cref="StrategyConfig.Canonical"/>): the typed key of a PEMN point within its series.</summary>
    public StrategyConfig Strategy => Config.Strategy.Canonical();

    /// <summary>k of a PEMN point, q of a sparse baseline, 1 for dense.</summary>
    public double Keep => Storage.KeepFraction;

    /// <summary>
    /// The values the network stores beside masks or indices: PEMN's unique random values, a sparse network's kept
    /// weights, every weight of the dense network.
    /// </summary>
    public long StoredValues => Method == CompressionMethod.Dense ? Storage.Weights : Storage.UniqueValues;
}

/// <summary>One trained point of a panel at one seed.</summary>
/// <param name="Panel">The panel's key.</param>
/// <param name="Method">The series (<see cref="CompressionStep.Method"/>).</param>
/// <param name="Strategy">The point's strategy, canonical (<see cref="CompressionStep.Strategy"/>).</param>
/// <param name="Label">The point's label, for display.</param>
/// <param name="Seed">training.seed of the run.</param>
/// <param name="RunId">The run.</param>
/// <param name="Target">The compression target of a sparse baseline, else null.</param>
/// <param name="Keep">k (PEMN), q (sparse) or 1 (dense).</param>
/// <param name="CompressionRatio">Storage compression of the conv and linear weights (the paper's), measured on the network.</param>
/// <param name="StoredValues">Unique random values (PEMN), kept weights (sparse) or all weights (dense).</param>
/// <param name="BestTestAccuracy">Best test accuracy over epochs, in [0, 1].</param>
/// <param name="FinalTestAccuracy">Test accuracy after the last epoch.</param>
/// <param name="Seconds">Training time of the run.</param>
/// <param name="Reused">True when the run was complete already.</param>
/// <param name="ParentRunId">The dense run whose trained weights it pruned (magnitude after training), else null.</param>
public sealed record CompressionPoint(string Panel, CompressionMethod Method, StrategyConfig Strategy, string Label, long Seed, string RunId, double? Target, double Keep,
    double CompressionRatio, long StoredValues, double BestTestAccuracy, double FinalTestAccuracy, double Seconds, bool Reused, string? ParentRunId);

/// <summary>A trained panel: its points at every seed, the figure's rows and what they show.</summary>
/// <param name="Panel">The panel.</param>
/// <param name="Points">One point per step and seed (<see cref="CompressionComparison.Run"/>).</param>
public sealed record CompressionResult(CompressionPanel Panel, IReadOnlyList<CompressionPoint> Points)
{
    /// <summary>The figure's rows (<see cref="CompressionComparison.Rows"/>).</summary>
    public IReadOnlyList<CompressionRow> Rows => CompressionComparison.Rows(Points);

    /// <summary>What the panel shows, in sentences (<see cref="CompressionComparison.Describe"/>).</summary>
    public string Describe() => CompressionComparison.Describe(Rows);
}

/// <summary>A point over its seeds: one row of the figure's table.</summary>
/// <param name="Panel">The panel's key.</param>
/// <param name="Method">The series.</param>
/// <param name="Strategy">The point's strategy, canonical.</param>
/// <param name="Label">The point's label, for display.</param>
/// <param name="Target">The compression target of a sparse baseline, else null.</param>
/// <param name="Keep">k, q or 1.</param>
/// <param name="CompressionRatio">Measured storage compression.</param>
/// <param name="StoredValues">Unique random values (PEMN), kept weights (sparse) or all weights (dense).</param>
/// <param name="Mean">Mean best test accuracy over the seeds.</param>
/// <param name="Sd">Sample standard deviation over the seeds (0 with one seed).</param>
/// <param name="Seeds">How many seeds.</param>
public sealed record CompressionRow(string Panel, CompressionMethod Method, StrategyConfig Strategy, string Label, double? Target, double Keep, double CompressionRatio,
    long StoredValues, double Mean, double Sd, int Seeds);

/// <summary>One series of the figure (percentages, in order of compression): a method's points and their labels.</summary>
/// <param name="Key">The series (PEMN or a baseline): what a chart selects by.</param>
/// <param name="Compression">Storage compression of each point, %.</param>
/// <param name="Accuracy">Mean best test accuracy of each point, %.</param>
/// <param name="Labels">Each point's label: PEMN "RP 1e-1: 411 values", a baseline "q = 0.0766".</param>
public sealed record CompressionSeries(CompressionMethod Key, IReadOnlyList<double> Compression, IReadOnlyList<double> Accuracy, IReadOnlyList<string> Labels)
{
    /// <summary>The series' name in a legend ("PEMN", "Random", ...): <see cref="Key"/>'s label, display only.</summary>
    public string Method => Names.Label(Key);
}

/// <summary>Where a PEMN point's compression lies on a baseline's curve (<see cref="CompressionComparison.Locate"/>).</summary>
public enum CurvePlace
{
    /// <summary>Between the baseline's least and most compressed points: the baseline is interpolated there.</summary>
    Inside,
    /// <summary>More compressed than every baseline point: it meets the most compressed one.</summary>
    Beyond,
    /// <summary>Less compressed than every baseline point: it meets the least compressed one.</summary>
    Before,
}

/// <summary>The baseline's accuracy at a compression, as (1 - Weight) x point Lower + Weight x point Upper of its curve.</summary>
/// <param name="Place">Inside, beyond or before the curve's points.</param>
/// <param name="Lower">The index of the point at or below the compression (the nearest point outside the curve).</param>
/// <param name="Upper">The index of the point at or above it (= Lower outside the curve).</param>
/// <param name="Weight">The weight of point Upper, in [0, 1].</param>
public sealed record CurvePosition(CurvePlace Place, int Lower, int Upper, double Weight);

/// <summary>How one PEMN point compares with one sparse baseline at PEMN's compression.</summary>
public enum ComparisonOutcome
{
    /// <summary>PEMN is more accurate than the baseline at PEMN's compression.</summary>
    [Name("wins")]
    Wins,
    /// <summary>The baseline is at least as accurate at PEMN's compression.</summary>
    [Name("loses")]
    Loses,
    /// <summary>PEMN's compression is outside the baseline's points and they do not decide it.</summary>
    [Name("undecided")]
    Undecided,
}

/// <summary>
/// One PEMN point against one baseline. Within the baseline's compression range the baseline's accuracy at PEMN's
/// compression is interpolated linearly between its two neighbouring points. Beyond its most compressed point PEMN wins
/// if it beats that point (a baseline only loses accuracy as it keeps fewer weights); below its least compressed point
/// PEMN loses if that point is at least as accurate; otherwise the points do not decide.
/// </summary>
/// <param name="Pemn">The PEMN point's strategy, canonical.</param>
/// <param name="PemnLabel">The PEMN point's label, for display.</param>
/// <param name="Baseline">The baseline.</param>
/// <param name="PemnCompression">PEMN's compression.</param>
/// <param name="PemnAccuracy">PEMN's mean best accuracy.</param>
/// <param name="BaselineAccuracy">The baseline's accuracy at PEMN's compression (interpolated), or at its nearest point when outside its range.</param>
/// <param name="Interpolated">Whether PEMN's compression lies within the baseline's range.</param>
/// <param name="Outcome">Who is more accurate.</param>
public sealed record PemnVersusBaseline(StrategyConfig Pemn, string PemnLabel, CompressionMethod Baseline, double PemnCompression, double PemnAccuracy,
    double BaselineAccuracy, bool Interpolated, ComparisonOutcome Outcome);

/// <summary>
/// The paper's Fig. 4 and 5 comparison as a plan: for a panel, the dense reference, every sparse baseline at every
/// compression target (q from <see cref="SparseStorage.KeepForCompression"/> on the panel's network, the one place a
/// target becomes a q) and the PEMN points; trained through the one runner, summarised into the figure's rows and a
/// verdict on the paper's claim that PEMN is more accurate at the same, high compression.
/// </summary>
public static class CompressionComparison
{
    /// <summary>
    /// The paper's own baselines (random and magnitude pruning before training): the claim is judged against these;
    /// magnitude pruning after training is reported beside them.
    /// </summary>
    public static IReadOnlyList<StrategyName> PaperBaselines { get; } = [StrategyName.SparseRandom, StrategyName.SparseMagnitude];

    /// <summary>
    /// The keep fraction q of a sparse baseline of <paramref name="baseConfig"/>'s model at storage compression
    /// <paramref name="target"/>: <see cref="SparseStorage.KeepForCompression"/> on the network the run trains.
    /// </summary>
    public static double KeepFor(ExperimentConfig baseConfig, double target, SparseIndexEncoding encoding)
    {
        var spec = baseConfig.Network with { Strategy = new StrategyConfig(StrategyName.SparseRandom) };
        using var noGrad = TorchSharp.torch.no_grad();
        using var network = PemnNetwork.Build(spec);
        return SparseStorage.KeepForCompression(network.Model, target, encoding);
    }

    /// <summary>The panel's points at its first seed, in plotting order: Dense, the PEMN points, then each baseline by target.</summary>
    public static IReadOnlyList<CompressionStep> Steps(CompressionPanel panel)
    {
        var notSparse = panel.Baselines.Where(b => !b.IsSparse()).Select(b => Names.Of(b)).ToList();
        if (notSparse.Count > 0)
            throw new ArgumentException($"Baseline {string.Join(", ", notSparse)} is not a sparse baseline; allowed: {string.Join(", ", SparseBaselines.SparseNames)}.", nameof(panel));
        if (panel.Pemn.FirstOrDefault(p => p.Name == StrategyName.Dense || p.Name.IsSparse()) is { } notPemn)
            throw new ArgumentException($"PEMN point {Names.Of(notPemn.Name)} is not a PEMN strategy.", nameof(panel));
        if (panel.Seeds.Count == 0) throw new ArgumentException("The panel has no seeds; allowed: one or more.", nameof(panel));
        ExperimentConfig baseConfig = WithSeed(panel.Base, panel.Seeds[0]).Validate();
        var steps = new List<CompressionStep>();
        void Add(CompressionMethod method, string label, ExperimentConfig config, double? target)
        {
            config = config.Validate();
            steps.Add(new CompressionStep(method, label, config, target, StorageMeasurement.Run(config.Network, sparseIndex: panel.SparseIndex), panel.SparseIndex));
        }
        Add(CompressionMethod.Dense, Names.Label(CompressionMethod.Dense), baseConfig with { Strategy = new StrategyConfig(StrategyName.Dense) }, null);
        foreach (var pemn in panel.Pemn) Add(CompressionMethod.Pemn, pemn.Label(), baseConfig with { Strategy = pemn }, null);
        var keeps = panel.Targets.ToDictionary(t => t, t => KeepFor(baseConfig, t, panel.SparseIndex));
        foreach (var baseline in panel.Baselines)
            foreach (var target in panel.Targets)
                Add(CompressionMethods.Of(baseline), $"{Names.Label(baseline)} {Percent(target)}",
                    baseConfig with { Strategy = new StrategyConfig(baseline), Masking = baseConfig.Masking with { KeepFraction = keeps[target] } }, target);
        return steps;
    }

    /// <summary>The runs: every step at every seed, seed-major; a seed's dense run comes first (it is the parent of magnitude pruning after training).</summary>
    public static SweepPlan Plan(IReadOnlyList<CompressionStep> steps, IReadOnlyList<long> seeds) =>
        new(seeds.SelectMany(seed => steps.OrderBy(s => s.Method == CompressionMethod.Dense ? 0 : 1).Select(s => WithSeed(s.Config, seed))).ToList());

    /// <summary>
    /// Trains what is missing of <paramref name="panel"/> with the runs table at <paramref name="csvPath"/> (skipping complete
    /// runs, resuming interrupted ones) and returns one point per step and seed. A failed run raises its error. With
    /// <paramref name="trainMissing"/> false nothing is trained or written: only the complete runs are read
    /// (<see cref="SweepRunner.ReadComplete"/>), and a step and seed without one is left out.
    /// </summary>
    public static IReadOnlyList<CompressionPoint> Run(CompressionPanel panel, string csvPath,
        Func<SweepRunner.PlannedRun, Training.ITrainingObserver?>? observerFor = null, CancellationToken cancellation = default,
        RunOptions? options = null, bool trainMissing = true)
    {
        var steps = Steps(panel);
        var results = trainMissing
            ? new SweepRunner().Run(Plan(steps, panel.Seeds), csvPath, observerFor, cancellation, options)
            : SweepRunner.ReadComplete(Plan(steps, panel.Seeds), csvPath);
        var failed = results.FirstOrDefault(r => r.Error is not null);
        if (failed?.Exception is CorruptRunException corrupt) throw corrupt;
        if (failed is not null) throw new InvalidOperationException($"Run {failed.RunId} failed: {failed.Error}", failed.Exception);
        var byId = results.ToDictionary(r => r.RunId);
        var points = new List<CompressionPoint>();
        foreach (var seed in panel.Seeds)
            foreach (var step in steps)
            {
                if (!byId.TryGetValue(ExperimentJson.RunId(WithSeed(step.Config, seed)), out var result)) continue;
                var outcome = result.Outcome!;
                points.Add(new CompressionPoint(panel.Key, step.Method, step.Strategy, step.Label, seed, outcome.RunId, step.Target, step.Keep,
                    step.Storage.CompressionRatio, step.StoredValues, outcome.Metrics.BestTestAccuracy, outcome.Metrics.FinalTestAccuracy,
                    outcome.Metrics.Seconds, outcome.Skipped, ParentRun.ReadRecord(outcome.RunDirectory)?.RunId));
            }
        return points;
    }

    /// <summary>The figure's rows: every point's mean and sample standard deviation over its seeds, in plotting order.</summary>
    public static IReadOnlyList<CompressionRow> Rows(IReadOnlyList<CompressionPoint> points) =>
        points.GroupBy(p => (p.Panel, p.Method, p.Strategy, p.Target)).Select(g =>
        {
            var accuracies = g.Select(p => p.BestTestAccuracy).ToList();
            var mean = accuracies.Average();
            var sd = accuracies.Count < 2 ? 0 : Math.Sqrt(accuracies.Sum(a => (a - mean) * (a - mean)) / (accuracies.Count - 1));
            var first = g.First();
            return new CompressionRow(first.Panel, first.Method, first.Strategy, first.Label, first.Target, first.Keep, first.CompressionRatio,
                first.StoredValues, mean, sd, accuracies.Count);
        }).ToList();

    /// <summary>
    /// The figure's series of one panel's rows: PEMN first, then each baseline, every series in order of compression;
    /// the dense reference is <see cref="DenseAccuracy"/> (a horizontal line).
    /// </summary>
    public static IReadOnlyList<CompressionSeries> Series(IReadOnlyList<CompressionRow> rows) =>
        rows.Where(r => r.Method != CompressionMethod.Dense).GroupBy(r => r.Method).OrderBy(g => g.Key == CompressionMethod.Pemn ? 0 : 1).Select(g =>
        {
            var points = g.OrderBy(r => r.CompressionRatio).ToList();
            return new CompressionSeries(g.Key, points.Select(r => 100 * r.CompressionRatio).ToList(), points.Select(r => 100 * r.Mean).ToList(),
                points.Select(r => g.Key == CompressionMethod.Pemn
                    ? $"{r.Label}: {Values(r.StoredValues)}"
                    : string.Create(CultureInfo.InvariantCulture, $"q = {r.Keep:0.####}")).ToList());
        }).ToList();

    /// <summary>The dense reference's mean best accuracy in %, or null when the rows have none.</summary>
    public static double? DenseAccuracy(IReadOnlyList<CompressionRow> rows) =>
        rows.FirstOrDefault(r => r.Method == CompressionMethod.Dense) is { } dense ? 100 * dense.Mean : null;

    /// <summary>
    /// The storage of one point as the paper counts it, C = C_w + C_m against 32 bits per weight, with the numbers of its
    /// storage report (<see cref="CompressionStep.Storage"/>), one line each: what the notebooks show for one point.
    /// </summary>
    public static string StorageArithmetic(CompressionStep step)
    {
        var c = CultureInfo.InvariantCulture;
        var r = step.Storage;
        var lines = new List<string> { $"{step.Label} ({r.Scheme}):" };
        if (step.Method == CompressionMethod.Dense)
        {
            lines.Add(string.Create(c, $"  C = 32 bits x {r.Weights:N0} trained weights = {r.WeightBits:N0} bits: the reference, compression 0"));
            return string.Join(Environment.NewLine, lines);
        }
        if (step.Method == CompressionMethod.Pemn)
        {
            var extra = r.PrototypeBits - StorageReport.FloatBits * r.UniqueValues;
            lines.Add(r.SeedStored
                ? string.Create(c, $"  C_w = one 64-bit seed = {r.PrototypeBits:N0} bits")
                : string.Create(c, $"  C_w = 32 bits x {r.UniqueValues:N0} unique random values{(extra > 0 ? $" + {extra} bits of permutation seed" : "")} = {r.PrototypeBits:N0} bits"));
            lines.Add(string.Create(c, $"  C_m = {StorageReport.MaskBitsPerWeight} bit x {r.MaskedWeights:N0} masked weights = {r.MaskBits:N0} bits"));
        }
        else
        {
            lines.Add(string.Create(c, $"  C_w = 32 bits x {r.UniqueValues:N0} kept weights (q = {r.KeepFraction:0.######} of each layer) = {r.PrototypeBits:N0} bits"));
            lines.Add(string.Create(c, $"  C_m = their positions in {Names.Of(step.SparseIndex)} = {r.MaskBits:N0} bits ({(double)r.MaskBits / r.UniqueValues:0.##} bits per kept weight)"));
        }
        lines.Add(string.Create(c, $"  C = C_w + C_m = {r.WeightBits:N0} bits; dense: 32 bits x {r.Weights:N0} weights = {r.DenseWeightBits:N0} bits"));
        lines.Add(string.Create(c, $"  compression = 1 - C / C_dense = 1 - {r.WeightBits:N0} / {r.DenseWeightBits:N0} = {r.CompressionRatio:P2}"));
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>Every PEMN point of one panel's rows against every sparse baseline in them (see <see cref="PemnVersusBaseline"/>).</summary>
    public static IReadOnlyList<PemnVersusBaseline> Compare(IReadOnlyList<CompressionRow> rows)
    {
        var baselines = rows.Where(r => r.Method.IsBaseline()).GroupBy(r => r.Method)
            .ToDictionary(g => g.Key, g => g.OrderBy(r => r.CompressionRatio).ToList());
        var list = new List<PemnVersusBaseline>();
        foreach (var pemn in rows.Where(r => r.Method == CompressionMethod.Pemn))
            foreach (var (method, curve) in baselines)
                list.Add(Against(pemn, method, curve));
        return list;
    }

    private static PemnVersusBaseline Against(CompressionRow pemn, CompressionMethod method, List<CompressionRow> curve)
    {
        var c = pemn.CompressionRatio;
        var at = Locate(c, curve.Select(r => (r.CompressionRatio, r.Mean)).ToList());
        var baseline = (1 - at.Weight) * curve[at.Lower].Mean + at.Weight * curve[at.Upper].Mean;
        var outcome = at.Place switch
        {
            CurvePlace.Beyond => pemn.Mean > baseline ? ComparisonOutcome.Wins : ComparisonOutcome.Undecided,
            CurvePlace.Before => pemn.Mean <= baseline ? ComparisonOutcome.Loses : ComparisonOutcome.Undecided,
            _ => pemn.Mean > baseline ? ComparisonOutcome.Wins : ComparisonOutcome.Loses,
        };
        return new(pemn.Strategy, pemn.Label, method, c, pemn.Mean, baseline, at.Place == CurvePlace.Inside, outcome);
    }

    /// <summary>
    /// Where <paramref name="compression"/> lies on a baseline's curve (its points' compressions and accuracies, ascending by
    /// compression), and what the baseline's accuracy there is read from: between two points, linearly interpolated; beyond its
    /// most compressed point or before its least compressed one, that point. Points at the same compression count as the less
    /// accurate one. The one rule of where a PEMN point meets a baseline, for <see cref="Compare"/> and <see cref="PaperComparison"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The curve is empty.</exception>
    public static CurvePosition Locate(double compression, IReadOnlyList<(double Compression, double Mean)> curve)
    {
        if (curve.Count == 0) throw new ArgumentException("curve is empty; allowed: one or more baseline points.", nameof(curve));
        if (compression > curve[^1].Compression) return new(CurvePlace.Beyond, curve.Count - 1, curve.Count - 1, 0);
        if (compression < curve[0].Compression) return new(CurvePlace.Before, 0, 0, 0);
        var upper = Enumerable.Range(0, curve.Count).First(i => curve[i].Compression >= compression);
        var lower = Enumerable.Range(0, curve.Count).Last(i => curve[i].Compression <= compression);
        var span = curve[upper].Compression - curve[lower].Compression;
        var weight = span != 0 ? (compression - curve[lower].Compression) / span : curve[upper].Mean < curve[lower].Mean ? 1 : 0;
        return new(CurvePlace.Inside, lower, upper, weight);
    }

    /// <summary>
    /// What one panel shows, in sentences computed from its rows: the dense reference, each PEMN point against each
    /// baseline at its compression, and whether the numbers support the paper's claim against its own baselines
    /// (<see cref="PaperBaselines"/>): supported when PEMN wins every comparison the points decide, not supported when it
    /// wins none, partly otherwise.
    /// </summary>
    public static string Describe(IReadOnlyList<CompressionRow> rows)
    {
        var c = CultureInfo.InvariantCulture;
        var lines = new List<string>();
        var dense = rows.FirstOrDefault(r => r.Method == CompressionMethod.Dense);
        if (dense is not null) lines.Add(string.Create(c, $"Dense: {Percent(dense.Mean)} best test accuracy (no compression)."));
        var comparisons = Compare(rows);
        foreach (var group in comparisons.GroupBy(v => v.Pemn))
        {
            var pemn = rows.First(r => r.Method == CompressionMethod.Pemn && r.Strategy == group.Key);
            var parts = group.Select(v => v.Interpolated
                ? string.Create(c, $"{Names.Label(v.Baseline)} {Percent(v.BaselineAccuracy)} there ({Points(v.PemnAccuracy - v.BaselineAccuracy)} points: {Names.Of(v.Outcome)})")
                : string.Create(c, $"{Names.Label(v.Baseline)} outside its points, nearest {Percent(v.BaselineAccuracy)} ({Names.Of(v.Outcome)})"));
            lines.Add(string.Create(c, $"{pemn.Label} ({Values(pemn.StoredValues)}, {Percent(pemn.CompressionRatio)} compression): {Percent(pemn.Mean)}; {string.Join("; ", parts)}."));
        }
        var paper = PaperBaselines.Select(CompressionMethods.Of).ToList();
        var decided = comparisons.Where(v => paper.Contains(v.Baseline) && v.Outcome != ComparisonOutcome.Undecided).ToList();
        var wins = decided.Count(v => v.Outcome == ComparisonOutcome.Wins);
        var verdict = decided.Count == 0 ? "not decided by these points"
            : wins == decided.Count ? "supported"
            : wins == 0 ? "not supported"
            : "partly supported";
        lines.Add(string.Create(c,
            $"Claim (PEMN more accurate than sparse networks of the same storage, against the paper's baselines {string.Join(" and ", paper.Select(Names.Label))}): {verdict} ({wins} of {decided.Count} decided comparisons won)."));
        var beyond = comparisons.Where(v => !paper.Contains(v.Baseline) && v.Outcome != ComparisonOutcome.Undecided).ToList();
        if (beyond.Count > 0)
            lines.Add(string.Create(c,
                $"Against {string.Join(" and ", beyond.Select(v => Names.Label(v.Baseline)).Distinct())} (beyond the paper): {beyond.Count(v => v.Outcome == ComparisonOutcome.Wins)} of {beyond.Count} won."));
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>"90 %", "96.1 %": a fraction as the figures write percentages.</summary>
    public static string Percent(double fraction) => (100 * fraction).ToString("0.#", CultureInfo.InvariantCulture) + " %";

    private static string Values(long count) => string.Create(CultureInfo.InvariantCulture, $"{count:N0} value{(count == 1 ? "" : "s")}");

    private static string Points(double difference) => (100 * difference).ToString("+0.0;-0.0", CultureInfo.InvariantCulture);

    private static ExperimentConfig WithSeed(ExperimentConfig config, long seed) =>
        config with { Training = config.Training with { Seed = seed } };
}
