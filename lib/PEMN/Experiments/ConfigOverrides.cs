using System.Text.Json;
using System.Text.Json.Nodes;

namespace PEMN.Experiments;

/// <summary>
/// Changes fields of a config by dotted JSON path (training.lr_max, strategy.name): the one mechanism behind
/// command-line flags, `--set path=value` and sweep grids. Setting training.lr_max without training.dense_lr_max
/// in the same batch clears dense_lr_max: an explicit peak learning rate applies to every strategy.
/// </summary>
public static class ConfigOverrides
{
    private const string LrMaxPath = "training.lr_max";
    private const string DenseLrMaxPath = "training.dense_lr_max";

    /// <summary>A copy of <paramref name="config"/> with the overrides applied (not yet validated).</summary>
    public static ExperimentConfig Apply(ExperimentConfig config, IEnumerable<KeyValuePair<string, JsonNode?>> overrides)
    {
        var list = overrides.ToList();
        if (list.Count == 0) return config;
        var node = ExperimentJson.ToNode(config);
        foreach (var (path, value) in list) Set(node, path, value);
        if (list.Any(o => o.Key == LrMaxPath) && list.All(o => o.Key != DenseLrMaxPath)) Set(node, DenseLrMaxPath, null);
        return ExperimentJson.Deserialize(node.ToJsonString(), "overrides");
    }

    /// <summary>Parses "path=value": the value is JSON when it parses as JSON (numbers, true, null, lists), else a string.</summary>
    public static KeyValuePair<string, JsonNode?> Parse(string assignment)
    {
        var eq = assignment.IndexOf('=');
        if (eq <= 0)
            throw new ArgumentException($"--set '{assignment}' is not allowed; expected path=value, e.g. training.lr_max=0.05.", "--set");
        var path = assignment[..eq].Trim();
        var text = assignment[(eq + 1)..].Trim();
        JsonNode? value;
        try
        {
            value = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            value = JsonValue.Create(text);
        }
        return new(path, value);
    }

    /// <summary>Sets the leaf at a dotted <paramref name="path"/>; throws naming the path when it is not a config field.</summary>
    public static void Set(JsonObject root, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        var obj = root;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            obj = obj[parts[i]] as JsonObject
                ?? throw new ArgumentException($"'{path}' is not a config field; allowed sections: {string.Join(", ", root.Where(p => p.Value is JsonObject).Select(p => p.Key))}.", path);
        }
        var leaf = parts[^1];
        if (!obj.ContainsKey(leaf))
            throw new ArgumentException($"'{path}' is not a config field; allowed here: {string.Join(", ", obj.Select(p => p.Key))}.", path);
        obj[leaf] = value?.DeepClone();
    }

    /// <summary>Leaf paths and values of a (partial) config object, for applying it as overrides.</summary>
    public static IEnumerable<KeyValuePair<string, JsonNode?>> Leaves(JsonObject partial, string prefix = "")
    {
        foreach (var (key, child) in partial)
        {
            var path = prefix.Length == 0 ? key : $"{prefix}.{key}";
            if (child is JsonObject obj)
                foreach (var leaf in Leaves(obj, path)) yield return leaf;
            else
                yield return new(path, child);
        }
    }
}
