using PEMN.Runtime;

namespace PEMN.Training;

/// <summary>
/// Learning rate per optimiser step. Step i (0-based) of epoch e (0-based) is evaluated at the fractional
/// epoch t = e + (i + 1) / steps, as the authors' code does, so the last step of the run sits at t = E.
/// </summary>
public static class LearningRateSchedule
{
    /// <summary>The authors' peak position: lr_max is reached at 2/5 of the epochs.</summary>
    public const double PeakFraction = 2.0 / 5.0;
    /// <summary>The authors' knee position: lr_max / 20 at 4/5 of the epochs.</summary>
    public const double KneeFraction = 4.0 / 5.0;
    /// <summary>The authors' knee value divisor: lr_max / 20.</summary>
    public const double KneeDivisor = 20.0;

    /// <summary>The fractional epoch of step <paramref name="step"/> of epoch <paramref name="epoch"/>.</summary>
    public static double FractionalEpoch(int epoch, int step, int stepsPerEpoch) =>
        epoch + (step + 1) / (double)stepsPerEpoch;

    /// <summary>The learning rate for a step.</summary>
    public static double At(ScheduleKind kind, double lrMax, int epochs, int epoch, int step, int stepsPerEpoch) =>
        AtEpoch(kind, lrMax, epochs, FractionalEpoch(epoch, step, stepsPerEpoch));

    /// <summary>The learning rate at fractional epoch <paramref name="t"/> of a run of <paramref name="epochs"/>.</summary>
    public static double AtEpoch(ScheduleKind kind, double lrMax, int epochs, double t) => kind switch
    {
        ScheduleKind.Piecewise => Interp(t, PiecewiseBreakpoints(epochs), [0, lrMax, lrMax / KneeDivisor, 0]),
        ScheduleKind.Cosine => t >= epochs ? 0 : lrMax * 0.5 * (1 + Math.Cos(Math.PI * Math.Max(t, 0) / epochs)),
        _ => throw ConfigError.Enum(nameof(kind), kind),
    };

    /// <summary>[0, floor(2E/5), floor(4E/5), E], as np.interp's x-points in the authors' code.</summary>
    public static double[] PiecewiseBreakpoints(int epochs) =>
        [0, Math.Floor(epochs * PeakFraction), Math.Floor(epochs * KneeFraction), epochs];

    /// <summary>numpy.interp for one point: clamps outside [xp[0], xp[^1]]; with repeated x-points the last one wins.</summary>
    public static double Interp(double x, double[] xp, double[] fp)
    {
        if (x <= xp[0]) return fp[0];
        if (x >= xp[^1]) return fp[^1];
        var j = 0;
        while (j + 1 < xp.Length && xp[j + 1] <= x) j++;
        return fp[j] + (fp[j + 1] - fp[j]) * (x - xp[j]) / (xp[j + 1] - xp[j]);
    }
}
