using System.Text.Json;
using System.Text.Json.Nodes;
using PEMN.Configuration;
using PEMN.Runtime;

namespace PEMN.Sweeps;

/// <summary>
/// A sweep: a base config and lists of values per field; the runs are the cartesian product (the first field
/// varies slowest). Grid file:
/// <code>
/// { "preset": "quick",                        // the base: a preset name ...
///   "config": "base.json",                    // ... or a config file (relative to the grid file); exactly one of the two
///   "base": { "training": { "epochs": 4 } },  // optional partial config applied on top
///   "grid": { "strategy.name": ["dense", "mask"], "training.seed": [0, 1, 2] } }
/// </code>
/// A grid names its base explicitly: without one it would silently be the library defaults (the paper's GPU model).
/// Every key is checked for its kind; an error names the grid file, the key, the value and what is allowed.
/// </summary>
public sealed record SweepPlan
{
    /// <summary>A plan of <paramref name="runs"/>, each validated here, once: the runner takes them as they are.</summary>
    /// <exception cref="ArgumentException">A run's config is invalid; ParamName is the field's JSON path.</exception>
    public SweepPlan(IReadOnlyList<ExperimentConfig> runs) : this(runs.Select(r => r.Validate()).ToList())
    {
    }

    private SweepPlan(IReadOnlyList<ValidatedConfig> validated)
    {
        Validated = validated;
        Runs = validated.Select(v => v.Config).ToList();
    }

    /// <summary>Every configuration, in order.</summary>
    public IReadOnlyList<ExperimentConfig> Runs { get; }

    /// <summary><see cref="Runs"/> as checked configs: what the runner takes.</summary>
    public IReadOnlyList<ValidatedConfig> Validated { get; }

    private static readonly string[] Keys = ["preset", "config", "base", "grid"];

    /// <summary>Default of <see cref="MaxRuns"/>: 10,000 runs in one grid (the paper's figures together have a few hundred).</summary>
    public const long DefaultMaxRuns = 10_000;

    /// <summary>Most runs one grid may expand to, checked before it is expanded (the default times PEMN_LIMIT_SCALE).</summary>
    public static long MaxRuns => SizeLimits.Scaled(DefaultMaxRuns);

    /// <summary>Reads a grid file.</summary>
    /// <exception cref="FormatException">The file is not a grid (bad JSON, a key of the wrong kind); the message names the key.</exception>
    /// <exception cref="ArgumentException">A point of the grid is not a valid config; the message names the point and the field.</exception>
    public static SweepPlan Load(string path) =>
        Parse(File.ReadAllText(path), Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", path);

    /// <summary>Parses grid JSON; relative config paths resolve against <paramref name="folder"/>.</summary>
    public static SweepPlan Parse(string json, string folder = ".", string source = "grid")
    {
        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(json, documentOptions: ExperimentJson.DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source}: not valid JSON ({e.Message}).", e);
        }
        var root = parsed as JsonObject
            ?? throw new FormatException($"{source}: a grid file is a JSON object with keys {string.Join(", ", Keys)}; it is {Kind(parsed)}.");
        foreach (var key in root.Select(p => p.Key))
            if (!Keys.Contains(key)) throw new FormatException($"{source}: unknown key '{key}'; allowed: {string.Join(", ", Keys)}.");

        var preset = Text(root, "preset", source, $"a preset name ({string.Join(", ", ExperimentPresets.Names)})");
        var file = Text(root, "config", source, "a config file path (relative to the grid file)");
        if ((preset is null) == (file is null))
            throw new FormatException(preset is null
                ? $"{source}: no base config; allowed: \"preset\": one of {string.Join(", ", ExperimentPresets.Names)}, or \"config\": a config file."
                : $"{source}: both \"preset\" and \"config\" are given; allowed: one of them.");
        ExperimentConfig config;
        if (preset is not null)
        {
            try
            {
                config = ExperimentPresets.Get(preset);
            }
            catch (ArgumentException e)
            {
                throw new FormatException($"{source}: {ConfigError.Describe(e)}", e);
            }
        }
        else
        {
            var configPath = Path.Combine(folder, file!);
            if (Directory.Exists(configPath)) throw new FormatException($"{source}: config = \"{file}\" is a folder; allowed: a config JSON file.");
            if (!File.Exists(configPath)) throw new FormatException($"{source}: config = \"{file}\" does not exist (looked for {Path.GetFullPath(configPath)}); allowed: a config JSON file.");
            config = ExperimentJson.Deserialize(File.ReadAllText(configPath), configPath);
        }
        if (root.TryGetPropertyValue("base", out var partialNode))
        {
            var partial = partialNode as JsonObject
                ?? throw new FormatException($"{source}: base = {partialNode?.ToJsonString() ?? "null"} is not allowed; allowed: an object of config fields, e.g. {{\"training\": {{\"epochs\": 4}}}}.");
            try
            {
                config = ConfigOverrides.Apply(config, ConfigOverrides.Leaves(partial));
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"{source}: base: {ConfigError.Describe(e)}", e.ParamName, e);
            }
        }

