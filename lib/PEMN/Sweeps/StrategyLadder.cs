using PEMN.Configuration;
using PEMN.Runs;
using PEMN.Storage;
using PEMN.Strategies;

namespace PEMN.Sweeps;

/// <summary>One rung of the ladder: a strategy and its label as the paper's x-axis writes it.</summary>
/// <param name="Strategy">The strategy and its settings.</param>
public sealed record LadderRung(StrategyConfig Strategy)
{
    /// <summary>"Dense", "Mask", "One-layer", "MP", "RP 1e-1" ... "RP 1e-5" (<see cref="StrategyConfig.Label"/>).</summary>
    public string Label => Strategy.Label();
}

/// <summary>One rung of a ladder plan: its run config and what its network stores.</summary>
/// <param name="Label">The rung's label.</param>
/// <param name="Config">The run's config (the base with the rung's strategy).</param>
/// <param name="UniqueValues">Distinct random values the network stores (0 for Dense).</param>
/// <param name="CompressionRatio">Storage compression of the conv and linear weights (<see cref="StorageReport.CompressionRatio"/>).</param>
/// <param name="SameAs">
/// The label of an earlier rung whose network is identical (an RP ratio so small that the vector keeps as many
/// values as the previous rung's, e.g. RP 1e-5 after RP 1e-4 when both keep one value): not trained again.
/// </param>
public sealed record LadderStep(string Label, ExperimentConfig Config, long UniqueValues, double CompressionRatio, string? SameAs);

/// <summary>One measured rung at one seed.</summary>
/// <param name="Strategy">The rung's strategy, canonical (<see cref="StrategyConfig.Canonical"/>): the key a rung is selected by.</param>
/// <param name="Seed">The run's seed (training.seed).</param>
/// <param name="RunId">The training run.</param>
/// <param name="UniqueValues">Distinct random values the network stores.</param>
/// <param name="CompressionRatio">Storage compression of the conv and linear weights (negative: larger than dense).</param>
/// <param name="BestTestAccuracy">Best test accuracy over epochs (the paper's metric), in [0, 1].</param>
/// <param name="FinalTestAccuracy">Test accuracy after the last epoch, in [0, 1].</param>
/// <param name="Seconds">Training time of the run.</param>
/// <param name="Reused">True when the run was complete already and nothing was trained now.</param>
/// <param name="TrainedAt">When the run was trained (UTC, ISO 8601, from the runs table), "" when unknown.</param>
/// <param name="SameAs">The label of the earlier rung whose run this is, when the networks are identical (<see cref="LadderStep.SameAs"/>).</param>
public sealed record LadderResult(StrategyConfig Strategy, long Seed, string RunId, long UniqueValues, double CompressionRatio,
    double BestTestAccuracy, double FinalTestAccuracy, double Seconds, bool Reused, string TrainedAt, string? SameAs)
{
    /// <summary>The rung's label, for display: "Dense", "Mask", "RP 1e-3" (<see cref="StrategyConfig.Label"/>).</summary>
    public string Label => Strategy.Label();
}

/// <summary>A rung over its seeds: mean and sample standard deviation of the best test accuracy.</summary>
/// <param name="Strategy">The rung's strategy, canonical (<see cref="LadderResult.Strategy"/>).</param>
/// <param name="UniqueValues">Distinct random values the network stores.</param>
/// <param name="CompressionRatio">Storage compression of the conv and linear weights.</param>
/// <param name="Mean">Mean best test accuracy over the seeds.</param>
/// <param name="Sd">Sample standard deviation over the seeds (0 with one seed).</param>
/// <param name="PerSeed">Best test accuracy of each seed, in seed order.</param>
/// <param name="SameAs">The label of the earlier rung with the identical network, if any.</param>
public sealed record LadderSummary(StrategyConfig Strategy, long UniqueValues, double CompressionRatio, double Mean, double Sd,
    IReadOnlyList<double> PerSeed, string? SameAs)
{
    /// <summary>The rung's label, for display (<see cref="StrategyConfig.Label"/>).</summary>
    public string Label => Strategy.Label();
}

