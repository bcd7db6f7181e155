namespace PEMN.Cli.Options;

/// <summary>A command-line flag with a bad value; the message names the flag, the value and the allowed values.</summary>
public sealed class FlagException(string flag, string message) : Exception($"{flag}: {message}")
{
    /// <summary>Exit code of a command whose flags were rejected (System.CommandLine uses 1 for parse errors).</summary>
    public const int ExitCode = 2;

    /// <summary>The flag, e.g. "--ratio".</summary>
    public string Flag { get; } = flag;

    /// <summary>
    /// Runs a config record's Validate() and rethrows its <see cref="ArgumentException"/> as a
    /// <see cref="FlagException"/> for the flag mapped to the exception's field name.
    /// </summary>
    public static T Validated<T>(Func<T> validate, IReadOnlyDictionary<string, string> flagOfField)
    {
        try
        {
            return validate();
        }
        catch (ArgumentException e) when (e.ParamName is not null && flagOfField.ContainsKey(e.ParamName))
        {
            // .NET appends " (Parameter 'Field')" and, for out-of-range values, a line with the value:
            // the flag replaces the first, the value is kept in the sentence when the message lacks it.
            var message = e.Message.Split(Environment.NewLine)[0].Replace($" (Parameter '{e.ParamName}')", "");
            if (e is ArgumentOutOfRangeException { ActualValue: { } actual } && !message.Contains($"{actual}"))
                message += $" Got {actual}.";
            throw new FlagException(flagOfField[e.ParamName], message);
        }
    }
}