        var axes = new List<(string Path, JsonNode?[] Values)>();
        if (root.TryGetPropertyValue("grid", out var gridNode) && gridNode is JsonObject grid)
        {
            foreach (var (path, values) in grid)
            {
                var array = values as JsonArray
                    ?? throw new FormatException($"{source}: grid field '{path}' must be a list of values; it is {values?.ToJsonString() ?? "null"}.");
                if (array.Count == 0) throw new FormatException($"{source}: grid field '{path}' has no values; allowed: a non-empty list.");
                axes.Add((path, array.ToArray()));
            }
        }
        else if (root.ContainsKey("grid"))
        {
            throw new FormatException($"{source}: grid = {gridNode?.ToJsonString() ?? "null"} is not allowed; allowed: an object of field path -> list of values.");
        }

        // The product is counted before it is expanded: twenty axes of ten values are 10^20 runs from a few hundred bytes.
        var count = axes.Aggregate(1.0, (product, axis) => product * axis.Values.Length);
        if (count > MaxRuns)
            throw new FormatException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{source}: the grid has {count:N0} runs ({string.Join(" x ", axes.Select(a => $"{a.Values.Length} {a.Path}"))}), more than the limit of {MaxRuns:N0}; " +
                $"split it into several grids ({SizeLimits.Advice})."));
        // Each run is validated here, where the error can name its grid point, and only here.
        var runs = new List<ValidatedConfig>();
        foreach (var combo in Product(axes, 0, []))
        {
            try
            {
                runs.Add(ConfigOverrides.Apply(config, combo).Validate());
            }
            catch (ArgumentException e)
            {
                var where = string.Join(", ", combo.Select(c => $"{c.Key}={c.Value?.ToJsonString()}"));
                throw new ArgumentException($"{source}: run [{where}]: {ConfigError.Describe(e)}", e.ParamName, e);
            }
        }
        var duplicates = runs.GroupBy(r => ExperimentJson.RunId(r.Config)).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
            throw new FormatException($"{source}: the grid produces identical runs ({string.Join(", ", duplicates)}); remove repeated values.");
        return new SweepPlan(runs);
    }

    /// <summary>The string value of <paramref name="key"/>, null when absent; any other kind is refused naming the key.</summary>
    private static string? Text(JsonObject root, string key, string source, string allowed)
    {
        if (!root.TryGetPropertyValue(key, out var node)) return null;
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String) return value.GetValue<string>();
        throw new FormatException($"{source}: {key} = {node?.ToJsonString() ?? "null"} is not allowed; allowed: {allowed}.");
    }

    private static string Kind(JsonNode? node) => node is null ? "null" : node.GetValueKind().ToString().ToLowerInvariant();

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
