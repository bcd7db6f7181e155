namespace PEMN.Cli.Options;

/// <summary>
/// An output a flag names cannot be written (a folder where the table should be, a read-only file or folder): found before
/// any compute, exit <see cref="ExitCodes.Io"/>. The message names the flag, the path and what is allowed.
/// </summary>
/// <param name="flag">The flag at fault, e.g. "--csv"; the message starts with it.</param>
/// <param name="message">What is wrong and what is allowed.</param>
public sealed class OutputException(string flag, string message) : Exception($"{flag}: {message}")
{
    /// <summary>The flag, e.g. "--csv".</summary>
    public string Flag { get; } = flag;
}
