using PEMN.Runtime;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PEMN.Experiments;

/// <summary>
/// A sweep: a base config and lists of values per field; the runs are the cartesian product (the first field
/// varies slowest). Grid file:
/// <code>
/// { "preset": "quick",                        // optional base preset (default: the library defaults)
///   "config": "base.json",                    // optional base config file (relative to the grid file)
///   "base": { "training": { "epochs": 4 } },  // optional partial config applied on top
///   "grid": { "strategy.name": ["dense", "mask"], "training.seed": [0, 1, 2] } }
/// </code>
/// </summary>
/// <param name="Runs">Every configuration of the product, validated.</param>
public sealed record SweepPlan(IReadOnlyList<ExperimentConfig> Runs)
{
    private static readonly string[] Keys = ["preset", "config", "base", "grid"];

    /// <summary>Reads a grid file.</summary>
    public static SweepPlan Load(string path) =>
        Parse(File.ReadAllText(path), Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", path);

    /// <summary>Parses grid JSON; relative config paths resolve against <paramref name="folder"/>.</summary>
    public static SweepPlan Parse(string json, string folder = ".", string source = "grid")
    {
        var root = JsonNode.Parse(json) as JsonObject
            ?? throw new FormatException($"{source}: a grid file is a JSON object with keys {string.Join(", ", Keys)}.");
        foreach (var key in root.Select(p => p.Key))
            if (!Keys.Contains(key)) throw new FormatException($"{source}: unknown key '{key}'; allowed: {string.Join(", ", Keys)}.");

        var config = root["preset"] is { } preset ? ExperimentPresets.Get(preset.GetValue<string>()) : new ExperimentConfig();
        if (root["config"] is { } file)
        {
            var configPath = Path.Combine(folder, file.GetValue<string>());
            config = ExperimentJson.Deserialize(File.ReadAllText(configPath), configPath);
        }
        if (root["base"] is JsonObject partial) config = ConfigOverrides.Apply(config, ConfigOverrides.Leaves(partial));

        var axes = new List<(string Path, JsonNode?[] Values)>();
        if (root["grid"] is JsonObject grid)
        {
            foreach (var (path, values) in grid)
            {
                var array = values as JsonArray
                    ?? throw new FormatException($"{source}: grid field '{path}' must be a list of values; it is {values?.ToJsonString() ?? "null"}.");
                if (array.Count == 0) throw new FormatException($"{source}: grid field '{path}' has no values; allowed: a non-empty list.");
                axes.Add((path, array.ToArray()));
            }
        }
        else if (root["grid"] is not null)
        {
            throw new FormatException($"{source}: 'grid' must be an object of field -> list of values.");
        }

        var runs = new List<ExperimentConfig>();
        foreach (var combo in Product(axes, 0, []))
        {
            var run = ConfigOverrides.Apply(config, combo);
            try
            {
                runs.Add(run.Validate());
            }
            catch (ArgumentException e)
            {
                var where = string.Join(", ", combo.Select(c => $"{c.Key}={c.Value?.ToJsonString()}"));
                throw new ArgumentException($"{source}: run [{where}]: {ConfigError.Describe(e)}", e.ParamName, e);
            }
        }
        var duplicates = runs.GroupBy(ExperimentJson.RunId).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
            throw new FormatException($"{source}: the grid produces identical runs ({string.Join(", ", duplicates)}); remove repeated values.");
        return new SweepPlan(runs);
    }

    private static IEnumerable<List<KeyValuePair<string, JsonNode?>>> Product(List<(string Path, JsonNode?[] Values)> axes, int index,
        List<KeyValuePair<string, JsonNode?>> prefix)
    {
        if (index == axes.Count)
        {
            yield return prefix;
            yield break;
        }
        foreach (var value in axes[index].Values)
            foreach (var combo in Product(axes, index + 1, [.. prefix, new(axes[index].Path, value)]))
                yield return combo;
    }
}
