namespace PEMN.Cli.Options;

/// <summary>A lookup table from the names a flag accepts to the values they stand for.</summary>
/// <typeparam name="T">The value type (an enum or a small record).</typeparam>
public sealed class NamedChoices<T>(string flag, IReadOnlyList<(string Name, T Value)> choices)
{
    private readonly Dictionary<string, T> byName = choices.ToDictionary(c => c.Name, c => c.Value, StringComparer.OrdinalIgnoreCase);

    /// <summary>The flag these names belong to.</summary>
    public string Flag { get; } = flag;

    /// <summary>The accepted names, in table order.</summary>
    public IReadOnlyList<string> Names { get; } = choices.Select(c => c.Name).ToList();

    /// <summary>"a|b|c", for help texts.</summary>
    public string Alternatives => string.Join("|", Names);

    /// <summary>The value named <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="FlagException">The name is not in the table; the message lists the allowed names.</exception>
    public T Parse(string? name) => name is not null && byName.TryGetValue(name, out var value)
        ? value
        : throw new FlagException(Flag, $"unknown value '{name}'; allowed: {string.Join(", ", Names)}.");

    /// <summary>The table's name for <paramref name="value"/>.</summary>
    public string NameOf(T value) => choices.First(c => EqualityComparer<T>.Default.Equals(c.Value, value)).Name;
}
