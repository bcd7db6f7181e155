namespace PEMN.Fuzz;

/// <summary>
/// One reader of outside input under fuzzing, and its contract: any input either parses or is refused with one of the
/// exception types the reader documents, thrown by the library itself (a <c>PEMN.*</c> namespace). Anything else (an
/// exception of another type, or a documented type thrown from inside the runtime, such as an ArgumentOutOfRangeException
/// out of <c>Span.Slice</c>) escapes <see cref="Run(byte[])"/>, and so reaches AFL as a crash.
/// </summary>
/// <param name="Name">The target's name on the command line and its corpus folder (<c>fuzz/corpus/NAME</c>).</param>
/// <param name="Reads">What it reads, for <c>list</c> and the README.</param>
/// <param name="Read">Feeds one input to the reader; returns normally when the input parsed.</param>
/// <param name="Documented">The exception types the reader documents for bad input.</param>
public sealed record FuzzTarget(string Name, string Reads, Action<byte[]> Read, IReadOnlyList<Type> Documented)
{
    /// <summary>Namespace prefix of the library's own code: a documented exception must be thrown there.</summary>
    public const string LibraryNamespace = "PEMN";

    /// <summary>Runs one input through the contract: true when it parsed, false when it was refused as documented.</summary>
    /// <exception cref="Exception">Any other outcome: the finding itself, unchanged, so that its stack trace shows where.</exception>
    public bool Run(byte[] input) => Run(input, out _);

    /// <summary>As <see cref="Run(byte[])"/>, also giving the refusal (null when the input parsed).</summary>
    public bool Run(byte[] input, out Exception? refusal)
    {
        refusal = null;
        try
        {
            Read(input);
            return true;
        }
        catch (Exception e) when (IsDocumented(e))
        {
            refusal = e;
            return false;
        }
    }

    /// <summary>True when <paramref name="e"/> is a refusal the reader documents, thrown by the library.</summary>
    public bool IsDocumented(Exception e) =>
        Documented.Any(t => t.IsInstanceOfType(e))
        && e.TargetSite?.DeclaringType?.Namespace is { } ns
        && (ns == LibraryNamespace || ns.StartsWith(LibraryNamespace + ".", StringComparison.Ordinal));
}
