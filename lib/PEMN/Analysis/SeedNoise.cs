using PEMN.Runtime;

namespace PEMN.Analysis;

/// <summary>
/// A value a verdict reads: a mean over training seeds with its sample standard deviation, or one reported value (the
/// paper's, read off a figure) with its read-off error. Accuracies as fractions, like every result of the library.
/// </summary>
/// <param name="Mean">The mean over the seeds, or the reported value.</param>
/// <param name="Sd">Sample standard deviation over the seeds; null with one seed or for a reported value (no spread is known).</param>
/// <param name="N">How many seeds the mean is over (1 for a reported value).</param>
/// <param name="ReadError">How far a reported value may be off through reading it (the paper's read-off error); 0 for a measured mean.</param>
public sealed record Reading(double Mean, double? Sd, int N, double ReadError = 0)
{
    /// <summary>The mean, sample sd (none with fewer than two values) and count of <paramref name="values"/>.</summary>
    /// <exception cref="ArgumentException">No values.</exception>
    public static Reading OverSeeds(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("values is empty; allowed: one or more seeds' values.", nameof(values));
        return new Reading(values.Average(), values.Count < 2 ? null : Sweeps.PointPlan.SampleSd(values), values.Count);
    }

    /// <summary>A mean over <paramref name="n"/> seeds whose sd a summary gives (it writes 0 for one seed: here that is no sd).</summary>
    public static Reading Summary(double mean, double sd, int n) => new(mean, n < 2 ? null : sd, n);

    /// <summary>One reported value with its read-off error: no seeds, no spread.</summary>
    public static Reading Reported(double value, double readError) => new(value, null, 1, readError);

    /// <summary>The variance of the mean, sd^2 / n; 0 when no sd is known.</summary>
    public double MeanVariance => Sd is { } sd && N >= 2 ? sd * sd / N : 0;

    /// <summary>A measured mean of one seed: the spread between seeds is not known, so neither is the noise of a difference.</summary>
    public bool SpreadUnknown => N < 2 && ReadError == 0;
}

/// <summary>A weighted sum of readings (a difference, an interpolated difference, an average of differences) and its noise.</summary>
/// <param name="Value">The weighted sum of the means.</param>
/// <param name="Noise">Two standard errors of it from the seed spreads, plus the read-off errors it adds up.</param>
/// <param name="SpreadUnknown">A term is a one-seed mean: its spread is not known, and <paramref name="Noise"/> leaves it out.</param>
public sealed record Contrast(double Value, double Noise, bool SpreadUnknown);

/// <summary>What a claim says of a contrast d: that it lies above a threshold, below one, or within a margin of 0.</summary>
public enum ExpectationKind
{
    /// <summary>d &gt; threshold.</summary>
    Above,
    /// <summary>d &lt; threshold.</summary>
    Below,
    /// <summary>|d| &lt;= threshold (a margin): "about the same".</summary>
    Within,
}

/// <summary>The region a claim expects a contrast in.</summary>
/// <param name="Kind">Above, below or within.</param>
/// <param name="Threshold">The threshold (Above, Below) or the margin (Within, at least 0).</param>
public sealed record Expectation(ExpectationKind Kind, double Threshold)
{
    /// <summary>d &gt; <paramref name="threshold"/>.</summary>
    public static Expectation Above(double threshold) => new(ExpectationKind.Above, threshold);

    /// <summary>d &lt; <paramref name="threshold"/>.</summary>
    public static Expectation Below(double threshold) => new(ExpectationKind.Below, threshold);

    /// <summary>|d| &lt;= <paramref name="margin"/>.</summary>
    public static Expectation Within(double margin) => new(ExpectationKind.Within, margin);
}

/// <summary>A claim's verdict on one set of numbers.</summary>
public enum ClaimVerdict
{
    /// <summary>The contrast is in the claimed region by more than its noise.</summary>
    [Name("holds")]
    Holds,
    /// <summary>The contrast is outside the claimed region by more than its noise.</summary>
    [Name("does_not_hold", Label = "does not hold")]
    DoesNotHold,
    /// <summary>The contrast's noise reaches across the region's edge: the numbers do not tell.</summary>
    [Name("within_noise", Label = "within noise")]
    WithinNoise,
    /// <summary>A point the claim needs is missing, or the points there do not decide it.</summary>
    [Name("no_data", Label = "no data")]
    NoData,
}

/// <summary>
/// The one rule by which the library reads a difference of results against the noise of its seeds (and of reading
/// the paper's figures): a weighted sum of readings d = sum w_i m_i has noise
/// 2 sqrt(sum w_i^2 sd_i^2 / n_i) + sum |w_i| e_i (two standard errors of the seed means, plus the read-off errors e_i),
/// and a claim that d lies in a region holds when the whole interval d +- noise lies in it, does not hold when the
/// whole interval lies outside it, and is within noise otherwise. The few-values study's "helps / hurts / no measurable
/// difference" is this rule (<see cref="FewValues.Compare"/>) and so is every claim of <see cref="PaperComparison"/>.
/// A one-seed mean has no known spread: it adds no noise and the contrast says so (<see cref="Contrast.SpreadUnknown"/>).
/// </summary>
public static class SeedNoise
{
    /// <summary>The weighted sum of <paramref name="terms"/> and its noise.</summary>
    /// <exception cref="ArgumentException">No terms.</exception>
    public static Contrast Of(IReadOnlyList<(double Weight, Reading Reading)> terms)
    {
        if (terms.Count == 0) throw new ArgumentException("terms is empty; allowed: one or more readings.", nameof(terms));
        var value = terms.Sum(t => t.Weight * t.Reading.Mean);
        var noise = 2 * Math.Sqrt(terms.Sum(t => t.Weight * t.Weight * t.Reading.MeanVariance)) + terms.Sum(t => Math.Abs(t.Weight) * t.Reading.ReadError);
        return new Contrast(value, noise, terms.Any(t => t.Reading.SpreadUnknown));
    }

    /// <summary><paramref name="a"/> minus <paramref name="b"/> and its noise.</summary>
    public static Contrast Difference(Reading a, Reading b) => Of([(1, a), (-1, b)]);

    /// <summary>
    /// Whether <paramref name="contrast"/> lies in <paramref name="expected"/>'s region by more than its noise (holds), outside it
    /// by more than its noise (does not hold), or neither (within noise).
    /// </summary>
    public static ClaimVerdict Judge(Contrast contrast, Expectation expected)
    {
        var (d, e, t) = (contrast.Value, contrast.Noise, expected.Threshold);
        return expected.Kind switch
        {
            ExpectationKind.Above => d - e > t ? ClaimVerdict.Holds : d + e < t ? ClaimVerdict.DoesNotHold : ClaimVerdict.WithinNoise,
            ExpectationKind.Below => d + e < t ? ClaimVerdict.Holds : d - e > t ? ClaimVerdict.DoesNotHold : ClaimVerdict.WithinNoise,
            ExpectationKind.Within => Math.Abs(d) + e <= t ? ClaimVerdict.Holds : Math.Abs(d) - e > t ? ClaimVerdict.DoesNotHold : ClaimVerdict.WithinNoise,
            _ => throw ConfigError.Enum(nameof(expected), expected.Kind),
        };
    }
}
