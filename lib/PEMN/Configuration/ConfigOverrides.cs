using System.Text.Json;
using System.Text.Json.Nodes;
using PEMN.Data;

namespace PEMN.Configuration;

/// <summary>
/// The JSON edge of config edits: <c>path=value</c> assignments (<c>--set</c>) and sweep grids name fields by dotted
/// JSON path (training.lr_max, strategy.name); this turns each into a <see cref="ConfigEdit"/>. The three paths whose edits
/// set other fields (data.dataset, model.name, training.lr_max) become the same typed edits as their flags; every other
/// path sets its one leaf.
/// </summary>
public static class ConfigOverrides
{
    /// <summary>A copy of <paramref name="config"/> with the assignments applied as one batch (<see cref="ConfigEdit.ApplyAll"/>; not yet validated).</summary>
    /// <exception cref="ArgumentException">A path is not a config field, or a value does not fit its field; ParamName is the path.</exception>
    public static ExperimentConfig Apply(ExperimentConfig config, IEnumerable<KeyValuePair<string, JsonNode?>> overrides) =>
        ConfigEdit.ApplyAll(config, overrides.Select(o => AtPath(o.Key, o.Value)));

    /// <summary>
    /// The edit that sets <paramref name="path"/> to <paramref name="value"/>: the typed edit of a path that derives other
    /// fields when the value is of its type, else a leaf edit (whose error, when the value does not fit, names the path).
    /// </summary>
    public static ConfigEdit AtPath(string path, JsonNode? value) => (path, Text(value), value) switch
    {
        (ConfigEdit.DataSetPath, { } text, _) when Runtime.Names.TryParse<DataSetName>(text, out var dataset) => ConfigEdit.DataSet(dataset),
        (ConfigEdit.ModelNamePath, { } text, _) => ConfigEdit.ModelName(text),
        (ConfigEdit.LrMaxPath, _, JsonValue number) when number.GetValueKind() == JsonValueKind.Number => ConfigEdit.LrMax(number.GetValue<double>()),
        _ => Leaf(path, value),
    };

    /// <summary>The edit that sets the one leaf at <paramref name="path"/>, through the config's JSON tree.</summary>
    private static ConfigEdit Leaf(string path, JsonNode? value) => new(path, config =>
    {
        var node = ExperimentJson.ToEditableNode(config);
        Set(node, path, value);
        return ExperimentJson.FromNode(node, "");
    });

    /// <summary>
    /// Parses "path=value": the value is JSON when it parses as JSON (numbers, true, null, lists), else a string.
    /// </summary>
    /// <exception cref="ArgumentException">The text has no '=' or no path.</exception>
    public static KeyValuePair<string, JsonNode?> Parse(string assignment)
    {
        var eq = assignment.IndexOf('=');
        if (eq <= 0)
            throw new ArgumentException($"'{assignment}' is not an assignment; allowed: path=value, e.g. training.lr_max=0.05.", nameof(assignment));
        var path = assignment[..eq].Trim();
        var text = assignment[(eq + 1)..].Trim();
        JsonNode? value;
        try
        {
            value = JsonNode.Parse(text, documentOptions: ExperimentJson.DocumentOptions);
        }
        catch (JsonException)
        {
            value = JsonValue.Create(text);
        }
        return new(path, value);
    }

    /// <summary>Sets the leaf at a dotted <paramref name="path"/>; throws naming the path when it is not a config field.</summary>
    private static void Set(JsonObject root, string path, JsonNode? value)
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

    private static string? Text(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
