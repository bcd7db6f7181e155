using System.Globalization;
using PEMN.Models;
using PEMN.Runtime;
using PEMN.Strategies;
using PEMN.Sweeps;

namespace PEMN.Analysis;

/// <summary>A ladder's results with the model they were measured on, for tables and charts that set ladders side by side.</summary>
/// <param name="Model">The model as a figure labels it ("ConvMixer-64/4", "ViT-64/4", "ResNet-20": <see cref="LadderComparison.ModelLabel"/>).</param>
/// <param name="Results">One result per rung and seed (<see cref="StrategyLadder.Run"/>).</param>
public sealed record NamedLadder(string Model, IReadOnlyList<LadderResult> Results)
{
    /// <summary>Mean and sd per rung (<see cref="StrategyLadder.Summarize"/>).</summary>
    public IReadOnlyList<LadderSummary> Summary => StrategyLadder.Summarize(Results);

    /// <summary>The seeds, in order.</summary>
    public IReadOnlyList<long> Seeds => Results.Select(r => r.Seed).Distinct().Order().ToList();

    /// <summary>Training runs behind the ladder (a rung that is the same network as another shares its run).</summary>
    public int Runs => Results.Select(r => r.RunId).Distinct().Count();

    /// <summary>Training time of those runs, summed (as recorded when each was trained).</summary>
    public double TrainingSeconds => Results.DistinctBy(r => r.RunId).Sum(r => r.Seconds);

}

/// <summary>One rung of one ladder against that ladder's Dense rung, on the seeds every compared ladder has.</summary>
/// <param name="Model">The ladder's model.</param>
/// <param name="Strategy">The rung's strategy, canonical (<see cref="LadderResult.Strategy"/>).</param>
/// <param name="UniqueValues">Distinct random values its network stores.</param>
/// <param name="Mean">Mean best test accuracy over <paramref name="Seeds"/>.</param>
/// <param name="DenseMean">The same ladder's Dense rung over the same seeds.</param>
/// <param name="Seeds">How many seeds the means are over.</param>
/// <param name="SeedSd">The rung's sample sd over all of this ladder's seeds (0 with one seed): the noise a gap is read against.</param>
/// <param name="SameAs">The label of the earlier rung of this ladder with the identical network (<see cref="LadderResult.SameAs"/>), if any.</param>
public sealed record LadderGap(string Model, StrategyConfig Strategy, long UniqueValues, double Mean, double DenseMean, int Seeds, double SeedSd,
    string? SameAs = null)
{
    /// <summary>The rung's label, for display (<see cref="StrategyConfig.Label"/>).</summary>
    public string Label => Strategy.Label();

    /// <summary>Mean minus Dense: negative when the rung is below Dense.</summary>
    public double Gap => Mean - DenseMean;
}

/// <summary>
/// Ladders of different models compared rung by rung: the paper's "deeper and wider nets close the gap to Dense" as
/// numbers. Gaps are taken on the seeds every ladder has, so one-seed ladders are compared with the same seed of the others.
/// </summary>
public static class LadderComparison
{
    /// <summary>"ConvMixer-64/4" (dim/depth), "ViT-64/4", "ResNet-20" (with "x2" for a width multiplier).</summary>
    public static string ModelLabel(ModelConfig model) => model.Name switch
    {
        ModelName.ResNet => $"ResNet-{model.Depth}{(model.WidthMultiplier == 1 ? "" : $" x{model.WidthMultiplier}")}",
        ModelName.ViT => $"ViT-{model.Dim}/{model.Depth}",
        _ => $"ConvMixer-{model.Dim}/{model.Depth}",
    };

    /// <summary>
    /// Every rung that is in all <paramref name="ladders"/> (except Dense) against its own ladder's Dense, on the common
    /// seeds, in rung order, ladders in the given order.
    /// </summary>
    /// <exception cref="ArgumentException">No ladders, a ladder without a Dense rung, or no seed common to all.</exception>
    public static IReadOnlyList<LadderGap> GapsToDense(IReadOnlyList<NamedLadder> ladders)
    {
        var (seeds, strategies) = Common(ladders);
        var gaps = new List<LadderGap>();
        foreach (var strategy in strategies)
            foreach (var ladder in ladders)
            {
                var rung = ladder.Results.Where(r => r.Strategy == strategy).ToList();
                var onSeeds = rung.Where(r => seeds.Contains(r.Seed)).ToList();
                var dense = ladder.Results.Where(r => IsDense(r) && seeds.Contains(r.Seed)).Average(r => r.BestTestAccuracy);
                gaps.Add(new LadderGap(ladder.Model, strategy, rung[0].UniqueValues, onSeeds.Average(r => r.BestTestAccuracy), dense,
                    seeds.Count, Sd(rung.Select(r => r.BestTestAccuracy).ToList()), rung[0].SameAs));
            }
        return gaps;
    }

