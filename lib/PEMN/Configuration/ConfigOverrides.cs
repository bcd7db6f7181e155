using System.Text.Json;
using System.Text.Json.Nodes;
using PEMN.Data;
using PEMN.Models;

namespace PEMN.Configuration;

/// <summary>
/// Changes fields of a config by dotted JSON path (training.lr_max, strategy.name): the one mechanism behind
/// command-line flags, `path=value` assignments and sweep grids. Three rules that keep one meaning per value:
/// setting training.lr_max without training.dense_lr_max in the same batch clears dense_lr_max (an explicit peak
/// learning rate applies to every strategy); a model name that fixes the depth (resnet32,
/// <see cref="ModelConfig.DepthAliases"/>) sets model.name and model.depth together; and choosing a data set sets
/// the model's image channels, image size and classes to the data set's (<see cref="DataSetCatalog"/>) unless the
/// same batch sets them.
/// </summary>
public static class ConfigOverrides
{
    private const string LrMaxPath = "training.lr_max";
    private const string DenseLrMaxPath = "training.dense_lr_max";
    private const string ModelNamePath = "model.name";
    private const string ModelDepthPath = "model.depth";
    private const string DataSetPath = "data.dataset";
    private const string InChannelsPath = "model.in_channels", ImageSizePath = "model.image_size", ClassesPath = "model.classes";

    /// <summary>A copy of <paramref name="config"/> with the overrides applied (not yet validated).</summary>
    /// <exception cref="ArgumentException">A path is not a config field, or a value does not fit its field; ParamName is the path.</exception>
    public static ExperimentConfig Apply(ExperimentConfig config, IEnumerable<KeyValuePair<string, JsonNode?>> overrides)
    {
        var list = overrides.Select(ExpandModelName).SelectMany(o => o).ToList();
        if (list.Count == 0) return config;
        list.AddRange(ImpliedByDataSet(list));
        var depths = list.Where(o => o.Key == ModelDepthPath).Select(o => o.Value?.ToJsonString()).Distinct().ToList();
        if (depths.Count > 1)
            throw new ArgumentException($"model.depth is set to {string.Join(" and ", depths)} (a model name such as resnet32 fixes the depth); allowed: one depth.", ModelDepthPath);
        var node = ExperimentJson.ToEditableNode(config);
        foreach (var (path, value) in list) Set(node, path, value);
        if (list.Any(o => o.Key == LrMaxPath) && list.All(o => o.Key != DenseLrMaxPath)) Set(node, DenseLrMaxPath, null);
        return ExperimentJson.FromNode(node, "");
    }

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

    private static IEnumerable<KeyValuePair<string, JsonNode?>> ImpliedByDataSet(List<KeyValuePair<string, JsonNode?>> list)
    {
        var chosen = list.LastOrDefault(o => o.Key == DataSetPath).Value;
        if (chosen is not JsonValue value || value.GetValueKind() != JsonValueKind.String
            || !Runtime.Names.TryParse<DataSetName>(value.GetValue<string>(), out var name)
            || DataSetCatalog.Get(name).Shape is not { } shape)
            yield break;
        foreach (var (path, number) in new[] { (InChannelsPath, shape.Channels), (ImageSizePath, shape.Size), (ClassesPath, shape.Classes) })
            if (list.All(o => o.Key != path)) yield return new(path, JsonValue.Create(number));
    }

    private static IEnumerable<KeyValuePair<string, JsonNode?>> ExpandModelName(KeyValuePair<string, JsonNode?> assignment)
    {
        if (assignment.Key == ModelNamePath && assignment.Value is JsonValue value && value.GetValueKind() == JsonValueKind.String
            && ModelConfig.DepthAliases.TryGetValue(value.GetValue<string>(), out var fixedModel))
        {
            yield return new(ModelNamePath, JsonValue.Create(Runtime.Names.Of(fixedModel.Name)));
            yield return new(ModelDepthPath, JsonValue.Create(fixedModel.Depth));
        }
        else
        {
            yield return assignment;
        }
    }
}
