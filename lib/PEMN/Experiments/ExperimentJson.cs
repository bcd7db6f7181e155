using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace PEMN.Experiments;

/// <summary>
/// JSON form of experiment configurations and results: snake_case names, enums as snake_case strings,
/// unknown fields rejected (a typo in a config file must not silently fall back to a default).
/// </summary>
public static class ExperimentJson
{
    /// <summary>The serializer settings used for every config, history and metrics file.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    };

    private static readonly JsonSerializerOptions Compact = new(Options) { WriteIndented = false };

    /// <summary>Field names that validators report in words, mapped to their JSON names.</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["keep fraction k"] = "keep_fraction",
    };

    /// <summary>The JSON (snake_case) name of a C# member name.</summary>
    public static string FieldName(string member) =>
        Aliases.TryGetValue(member, out var alias) ? alias : JsonNamingPolicy.SnakeCaseLower.ConvertName(member);

    /// <summary>The JSON string of an enum value (snake_case, or its [JsonStringEnumMemberName]).</summary>
    public static string EnumName<T>(T value) where T : struct, Enum =>
        JsonSerializer.Deserialize<string>(JsonSerializer.Serialize(value, Options))!;

    /// <summary>The JSON strings of every value of <typeparamref name="T"/>, in declaration order.</summary>
    public static string[] EnumNames<T>() where T : struct, Enum =>
        Enum.GetValues<T>().Select(EnumName).ToArray();

    /// <summary>Indented JSON of <paramref name="value"/>.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Parses an experiment config (not yet validated); errors name the file and the JSON path.</summary>
    public static ExperimentConfig Deserialize(string json, string source = "config")
    {
        try
        {
            return JsonSerializer.Deserialize<ExperimentConfig>(json, Options)
                ?? throw new JsonException($"{source}: the JSON is null.");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source}: {e.Message}", e);
        }
    }

    /// <summary>Reads and validates a config file.</summary>
    public static ExperimentConfig Load(string path) => Deserialize(File.ReadAllText(path), path).Validate();

    /// <summary>Writes a config file atomically.</summary>
    public static void Save(ExperimentConfig config, string path) => AtomicFile.WriteAllText(path, Serialize(config));

    /// <summary>The config as a JSON tree (for overrides and flattening).</summary>
    public static JsonObject ToNode(ExperimentConfig config) =>
        JsonSerializer.SerializeToNode(config, Options)!.AsObject();

    /// <summary>
    /// Compact JSON of everything that decides the results: the config without its label (name) and
    /// execution detail (threads). Two configs with equal canonical JSON are the same experiment.
    /// </summary>
    public static string Canonical(ExperimentConfig config) =>
        JsonSerializer.Serialize(config with { Name = "", Threads = 0 }, Compact);

    /// <summary>A readable, stable run id: strategy-model-dim x depth-first 10 hex digits of SHA-256(canonical JSON).</summary>
    public static string RunId(ExperimentConfig config)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(config))));
        return $"{EnumName(config.Strategy.Name)}-{EnumName(config.Model.Name)}{config.Model.Dim}x{config.Model.Depth}-{hash[..RunIdHashDigits]}";
    }

    /// <summary>Hex digits of the hash kept in a run id: 40 bits, collisions negligible for any sweep.</summary>
    public const int RunIdHashDigits = 10;

    /// <summary>Dotted leaf paths and values of a JSON tree (training.lr_max = 0.05); arrays are joined with ';'.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Flatten(JsonNode? node, string prefix = "")
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                    foreach (var pair in Flatten(child, prefix.Length == 0 ? key : $"{prefix}.{key}"))
                        yield return pair;
                break;
            case JsonArray array:
                yield return new(prefix, string.Join(";", array.Select(v => v?.ToJsonString() ?? "")));
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                yield return new(prefix, value.GetValue<string>());
                break;
            case null:
                yield return new(prefix, "");
                break;
            default:
                yield return new(prefix, node.ToJsonString());
                break;
        }
    }
}