    /// <summary>
    /// The comparison in sentences, one per rung: each model's gap to its Dense in points, and how much the first ladder's
    /// gap (the reference) closes in each other model; the reference's seed sd tells which differences are noise.
    /// </summary>
    public static string Describe(IReadOnlyList<NamedLadder> ladders)
    {
        var gaps = GapsToDense(ladders);
        var reference = ladders[0].Model;
        var seeds = gaps.Count == 0 ? 0 : gaps[0].Seeds;
        var lines = new List<string>
        {
            $"Gap to Dense in accuracy points (mean over the {seeds} seed(s) all ladders share); \"closes\" = how much smaller the gap is than on {reference}:",
        };
        foreach (var rung in gaps.GroupBy(g => g.Strategy))
        {
            var first = rung.First();
            var others = rung.Skip(1).Select(g =>
            {
                var closes = Math.Abs(first.Gap) - Math.Abs(g.Gap);
                return $"{g.Model} {Points(g.Gap)}{Same(g)}, {(closes >= 0 ? "closes" : "widens")} by {Math.Abs(100 * closes).ToString("0.0", CultureInfo.InvariantCulture)}";
            }).ToList();
            var noise = first.SeedSd > 0 ? $" (seed sd {(100 * first.SeedSd).ToString("0.0", CultureInfo.InvariantCulture)})" : "";
            lines.Add($"{first.Label,-10} {reference} {Points(first.Gap)}{Same(first)}{noise}{(others.Count == 0 ? "" : "; " + string.Join("; ", others))}");
        }
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>
    /// How much the seeds disagree, per ladder: the mean and the largest sample sd over its rungs (rungs that repeat
    /// another rung's network left out), and the rung of the largest; the paper's "ViT is less stable" in numbers.
    /// Ladders with one seed have no spread and are left out.
    /// </summary>
    public static string DescribeSpread(IReadOnlyList<NamedLadder> ladders)
    {
        var lines = new List<string>();
        foreach (var ladder in ladders.Where(l => l.Seeds.Count > 1))
        {
            var rows = ladder.Summary.Where(r => r.SameAs is null).ToList();
            var widest = rows.MaxBy(r => r.Sd)!;
            lines.Add($"{ladder.Model}: seed sd {(100 * rows.Average(r => r.Sd)).ToString("0.00", CultureInfo.InvariantCulture)} points on average " +
                $"over {rows.Count} rungs ({ladder.Seeds.Count} seeds), largest {(100 * widest.Sd).ToString("0.00", CultureInfo.InvariantCulture)} at {widest.Label}");
        }
        return lines.Count == 0 ? "No ladder has more than one seed: no spread to compare." : string.Join(Environment.NewLine, lines);
    }

    private static string Dense => Names.Label(StrategyName.Dense);

    private static bool IsDense(LadderResult result) => result.Strategy.Name == StrategyName.Dense;

    private static string Same(LadderGap gap) => gap.SameAs is null ? "" : $" (= {gap.SameAs}: the same network)";

    private static (IReadOnlySet<long> Seeds, IReadOnlyList<StrategyConfig> Strategies) Common(IReadOnlyList<NamedLadder> ladders)
    {
        if (ladders.Count == 0) throw new ArgumentException("ladders is empty; allowed: one or more ladders.", nameof(ladders));
        var missingDense = ladders.FirstOrDefault(l => !l.Results.Any(IsDense));
        if (missingDense is not null)
            throw new ArgumentException($"ladder '{missingDense.Model}' has no {Dense} rung: a gap to Dense needs one.", nameof(ladders));
        var seeds = ladders.Select(l => l.Seeds.ToHashSet()).Aggregate((a, b) => { a.IntersectWith(b); return a; });
        if (seeds.Count == 0)
            throw new ArgumentException($"the ladders have no seed in common ({string.Join("; ", ladders.Select(l => $"{l.Model}: {string.Join(", ", l.Seeds)}"))}).", nameof(ladders));
        var strategies = ladders[0].Results.Where(r => !IsDense(r)).Select(r => r.Strategy).Distinct()
            .Where(strategy => ladders.All(l => l.Results.Any(r => r.Strategy == strategy && seeds.Contains(r.Seed)))).ToList();
        return (seeds, strategies);
    }

    private static double Sd(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return 0;
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    private static string Points(double difference) => (100 * difference).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture);
}
