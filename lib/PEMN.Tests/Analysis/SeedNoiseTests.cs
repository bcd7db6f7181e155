using PEMN.Analysis;

namespace PEMN.Tests.Analysis;

public class SeedNoiseTests
{
    [Fact]
    public void ADifferenceOfMeansHasTwoStandardErrorsOfNoise()
    {
        var a = new Reading(0.80, 0.01, 4);
        var b = new Reading(0.78, 0.02, 4);
        var d = SeedNoise.Difference(a, b);
        Assert.Equal(0.02, d.Value, 12);
        Assert.Equal(2 * Math.Sqrt(0.01 * 0.01 / 4 + 0.02 * 0.02 / 4), d.Noise, 12);   // 2.24 points: more than the difference
        Assert.Equal(ClaimVerdict.WithinNoise, SeedNoise.Judge(d, Expectation.Above(0)));
        // Four times the seeds halve the noise: the same difference is then measured.
        var many = SeedNoise.Difference(a with { N = 16 }, b with { N = 16 });
        Assert.Equal(ClaimVerdict.Holds, SeedNoise.Judge(many, Expectation.Above(0)));
        Assert.Equal(ClaimVerdict.DoesNotHold, SeedNoise.Judge(many, Expectation.Below(0)));
        Assert.False(many.SpreadUnknown);
    }

    [Fact]
    public void ReportedValuesAddTheirReadOffErrors()
    {
        var d = SeedNoise.Difference(Reading.Reported(0.8943, 0.0005), Reading.Reported(0.9401, 0.0005));
        Assert.Equal(0.001, d.Noise, 12);
        Assert.False(d.SpreadUnknown);                                   // a reported value's error is known
        Assert.Equal(ClaimVerdict.Holds, SeedNoise.Judge(d, Expectation.Below(0)));
        // Half a read-off error apart: the figures cannot tell them apart.
        var close = SeedNoise.Difference(Reading.Reported(0.8900, 0.0005), Reading.Reported(0.8905, 0.0005));
        Assert.Equal(ClaimVerdict.WithinNoise, SeedNoise.Judge(close, Expectation.Below(0)));
    }

    [Theory]
    [InlineData(0.005, 0.004, ClaimVerdict.Holds)]          // |d| + noise = 0.009 <= 0.01
    [InlineData(-0.008, 0.004, ClaimVerdict.WithinNoise)]   // 0.012 > 0.01 but 0.004 <= 0.01
    [InlineData(0.02, 0.004, ClaimVerdict.DoesNotHold)]     // 0.016 > 0.01
    public void WithinAMarginHoldsOnlyWhenTheWholeIntervalIsInside(double value, double noise, ClaimVerdict verdict) =>
        Assert.Equal(verdict, SeedNoise.Judge(new Contrast(value, noise, false), Expectation.Within(0.01)));

    [Theory]
    [InlineData(-0.03, 0.01, ClaimVerdict.Holds)]
    [InlineData(-0.015, 0.01, ClaimVerdict.WithinNoise)]
    [InlineData(-0.005, 0.001, ClaimVerdict.DoesNotHold)]
    public void AClearDropIsBelowMinusTheMarginByMoreThanTheNoise(double value, double noise, ClaimVerdict verdict) =>
        Assert.Equal(verdict, SeedNoise.Judge(new Contrast(value, noise, false), Expectation.Below(-0.01)));

    [Fact]
    public void AOneSeedMeanHasNoSdAndItsSpreadIsUnknownNotZero()
    {
        var one = Reading.OverSeeds([0.81]);
        Assert.Equal((0.81, (double?)null, 1), (one.Mean, one.Sd, one.N));
        Assert.True(one.SpreadUnknown);
        Assert.Null(Reading.Summary(0.81, 0, 1).Sd);                       // a summary's "0 with one seed" is no sd
        Assert.Equal(0.02, Reading.Summary(0.81, 0.02, 3).Sd);
        var d = SeedNoise.Difference(one, Reading.OverSeeds([0.80, 0.82, 0.84]));
        Assert.True(d.SpreadUnknown);
        Assert.Equal(2 * 0.02 / Math.Sqrt(3), d.Noise, 12);                // only the three-seed side's spread
        Assert.Throws<ArgumentException>(() => Reading.OverSeeds([]));
    }
}
