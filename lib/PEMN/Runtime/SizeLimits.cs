using System.Globalization;

namespace PEMN.Runtime;

/// <summary>
/// The one switch that raises every size limit of the library together: sizes read from a file, a config or a flag are
/// checked against limits before memory is taken (<c>PemnLimits</c> for <c>.pemn</c> files, <c>ModelConfig</c> and
/// <c>TrainingConfig</c> for what a config may build, <c>DataLimits</c> for data files, <c>SweepPlan.MaxRuns</c> for
/// grids). Each default is sized for the paper's models with a wide margin; an honest larger model or data set sets the
/// environment variable <see cref="ScaleVariable"/> to a whole factor (e.g. <c>PEMN_LIMIT_SCALE=16</c>), which multiplies
/// every default limit. API callers of the <c>.pemn</c> reader can also pass their own <c>PemnLimits</c>.
/// </summary>
public static class SizeLimits
{
    /// <summary>The environment variable holding the factor.</summary>
    public const string ScaleVariable = "PEMN_LIMIT_SCALE";

    /// <summary>The largest factor: 2^20 (a limit of 2^28 elements becomes 2^48, more than any machine holds).</summary>
    public const long MaxScale = 1L << 20;

    /// <summary>The factor in force: <see cref="ScaleVariable"/>, or 1 when it is unset or empty.</summary>
    /// <exception cref="FormatException">The variable is set to anything but a whole number from 1 to <see cref="MaxScale"/>.</exception>
    public static long Scale
    {
        get
        {
            // Read on every use (not cached): a limit is checked once per file or config, and tests set the variable.
            var text = Environment.GetEnvironmentVariable(ScaleVariable);
            if (string.IsNullOrWhiteSpace(text)) return 1;
            if (long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var scale) && scale is >= 1 and <= MaxScale)
                return scale;
            throw new FormatException($"{ScaleVariable} = '{text}' is not allowed; allowed: a whole number from 1 to {MaxScale} " +
                "that multiplies every size limit (unset: the defaults).");
        }
    }

    /// <summary><paramref name="limit"/> times <see cref="Scale"/>, saturating at <see cref="long.MaxValue"/>.</summary>
    public static long Scaled(long limit)
    {
        var scale = Scale;
        return limit > long.MaxValue / scale ? long.MaxValue : limit * scale;
    }

    /// <summary><paramref name="limit"/> times <see cref="Scale"/>, saturating at <see cref="int.MaxValue"/>.</summary>
    public static int Scaled(int limit) => (int)Math.Min(int.MaxValue, Scaled((long)limit));

    /// <summary>The advice every "limit exceeded" message ends with.</summary>
    public static string Advice => $"an honest larger size is allowed by setting {ScaleVariable} to a factor (now {Scale})";
}
