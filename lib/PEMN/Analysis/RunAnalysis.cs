using System.Text.Json;
using System.Text.Json.Serialization;
using PEMN.Configuration;
using PEMN.Masking;
using PEMN.Runs;
using PEMN.Runtime;
using PEMN.Strategies;

namespace PEMN.Analysis;

/// <summary>
/// What a trained network's random values are and how its masks and norms responded (<see cref="ValueInspection"/>,
/// <see cref="NormInspection"/>): what the few-values notebook reads to explain why one seed fails where another does not.
/// </summary>
/// <param name="RunId">The run (empty when the network did not come from a run folder).</param>
/// <param name="Drawn">The stored values as drawn, per prototype.</param>
/// <param name="Layers">Each masked layer's values and what its mask keeps of each sign.</param>
/// <param name="Norms">Each norm layer's learned affine.</param>
public sealed record NetworkAnalysis(string RunId, IReadOnlyList<DrawnValues> Drawn, IReadOnlyList<LayerValueResponse> Layers,
    IReadOnlyList<NormResponse> Norms)
{
    /// <summary>Fraction of all masked weights that are negative (0 when every value has one sign and it is positive).</summary>
    [JsonIgnore]
    public double NegativeFraction => Layers.Sum(l => l.NegativeFraction * l.Weights) / Math.Max(1, Layers.Sum(l => l.Weights));

    /// <summary>Fraction of the channels of all affine norm layers whose learned scale is negative (0 without affine).</summary>
    [JsonIgnore]
    public double FlippedChannelFraction =>
        Norms.Where(n => n.Affine).Sum(n => n.NegativeScaleFraction!.Value * n.Channels) / Math.Max(1, Norms.Where(n => n.Affine).Sum(n => n.Channels));

    /// <summary>Of each layer's positive weights, the share its mask keeps, averaged over layers (null when no layer has positive weights).</summary>
    [JsonIgnore]
    public double? KeptOfPositive => MeanOf(Layers.Select(l => l.KeptOfPositive));

    /// <summary>Of each layer's negative weights, the share its mask keeps, averaged over layers (null when no layer has negative weights).</summary>
    [JsonIgnore]
    public double? KeptOfNegative => MeanOf(Layers.Select(l => l.KeptOfNegative));

    /// <summary>Mean |gamma| over the affine norm layers (null without affine).</summary>
    [JsonIgnore]
    public double? MeanAbsScale => MeanOf(Norms.Where(n => n.Affine).Select(n => n.MeanAbsScale));

    private static double? MeanOf(IEnumerable<double?> values)
    {
        var present = values.Where(v => v is not null).Select(v => v!.Value).ToList();
        return present.Count == 0 ? null : present.Average();
    }
}

/// <summary>What <see cref="PEMN.Plans.PlanRunner.Analyse"/> found in a plan's run folders.</summary>
/// <param name="Written">Analyses computed now from a checkpoint and written.</param>
/// <param name="Present">Complete runs that had their analysis already.</param>
/// <param name="Missing">Complete runs with neither an analysis nor a checkpoint (analyse them where they were trained).</param>
/// <param name="Incomplete">Runs not complete yet.</param>
public sealed record PlanAnalyses(int Written, int Present, int Missing, int Incomplete);

/// <summary>
/// Analyses networks and run folders. A run's analysis is written next to its results as analysis.json (a few kilobytes), so
/// that it can be committed with the run: checkpoints, which it is computed from, are not.
/// </summary>
public static class RunAnalysis
{
    /// <summary>The analysis file in a run folder.</summary>
    public const string AnalysisFile = "analysis.json";

    /// <summary>The analysis of a built (trained or untrained) network.</summary>
    public static NetworkAnalysis Of(PemnNetwork network, string runId = "") =>
        network.Spec.Strategy.Name == StrategyName.Dense
            ? new NetworkAnalysis(runId, [], [], NormInspection.Of(network.Model))
            : new NetworkAnalysis(runId, ValueInspection.Drawn(network.Spec), ValueInspection.Layers(network.Model, network.Values),
                NormInspection.Of(network.Model));

    /// <summary>
    /// The values a run's network stores, as drawn (<see cref="ValueInspection.Drawn"/>): they follow from its config.json alone, so
    /// committed runs without a checkpoint have them too.
    /// </summary>
    /// <exception cref="FileNotFoundException">The folder has no config.json.</exception>
    public static IReadOnlyList<DrawnValues> DrawnOfRun(string runDirectory)
    {
        var configFile = Path.Combine(runDirectory, ExperimentRunner.ConfigFile);
        if (!File.Exists(configFile))
            throw new FileNotFoundException($"'{runDirectory}' is not a run folder: it has no {ExperimentRunner.ConfigFile}.", configFile);
        return ValueInspection.Drawn(ExperimentJson.Load(configFile).Network);
    }

    /// <summary>
    /// The analysis of the complete run in <paramref name="runDirectory"/>: read from its analysis.json when there, else computed
    /// from its last checkpoint (<see cref="RunPacking.LoadRun"/>) and written there; null when the folder has neither (a committed
    /// run whose analysis was never written, or a run not complete yet).
    /// </summary>
    public static NetworkAnalysis? ForRun(string runDirectory)
    {
        var file = Path.Combine(runDirectory, AnalysisFile);
        if (File.Exists(file))
            return JsonSerializer.Deserialize<NetworkAnalysis>(File.ReadAllText(file), ExperimentJson.Options)
                ?? throw new InvalidDataException($"'{file}' holds no analysis.");
        if (RunPacking.IncompleteReason(runDirectory) is not null) return null;
        var (config, network) = RunPacking.LoadRun(runDirectory);
        using (network)
        {
            var analysis = Of(network, ExperimentJson.RunId(config));
            AtomicFile.WriteAllText(file, ExperimentJson.Serialize(analysis));
            return analysis;
        }
    }
}
