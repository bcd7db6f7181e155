namespace PEMN.Runtime;

/// <summary>
/// A record file exists but cannot be used (empty, not the expected format, truncated, inconsistent with its index).
/// An <see cref="IOException"/>: the data on disk is at fault, not the request. <see cref="Path"/> names the file.
/// </summary>
/// <param name="path">The file.</param>
/// <param name="problem">What is wrong with it.</param>
/// <param name="inner">The underlying error, if any.</param>
public sealed class CorruptFileException(string path, string problem, Exception? inner = null)
    : IOException($"'{path}' is unreadable: {problem}", inner)
{
    /// <summary>The file.</summary>
    public string Path { get; } = path;

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; } = problem;
}