/// <summary>
/// The paper's Fig. 3 x-axis: Dense, Mask, One-layer, MP, RP 1e-1 ... 1e-5 over one base configuration and a list of
/// seeds, so that each figure of "accuracy as unique values shrink" is one plan. Mask-based rungs use the base's
/// lr_max and dense uses dense_lr_max, as the presets define. A rung whose network is identical to the previous
/// rung's is planned but not trained twice (<see cref="LadderStep.SameAs"/>).
/// </summary>
public static class StrategyLadder
{
    /// <summary>The ratios of the paper's RP rungs.</summary>
    public static IReadOnlyList<double> PaperRatios { get; } = [1e-1, 1e-2, 1e-3, 1e-4, 1e-5];

    /// <summary>The rungs, in the paper's order.</summary>
    public static IReadOnlyList<LadderRung> Rungs { get; } =
    [
        new(new StrategyConfig(StrategyName.Dense)),
        new(new StrategyConfig(StrategyName.Mask)),
        new(new StrategyConfig(StrategyName.OneLayer)),
        new(new StrategyConfig(StrategyName.MaxLayerPadding)),
        .. PaperRatios.Select(r => new LadderRung(new StrategyConfig(StrategyName.RandomVectorPadding, Ratio: r))),
    ];

    /// <summary>
    /// The rungs over <paramref name="baseConfig"/> (at its seed): its strategy name and ratio are replaced rung by rung,
    /// its other strategy settings (pad mode, rescale, linear sharing) are kept where they apply; each rung's storage
    /// is measured on its built network, and a rung with the previous rung's network is marked <see cref="LadderStep.SameAs"/>.
    /// </summary>
    /// <param name="baseConfig">The configuration every rung shares.</param>
    /// <param name="rungs">The rungs (default <see cref="Rungs"/>).</param>
    public static IReadOnlyList<LadderStep> Steps(ExperimentConfig baseConfig, IReadOnlyList<LadderRung>? rungs = null)
    {
        var steps = new List<LadderStep>();
        foreach (var rung in rungs ?? Rungs)
        {
            ExperimentConfig config = (baseConfig with { Strategy = StrategyOf(rung, baseConfig.Strategy) }).Validate();
            var storage = StorageMeasurement.Run(config.Network);
            var previous = steps.Count > 0 ? steps[^1] : null;
            var sameAs = previous is not null && SameNetwork(previous.Config, config, previous.UniqueValues, storage.UniqueValues)
                ? previous.SameAs ?? previous.Label
                : null;
            steps.Add(new LadderStep(config.Strategy.Label(), config, storage.UniqueValues, storage.CompressionRatio, sameAs));
        }
        return steps;
    }

    /// <summary>
    /// The runs to train: every step that is not the same as an earlier one, at every seed of <paramref name="seeds"/>
    /// (training.seed replaced), seed-major so that one seed's ladder completes first.
    /// </summary>
    public static SweepPlan Plan(IReadOnlyList<LadderStep> steps, IReadOnlyList<long> seeds) =>
        new(seeds.SelectMany(seed => steps.Where(s => s.SameAs is null).Select(s => WithSeed(s.Config, seed))).ToList());

    /// <summary>
    /// Trains what is not done yet (resuming interrupted runs, skipping complete ones, waiting for runs another process
    /// is training) with the runs table at <paramref name="csvPath"/>; one result per rung and seed, in rung order within
    /// each seed. A failed run raises its error after the other runs ran (a damaged record as its <see cref="CorruptRunException"/>).
    /// <paramref name="rungs"/> replaces the paper's rungs (<see cref="Rungs"/>) with a subset; <paramref name="options"/>
    /// says what to do with damaged or partial runs (<see cref="RunOptions.Restart"/>). With <paramref name="trainMissing"/>
    /// false nothing is trained or written: only the complete runs are read (<see cref="SweepRunner.ReadComplete"/>), and a
    /// rung and seed without one is left out.
    /// </summary>
    public static IReadOnlyList<LadderResult> Run(ExperimentConfig baseConfig, IReadOnlyList<long> seeds, string csvPath,
        Func<SweepRunner.PlannedRun, Training.ITrainingObserver?>? observerFor = null, CancellationToken cancellation = default,
        IReadOnlyList<LadderRung>? rungs = null, RunOptions? options = null, bool trainMissing = true)
    {
        if (seeds.Count == 0) throw new ArgumentException("seeds is empty; allowed: one or more seeds.", nameof(seeds));
        var steps = Steps(baseConfig, rungs);
        var results = trainMissing
            ? new SweepRunner().Run(Plan(steps, seeds), csvPath, observerFor, cancellation, options)
            : SweepRunner.ReadComplete(Plan(steps, seeds), csvPath);
        var failed = results.FirstOrDefault(r => r.Error is not null);
        if (failed?.Exception is CorruptRunException corrupt) throw corrupt;
        if (failed is not null) throw new InvalidOperationException($"Run {failed.RunId} failed: {failed.Error}", failed.Exception);
        var byId = results.ToDictionary(r => r.RunId);
        var dates = File.Exists(csvPath)
            ? RunsCsv.Read(csvPath).Rows.ToDictionary(r => r[RunsCsv.RunIdColumn], r => r.GetValueOrDefault(DateColumn, ""))
            : [];
        var list = new List<LadderResult>();
        foreach (var seed in seeds)
            foreach (var step in steps)
            {
                var trained = steps.First(s => s.Label == (step.SameAs ?? step.Label));
                if (!byId.TryGetValue(ExperimentJson.RunId(WithSeed(trained.Config, seed)), out var result)) continue;
                var metrics = result.Outcome!.Metrics;
                list.Add(new LadderResult(step.Config.Strategy.Canonical(), seed, result.RunId, step.UniqueValues, step.CompressionRatio,
                    metrics.BestTestAccuracy, metrics.FinalTestAccuracy, metrics.Seconds, result.Outcome.Skipped,
                    dates.GetValueOrDefault(result.RunId, ""), step.SameAs));
            }
        return list;
    }

