namespace PEMN.Data;

/// <summary>
/// A data set could not be found, downloaded or read. The message names the file (or folder) and what
/// was expected, so that the same text helps whether it comes from <c>pemn data</c> or from training.
/// </summary>
public sealed class DataSetException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the file and what was expected.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public DataSetException(string message, Exception? inner = null) : base(message, inner) { }
}
