using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PEMN.Runtime;

/// <summary>
/// The spellings of one enum value: its canonical name (written in JSON, run ids and command-line output),
/// a short label for tables and charts, and aliases that are accepted when reading (older spellings, the
/// paper's abbreviations). Without this attribute the canonical name is the member's snake_case name.
/// </summary>
/// <param name="canonical">The one spelling written out, e.g. "random_vector_padding".</param>
[AttributeUsage(AttributeTargets.Field)]
public sealed class NameAttribute(string canonical) : Attribute
{
    /// <summary>The canonical spelling.</summary>
    public string Canonical { get; } = canonical;
    /// <summary>The label of tables and charts (e.g. "RP"); default: the canonical name.</summary>
    public string? Label { get; init; }
    /// <summary>Other accepted spellings (e.g. "rp"). Hyphens and underscores are interchangeable anyway.</summary>
    public string[] Aliases { get; init; } = [];
}

/// <summary>
/// The one table of names of every enum of the library: command-line values, JSON values, run ids and labels
/// all come from here. Reading accepts the canonical name, any alias, case-insensitively, with '-' and '_'
/// interchangeable; writing always gives the canonical name.
/// </summary>
public static class Names
{
    /// <summary>The canonical name of <paramref name="value"/>.</summary>
    public static string Of<T>(T value) where T : struct, Enum => Table<T>.Entry(value).Canonical;

    /// <summary>The label of <paramref name="value"/> for tables and charts.</summary>
    public static string Label<T>(T value) where T : struct, Enum => Table<T>.Entry(value).Label;

    /// <summary>The other accepted spellings of <paramref name="value"/> (none for most).</summary>
    public static IReadOnlyList<string> Aliases<T>(T value) where T : struct, Enum => Table<T>.Entry(value).Aliases;

    /// <summary>The canonical names of every value, in declaration order.</summary>
    public static IReadOnlyList<string> All<T>() where T : struct, Enum => Table<T>.Entries.Select(e => e.Canonical).ToArray();

    /// <summary>"a, b (alias), c": the allowed values for error messages and help texts.</summary>
    public static string Allowed<T>() where T : struct, Enum =>
        string.Join(", ", Table<T>.Entries.Select(e => e.Aliases.Length == 0 ? e.Canonical : $"{e.Canonical} ({string.Join(", ", e.Aliases)})"));

    /// <summary>Whether <paramref name="text"/> names a value of <typeparamref name="T"/>.</summary>
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        value = default;
        if (text is null) return false;
        return Table<T>.ByKey.TryGetValue(Key(text), out value);
    }

    /// <summary>The value named <paramref name="text"/>; throws naming <paramref name="field"/>, the text and the allowed values.</summary>
    /// <exception cref="ArgumentException">The text names no value.</exception>
    public static T Parse<T>(string? text, string field) where T : struct, Enum =>
        TryParse<T>(text, out var value)
            ? value
            : throw new ArgumentException($"{field} = '{text}' is not allowed; allowed: {Allowed<T>()}.", field);

    private static string Key(string text) => text.Trim().Replace('-', '_').ToLowerInvariant();

    private static string SnakeCase(string member) => JsonNamingPolicy.SnakeCaseLower.ConvertName(member);

    private sealed record Spelling(string Canonical, string Label, string[] Aliases);

    private static class Table<T> where T : struct, Enum
    {
        public static readonly IReadOnlyList<(T Value, Spelling Spelling)> Values = Enum.GetValues<T>().Select(v =>
        {
            var field = typeof(T).GetField(v.ToString(), BindingFlags.Public | BindingFlags.Static)!;
            var name = field.GetCustomAttribute<NameAttribute>();
            var canonical = name?.Canonical ?? SnakeCase(field.Name);
            return (v, new Spelling(canonical, name?.Label ?? canonical, name?.Aliases ?? []));
        }).ToArray();

        public static IEnumerable<Spelling> Entries => Values.Select(v => v.Spelling);

        public static readonly Dictionary<string, T> ByKey = BuildKeys();

        public static Spelling Entry(T value)
        {
            foreach (var (v, spelling) in Values)
                if (EqualityComparer<T>.Default.Equals(v, value)) return spelling;
            throw new ArgumentOutOfRangeException(nameof(value), value, $"Not a {typeof(T).Name}; allowed: {Allowed<T>()}.");
        }

        private static Dictionary<string, T> BuildKeys()
        {
            var keys = new Dictionary<string, T>(StringComparer.Ordinal);
            foreach (var (value, spelling) in Values)
                foreach (var text in spelling.Aliases.Prepend(spelling.Canonical))
                    if (!keys.TryAdd(Key(text), value) && !EqualityComparer<T>.Default.Equals(keys[Key(text)], value))
                        throw new InvalidOperationException($"{typeof(T).Name}: the spelling '{text}' names two values.");
            return keys;
        }
    }
}

/// <summary>
/// JSON for every enum of the library through <see cref="Names"/>: written as the canonical name, read from any
/// accepted spelling; numbers are refused (a typo must not select a value by position).
/// </summary>
public sealed class NamesJsonConverter : JsonConverterFactory
{
    /// <inheritdoc/>
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    /// <inheritdoc/>
    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(EnumConverter<>).MakeGenericType(typeToConvert))!;

    private sealed class EnumConverter<T> : JsonConverter<T> where T : struct, Enum
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String)
                throw new JsonException($"expected a string, one of: {Names.Allowed<T>()}.");
            var text = reader.GetString();
            return Names.TryParse<T>(text, out var value)
                ? value
                : throw new JsonException($"'{text}' is not allowed; allowed: {Names.Allowed<T>()}.");
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Names.Of(value));
    }
}
