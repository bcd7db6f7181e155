using System.Security.Cryptography;
using PEMN.Configuration;
using PEMN.Masking;
using PEMN.Runs;
using PEMN.Storage;
using PEMN.Strategies;

namespace PEMN.Sweeps;

/// <summary>One point of a figure outside a strategy ladder: a series (a curve), a label within it and the run's config.</summary>
/// <param name="Series">The curve or group it belongs to, e.g. "RP copy" or "sign-symmetric".</param>
/// <param name="Label">The point within the series, e.g. "5 values".</param>
/// <param name="Config">The run's config; its training.seed is replaced by each run's seed.</param>
public sealed record PlanPoint(string Series, string Label, ExperimentConfig Config);

/// <summary>A point at one seed: one training run of a <see cref="PointsPart"/>.</summary>
/// <param name="Point">The point.</param>
/// <param name="Seed">training.seed of the run (weights, scores, data order).</param>
public sealed record PointRun(PlanPoint Point, long Seed)
{
    /// <summary>The run's config: the point's with the seed.</summary>
    public ExperimentConfig Config => Point.Config with { Training = Point.Config.Training with { Seed = Seed } };
}

/// <summary>
/// A part of a figure plan given as a list of runs, in the order they train: most informative first, so that a plan stopped
/// part-way has answered the most it could.
/// </summary>
/// <param name="Name">The part's name; its table is &lt;name&gt;.md next to the runs.</param>
/// <param name="Runs">The runs at a scale ("smoke", "quick", "paper").</param>
/// <param name="Conclusions">Lines its table states from the results (a verdict), or null for none.</param>
public sealed record PointsPart(string Name, Func<Scale, IReadOnlyList<PointRun>> Runs,
    Func<IReadOnlyList<PointResult>, IReadOnlyList<string>>? Conclusions = null);

/// <summary>A planned run of a points part: what it is, its id, and whether an earlier run of the list already trains its network.</summary>
/// <param name="Run">The point and seed.</param>
/// <param name="RunId">The run id of its config.</param>
/// <param name="SameAs">
/// The run id of an earlier run of the list with the same network and training (the configs differ only in the strategy and
/// the frozen weights come out bit-identical, e.g. RP rand and copy with one value): that run's results are this one's.
/// </param>
public sealed record PlannedPoint(PointRun Run, string RunId, string? SameAs);

/// <summary>One point at one seed, measured.</summary>
/// <param name="Series">The point's series.</param>
/// <param name="Label">The point's label.</param>
/// <param name="Seed">The seed.</param>
/// <param name="RunId">The run that trained it (the earlier run's id when <paramref name="SameAs"/> is set).</param>
/// <param name="StoredValues">Random values the network stores (<see cref="StoredValueProbe"/>).</param>
/// <param name="DistinctValues">Distinct floats its frozen weights hold (twice the stored values when sign-symmetric).</param>
/// <param name="PrototypeBits">C_w: what the random values cost, permutation seed included (<see cref="StorageReport.PrototypeBits"/>).</param>
/// <param name="CompressionRatio">Storage compression of the conv and linear weights.</param>
/// <param name="BestTestAccuracy">Best test accuracy over epochs, in [0, 1].</param>
/// <param name="FinalTestAccuracy">Test accuracy after the last epoch.</param>
/// <param name="Seconds">Training seconds of the run.</param>
/// <param name="Reused">The run was complete before this call.</param>
/// <param name="SameAs">The earlier run whose network this is, if any.</param>
public sealed record PointResult(string Series, string Label, long Seed, string RunId, long StoredValues, long DistinctValues, long PrototypeBits,
    double CompressionRatio, double BestTestAccuracy, double FinalTestAccuracy, double Seconds, bool Reused, string? SameAs);

/// <summary>A point over its seeds.</summary>
/// <param name="Series">The series.</param>
/// <param name="Label">The point.</param>
/// <param name="StoredValues">Random values stored.</param>
/// <param name="PrototypeBits">C_w in bits.</param>
/// <param name="CompressionRatio">Storage compression of the conv and linear weights.</param>
/// <param name="Mean">Mean best test accuracy over the seeds.</param>
/// <param name="Sd">Sample standard deviation over the seeds (0 with one seed).</param>
/// <param name="Seeds">The seeds, ascending.</param>
/// <param name="PerSeed">Best test accuracy of each seed, in the order of <paramref name="Seeds"/>.</param>
public sealed record PointSummary(string Series, string Label, long StoredValues, long PrototypeBits, double CompressionRatio, double Mean, double Sd,
    IReadOnlyList<long> Seeds, IReadOnlyList<double> PerSeed);

