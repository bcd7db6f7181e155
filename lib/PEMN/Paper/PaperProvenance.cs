namespace PEMN.Paper;

/// <summary>
/// Where the paper's values come from, as the data file's <c>#</c> header states it: they are not the paper's tables (it
/// has none) but points read off its vector figures, so every value carries a read-off error.
/// </summary>
/// <param name="Source">What was read and from where (the header's first line: the authors' figures, repository and branch).</param>
/// <param name="Method">How the points were read (the header's <c>Method:</c> line).</param>
/// <param name="ReadOffErrorPoints">The read-off error of one value, in accuracy points (the header's "+-0.05").</param>
/// <param name="Notes">The header's further lines (units, what 'Minimum' and the packed rows mean), in order.</param>
public sealed record PaperProvenance(string Source, string Method, double ReadOffErrorPoints, IReadOnlyList<string> Notes)
{
    /// <summary>Throws when a field is empty or the read-off error is not a positive, finite number of points.</summary>
    public PaperProvenance Validate()
    {
        if (string.IsNullOrWhiteSpace(Source)) throw new ArgumentException("Source is empty; allowed: the header's first line.", nameof(Source));
        if (string.IsNullOrWhiteSpace(Method)) throw new ArgumentException("Method is empty; allowed: the header's 'Method:' line.", nameof(Method));
        if (!double.IsFinite(ReadOffErrorPoints) || ReadOffErrorPoints <= 0)
            throw new ArgumentOutOfRangeException(nameof(ReadOffErrorPoints), ReadOffErrorPoints, "ReadOffErrorPoints must be a positive number of accuracy points.");
        return this;
    }
}
