using System.Text;
using PEMN.Configuration;
using PEMN.Sweeps;

namespace PEMN.Fuzz.Targets;

/// <summary>The experiment config JSON and the sweep grid JSON, as users write them.</summary>
public static class ConfigurationTargets
{
    /// <summary>An experiment config: parsed, validated, and its run id computed (what every run folder does with it).</summary>
    public static FuzzTarget Config { get; } = new("config", "experiment config JSON (ExperimentJson.Deserialize, ExperimentConfig.Validate, RunId)",
        input =>
        {
            var config = ExperimentJson.Deserialize(Text(input), "fuzz-config.json");
            config.Validate();
            ExperimentJson.RunId(config);
        },
        [typeof(FormatException), typeof(ArgumentException)]);

    /// <summary>A sweep grid: parsed and expanded into validated runs (SweepPlan.Parse). A "config" key resolves in an empty folder.</summary>
    public static FuzzTarget Grid { get; } = new("grid", "sweep grid JSON (SweepPlan.Parse)",
        input => SweepPlan.Parse(Text(input), Scratch.Folder("grid"), "fuzz-grid.json"),
        [typeof(FormatException), typeof(ArgumentException)]);

    /// <summary>The bytes as a file reader sees them: UTF-8, invalid sequences replaced (File.ReadAllText does the same).</summary>
    public static string Text(byte[] input) => Encoding.UTF8.GetString(input);
}