/// <summary>FigurePlans, runs and summarises a <see cref="PointsPart"/> (what <see cref="StrategyLadder"/> does for ladders).</summary>
public static class PointPlan
{
    /// <summary>
    /// The runs with their ids, and which repeat an earlier run's network (<see cref="PlannedPoint.SameAs"/>): each network is
    /// built once to compare frozen weights, which takes seconds for the quick models.
    /// </summary>
    /// <exception cref="ArgumentException">Two runs of the list have the same config (the list names one run twice).</exception>
    public static IReadOnlyList<PlannedPoint> Plan(IReadOnlyList<PointRun> runs)
    {
        var byNetwork = new Dictionary<string, string>(StringComparer.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var planned = new List<PlannedPoint>();
        foreach (var run in runs)
        {
            var config = run.Config.Validate();
            var id = ExperimentJson.RunId(config);
            if (!ids.Add(id))
                throw new ArgumentException($"The run {id} ({run.Point.Series}, {run.Point.Label}, seed {run.Seed}) is listed twice; allowed: each run once.", nameof(runs));
            var key = NetworkKey(config);
            planned.Add(new PlannedPoint(run, id, byNetwork.TryGetValue(key, out var earlier) ? earlier : null));
            byNetwork.TryAdd(key, id);
        }
        return planned;
    }

    /// <summary>The runs to train: every planned run that is not the same as an earlier one, in the list's order.</summary>
    public static SweepPlan Sweep(IReadOnlyList<PlannedPoint> planned) =>
        new(planned.Where(p => p.SameAs is null).Select(p => p.Run.Config).ToList());

    /// <summary>
    /// Trains what is missing (skipping complete runs, resuming interrupted ones, waiting for runs another process is training)
    /// with the runs table at <paramref name="csvPath"/>, or with <paramref name="trainMissing"/> false only reads the complete
    /// runs; one result per complete run, in the list's order. A failed run raises its error after the other runs ran, as
    /// <see cref="StrategyLadder.Run"/> does; <paramref name="options"/> says what to do with damaged or partial runs.
    /// </summary>
    public static IReadOnlyList<PointResult> Run(IReadOnlyList<PointRun> runs, string csvPath, bool trainMissing = true,
        Func<SweepRunner.PlannedRun, Training.ITrainingObserver?>? observerFor = null, CancellationToken cancellation = default,
        RunOptions? options = null)
    {
        var planned = Plan(runs);
        var sweep = Sweep(planned);
        if (!trainMissing)
            sweep = new SweepPlan(SweepRunner.Describe(sweep, csvPath).Where(p => p.Status == RunStatus.Complete).Select(p => p.Config).ToList());
        var results = new SweepRunner().Run(sweep, csvPath, observerFor, cancellation, options);
        var failed = results.FirstOrDefault(r => r.Error is not null);
        if (failed?.Exception is CorruptRunException corrupt) throw corrupt;
        if (failed is not null) throw new InvalidOperationException($"Run {failed.RunId} failed: {failed.Error}", failed.Exception);
        var byId = results.ToDictionary(r => r.RunId);
        var storageByPoint = new Dictionary<string, StorageReport>(StringComparer.Ordinal);
        var list = new List<PointResult>();
        foreach (var p in planned)
        {
            var id = p.SameAs ?? p.RunId;
            if (!byId.TryGetValue(id, out var result)) continue;
            var storage = StorageOf(p.Run.Point, storageByPoint);
            var metrics = result.Outcome!.Metrics;
            list.Add(new PointResult(p.Run.Point.Series, p.Run.Point.Label, p.Run.Seed, id, storage.UniqueValues, storage.DistinctFloats,
                storage.PrototypeBits, storage.CompressionRatio, metrics.BestTestAccuracy, metrics.FinalTestAccuracy, metrics.Seconds,
                result.Outcome.Skipped, p.SameAs));
        }
        return list;
    }

    /// <summary>Mean and sample standard deviation of the best test accuracy per point, in order of first appearance.</summary>
    public static IReadOnlyList<PointSummary> Summarize(IEnumerable<PointResult> results) =>
        results.GroupBy(r => (r.Series, r.Label)).Select(g =>
        {
            var bySeed = g.OrderBy(r => r.Seed).ToList();
            var accuracies = bySeed.Select(r => r.BestTestAccuracy).ToList();
            var first = bySeed[0];
            return new PointSummary(g.Key.Series, g.Key.Label, first.StoredValues, first.PrototypeBits, first.CompressionRatio,
                accuracies.Average(), SampleSd(accuracies), bySeed.Select(r => r.Seed).ToList(), accuracies);
        }).ToList();

    /// <summary>Sample standard deviation (n - 1); 0 for fewer than two values.</summary>
    public static double SampleSd(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return 0;
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    private static StorageReport StorageOf(PlanPoint point, Dictionary<string, StorageReport> cache)
    {
        var key = ExperimentJson.Canonical(point.Config);
        if (!cache.TryGetValue(key, out var report)) cache[key] = report = StorageMeasurement.Run(point.Config.Network);
        return report;
    }

    /// <summary>
    /// What decides a run's training apart from the strategy: the config without its strategy, and the frozen weights the strategy
    /// made (a digest of their bits). Scores, data order and the optimiser follow from the rest.
    /// </summary>
    private static string NetworkKey(ExperimentConfig config)
    {
        using var noGrad = TorchSharp.torch.no_grad();
        using var network = PemnNetwork.Build(config.Network);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var layer in WeightLayers.Of(network.Model))
        {
            using var scope = TorchSharp.torch.NewDisposeScope();
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(
                layer.Weight.detach().to(TorchSharp.torch.ScalarType.Float32).cpu().flatten().data<float>().ToArray().AsSpan()));
        }
        var rest = ExperimentJson.Canonical(config with { Strategy = new StrategyConfig() });
        return rest + "|" + Convert.ToHexString(hash.GetHashAndReset());
    }
}