    /// <summary>Mean and sample standard deviation of the best test accuracy per rung, in rung order.</summary>
    public static IReadOnlyList<LadderSummary> Summarize(IReadOnlyList<LadderResult> results) =>
        results.GroupBy(r => r.Strategy).Select(g =>
        {
            var accuracies = g.OrderBy(r => r.Seed).Select(r => r.BestTestAccuracy).ToList();
            var mean = accuracies.Average();
            var sd = accuracies.Count < 2 ? 0 : Math.Sqrt(accuracies.Sum(a => (a - mean) * (a - mean)) / (accuracies.Count - 1));
            var first = g.First();
            return new LadderSummary(g.Key, first.UniqueValues, first.CompressionRatio, mean, sd, accuracies, first.SameAs);
        }).ToList();

    /// <summary>
    /// What a ladder shows, in sentences: the gap between Mask and Dense, and what each step to fewer unique values
    /// costs against Mask (accuracy points, mean over seeds with the spread) and saves (compression); one line each.
    /// </summary>
    public static string Describe(IReadOnlyList<LadderResult> results)
    {
        var rows = Summarize(results);
        var mask = rows.Single(r => r.Strategy.Name == StrategyName.Mask);
        var dense = rows.Single(r => r.Strategy.Name == StrategyName.Dense);
        var seeds = results.Select(r => r.Seed).Distinct().Count();
        var lines = new List<string> { $"Mask vs Dense: {Points(mask.Mean - dense.Mean)} points (mean of {seeds} seed(s))" };
        lines.AddRange(rows.SkipWhile(r => r != mask).Skip(1).Select(r => r.SameAs is not null
            ? $"{r.Label,-10} the same network as {r.SameAs} ({r.UniqueValues:N0} unique values): one run, not two points"
            : $"{r.Label,-10} {r.UniqueValues,8:N0} unique values, {Points(r.Mean - mask.Mean)} points vs Mask (sd {100 * r.Sd:0.0}), compression {r.CompressionRatio:P1}"));
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>The runs table's column of a run's (end of training) date.</summary>
    private const string DateColumn = "date";

    private static ExperimentConfig WithSeed(ExperimentConfig config, long seed) =>
        config with { Training = config.Training with { Seed = seed } };

    private static StrategyConfig StrategyOf(LadderRung rung, StrategyConfig base_) =>
        rung.Strategy with { PadMode = base_.PadMode, Rescale = base_.Rescale, IncludeLinear = base_.IncludeLinear };

    /// <summary>
    /// Two RP rungs build the same network when their vectors keep the same number of values: the vector is a prefix
    /// of the same largest layer, tiled the same way (the seed and pad mode being shared).
    /// </summary>
    private static bool SameNetwork(ExperimentConfig a, ExperimentConfig b, long uniqueA, long uniqueB) =>
        a.Strategy.Name == StrategyName.RandomVectorPadding && b.Strategy.Name == StrategyName.RandomVectorPadding && uniqueA == uniqueB;

    private static string Points(double difference) => (100 * difference).ToString("+0.0;-0.0", System.Globalization.CultureInfo.InvariantCulture);
}
