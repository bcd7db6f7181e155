namespace PEMN.Cli.Options;

/// <summary>A command line that cannot run: the message names the flag (or file), the bad value and what is allowed.</summary>
/// <param name="flag">The flag at fault, e.g. "--ratio"; the message starts with it.</param>
/// <param name="message">What is wrong and what is allowed.</param>
public sealed class UsageException(string flag, string message) : Exception($"{flag}: {message}")
{
    /// <summary>The flag, e.g. "--ratio".</summary>
    public string Flag { get; } = flag;

    /// <summary>The value of <paramref name="get"/>; a value the library refuses (<see cref="ArgumentException"/>) becomes a usage error of <paramref name="flag"/>.</summary>
    public static T Map<T>(Func<T> get, string flag)
    {
        try { return get(); }
        catch (ArgumentException e) { throw new UsageException(flag, Runtime.ConfigError.Describe(e)); }
    }
}
