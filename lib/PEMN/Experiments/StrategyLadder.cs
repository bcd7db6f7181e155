using PEMN.Storage;
using PEMN.Strategies;

namespace PEMN.Experiments;

/// <summary>One rung of the ladder: a strategy and its label as the paper's x-axis writes it.</summary>
/// <param name="Strategy">The strategy and its settings.</param>
public sealed record LadderRung(StrategyConfig Strategy)
{
    /// <summary>"Dense", "Mask", "One-layer", "MP", "RP 1e-1" ... "RP 1e-5" (<see cref="StrategyConfig.Label"/>).</summary>
    public string Label => Strategy.Label();
}

/// <summary>One measured rung: storage of the configuration and the accuracy of its training run.</summary>
/// <param name="Label">The rung's label.</param>
/// <param name="RunId">The training run.</param>
/// <param name="UniqueValues">Distinct random values the network stores.</param>
/// <param name="CompressionRatio">1 - total bits / dense bits (negative: larger than dense).</param>
/// <param name="BestTestAccuracy">Best test accuracy over epochs (the paper's metric), in [0, 1].</param>
/// <param name="FinalTestAccuracy">Test accuracy after the last epoch, in [0, 1].</param>
/// <param name="Seconds">Training time of the run.</param>
public sealed record LadderResult(string Label, string RunId, long UniqueValues, double CompressionRatio,
    double BestTestAccuracy, double FinalTestAccuracy, double Seconds);

/// <summary>
/// The paper's Fig. 3 x-axis: Dense, Mask, One-layer, MP, RP 1e-1 ... 1e-5 over one base configuration, so that
/// each figure of "accuracy as unique values shrink" is one plan. Mask-based rungs use the base's lr_max and
/// dense uses dense_lr_max, as the presets define.
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
    /// The runs of the ladder over <paramref name="baseConfig"/>: its strategy name and ratio are replaced rung by rung;
    /// its other strategy settings (pad mode, rescale, linear sharing) are kept where they apply.
    /// </summary>
    public static SweepPlan Plan(ExperimentConfig baseConfig) =>
        new(Rungs.Select(r => (baseConfig with { Strategy = StrategyOf(r, baseConfig.Strategy) }).Validate()).ToList());

    private static StrategyConfig StrategyOf(LadderRung rung, StrategyConfig base_) =>
        rung.Strategy with { PadMode = base_.PadMode, Rescale = base_.Rescale, IncludeLinear = base_.IncludeLinear };

    /// <summary>
    /// Trains what is not done yet (resuming interrupted runs, skipping complete ones) with the runs table at
    /// <paramref name="csvPath"/>, and measures each rung's storage. A failed run raises its error.
    /// </summary>
    public static IReadOnlyList<LadderResult> Run(ExperimentConfig baseConfig, string csvPath,
        Func<SweepRunner.PlannedRun, Training.ITrainingObserver?>? observerFor = null, CancellationToken cancellation = default)
    {
        var plan = Plan(baseConfig);
        var results = new SweepRunner().Run(plan, csvPath, observerFor, cancellation);
        var failed = results.FirstOrDefault(r => r.Error is not null);
        if (failed is not null) throw new InvalidOperationException($"Run {failed.RunId} failed: {failed.Error}");
        return plan.Runs.Zip(results).Select(t =>
        {
            var (config, result) = t;
            var storage = StorageMeasurement.Run(config.Network);
            var metrics = result.Outcome!.Metrics;
            return new LadderResult(config.Strategy.Label(), result.RunId, storage.UniqueValues, storage.CompressionRatio,
                metrics.BestTestAccuracy, metrics.FinalTestAccuracy, metrics.Seconds);
        }).ToList();
    }

    /// <summary>
    /// What a ladder shows, in sentences: the gap between Mask and Dense, and what each step to fewer unique values
    /// costs against Mask (accuracy points) and saves (compression); one line each.
    /// </summary>
    public static string Describe(IReadOnlyList<LadderResult> results)
    {
        var mask = results.Single(r => r.Label == Rungs[1].Label);
        var dense = results.Single(r => r.Label == Rungs[0].Label);
        var lines = new List<string> { $"Mask vs Dense: {Points(mask.BestTestAccuracy - dense.BestTestAccuracy)} points" };
        lines.AddRange(results.SkipWhile(r => r != mask).Skip(1).Select(r =>
            $"{r.Label,-10} {r.UniqueValues,8:N0} unique values, {Points(r.BestTestAccuracy - mask.BestTestAccuracy)} points vs Mask, compression {r.CompressionRatio:P1}"));
        return string.Join(Environment.NewLine, lines);
    }

    private static string Points(double difference) => (100 * difference).ToString("+0.0;-0.0", System.Globalization.CultureInfo.InvariantCulture);
}
