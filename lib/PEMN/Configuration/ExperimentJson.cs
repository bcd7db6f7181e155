using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using PEMN.Runtime;

namespace PEMN.Configuration;

/// <summary>
/// JSON form of experiment configurations and results: snake_case names, enums by their canonical names
/// (<see cref="Names"/>; aliases accepted when reading), unknown fields rejected and every section required (a typo
/// or a missing section in a config file must not silently fall back to a default).
/// </summary>
public static class ExperimentJson
{
    /// <summary>
    /// The serializer settings used for every config, history and metrics file. Fields marked <see cref="OmittedWhileDefaultAttribute"/>
    /// are left out while at their default, so that adding such a field changes no recorded file or run id.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new NamesJsonConverter() },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OmitAddedDefaults } },
    };

    /// <summary>
    /// How every config, grid and packed configuration is parsed into a tree: a key given twice is refused (JsonException) when
    /// parsed, rather than left to throw an ArgumentException about a dictionary from deep inside the first lookup of the tree.
    /// </summary>
    public static JsonDocumentOptions DocumentOptions { get; } = new() { AllowDuplicateProperties = false };

    /// <summary>The canonical form's settings: <see cref="Options"/>, compact.</summary>
    private static readonly JsonSerializerOptions Compact = new(Options) { WriteIndented = false };

    /// <summary><see cref="Options"/> writing every field, also those omitted while default: the tree that overrides edit by path.</summary>
    private static readonly JsonSerializerOptions Editable = new(Options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    private static void OmitAddedDefaults(JsonTypeInfo info)
    {
        foreach (var property in info.Properties)
        {
            if (property.AttributeProvider?.IsDefined(typeof(OmittedWhileDefaultAttribute), inherit: false) != true) continue;
            var fallback = property.PropertyType.IsValueType ? Activator.CreateInstance(property.PropertyType) : null;
            property.ShouldSerialize = (_, value) => !Equals(value, fallback);
        }
    }

    /// <summary>Field names that validators report in words, mapped to their JSON names.</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["keep fraction k"] = "keep_fraction",
    };

    /// <summary>The JSON (snake_case) name of a C# member name.</summary>
    public static string FieldName(string member) =>
        Aliases.TryGetValue(member, out var alias) ? alias : JsonNamingPolicy.SnakeCaseLower.ConvertName(member);

    /// <summary>The sections every config file must have (a missing or null one is an error, never a default).</summary>
    public static IReadOnlyList<string> Sections { get; } = ["data", "model", "masking", "strategy", "training"];

    /// <summary>Indented JSON of <paramref name="value"/>.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>
    /// Parses an experiment config (not yet validated); errors name the source, the JSON path and what was expected.
    /// Every section of <see cref="Sections"/> must be present as an object.
    /// </summary>
    /// <exception cref="FormatException">The text is not a config: bad JSON, or a missing or null section.</exception>
    /// <exception cref="ArgumentException">A field is unknown or its value is of the wrong kind; ParamName is its dotted path.</exception>
    public static ExperimentConfig Deserialize(string json, string source = "config")
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source}: not valid JSON ({e.Message}).", e);
        }
        return FromNode(root as JsonObject ?? throw new FormatException(
            $"{source}: a config is a JSON object with sections {string.Join(", ", Sections)}; it is {Kind(root)}."), source);
    }

    /// <summary>A config from its JSON tree; see <see cref="Deserialize"/>.</summary>
    public static ExperimentConfig FromNode(JsonObject root, string source = "config")
    {
        foreach (var section in Sections)
            if (root[section] is not JsonObject)
                throw new FormatException(root.ContainsKey(section)
                    ? $"{Prefix(source)}section '{section}' is {Kind(root[section])}; allowed: an object of its fields (or leave the file's base to a preset)."
                    : $"{Prefix(source)}section '{section}' is missing; every config names {string.Join(", ", Sections)} (start from a preset and override fields instead).");
        try
        {
            return root.Deserialize<ExperimentConfig>(Options) ?? throw new FormatException($"{Prefix(source)}the JSON is null.");
        }
        catch (JsonException e)
        {
            var field = e.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : "the config";
            var value = e.Path is { Length: > 2 } ? Lookup(root, field) : null;
            var shown = value is null ? "" : $" = {value.ToJsonString()}";
            throw new ArgumentException($"{Prefix(source)}{field}{shown} is not allowed: {Reason(e, field)}", field, e);
        }
    }

    private static string Prefix(string source) => source.Length == 0 ? "" : source + ": ";

    private static string Kind(JsonNode? node) => node is null ? "null" : node.GetValueKind().ToString().ToLowerInvariant();

    private static JsonNode? Lookup(JsonObject root, string dotted)
    {
        JsonNode? node = root;
        foreach (var part in dotted.Split('.'))
            node = node is JsonObject o && o.TryGetPropertyValue(part, out var child) ? child : null;
        return node;
    }

    /// <summary>
    /// System.Text.Json's messages name .NET types ("could not be converted to PEMN.Training.TrainingConfig"): say instead
    /// what kind of value the field takes, read off the default config.
    /// </summary>
    private static string Reason(JsonException e, string field)
    {
        if (!e.Message.Contains("could not be converted", StringComparison.Ordinal))
        {
            var cut = e.Message.IndexOf(" Path:", StringComparison.Ordinal);
            return cut >= 0 ? e.Message[..cut] : e.Message;
        }
        return Lookup(ToEditableNode(new ExperimentConfig()), field)?.GetValueKind() switch
        {
            JsonValueKind.Number => "expected a number.",
            JsonValueKind.True or JsonValueKind.False => "expected true or false.",
            JsonValueKind.String => "expected a string.",
            JsonValueKind.Array => "expected a list.",
            JsonValueKind.Object => "expected an object of fields.",
            _ => "expected a number, or null to leave it unset.",
        };
    }

    /// <summary>Reads and validates a config file.</summary>
    public static ExperimentConfig Load(string path) => Deserialize(File.ReadAllText(path), path).Validate();

    /// <summary>Writes a config file atomically.</summary>
    public static void Save(ExperimentConfig config, string path) => AtomicFile.WriteAllText(path, Serialize(config));

    /// <summary>The config as a JSON tree, as files hold it (for flattening and embedding).</summary>
    public static JsonObject ToNode(ExperimentConfig config) =>
        JsonSerializer.SerializeToNode(config, Options)!.AsObject();

    /// <summary>The config as a JSON tree with every field, also those files omit while default: what overrides set by path.</summary>
    public static JsonObject ToEditableNode(ExperimentConfig config) =>
        JsonSerializer.SerializeToNode(config, Editable)!.AsObject();

    /// <summary>
    /// Compact JSON of everything that decides the results (<see cref="ExperimentConfig.Canonical"/>): two configs with
    /// equal canonical JSON are the same experiment.
    /// </summary>
    public static string Canonical(ExperimentConfig config) => JsonSerializer.Serialize(config.Canonical(), Compact);

    /// <summary>
    /// A readable, stable run id: strategy, short model name, and the first 10 hex digits of SHA-256 of the canonical
    /// JSON, e.g. random_vector_padding-convmixer64x4-3f2a9c01be.
    /// </summary>
    public static string RunId(ExperimentConfig config)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(config))));
        return $"{Names.Of(config.Strategy.Name)}-{config.Model.ShortName}-{hash[..RunIdHashDigits]}";
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
