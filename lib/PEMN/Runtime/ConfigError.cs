namespace PEMN.Runtime;

/// <summary>Builds configuration errors that name the field, the bad value and the allowed range, in one wording.</summary>
public static class ConfigError
{
    /// <summary>Throws unless <paramref name="value"/> is finite and inside [low, high] (ends open when asked).</summary>
    public static void Range(string field, double value, double low, double high, bool lowOpen = false, bool highOpen = false)
    {
        var ok = double.IsFinite(value)
            && (lowOpen ? value > low : value >= low)
            && (highOpen ? value < high : value <= high);
        if (ok) return;
        var range = $"{(lowOpen || low == double.MinValue ? "(" : "[")}{Bound(low)}, {Bound(high)}{(highOpen || high == double.MaxValue ? ")" : "]")}";
        throw new ArgumentOutOfRangeException(field, value, $"{field} = {Bound(value)} is outside the allowed range {range}.");
    }

    private static string Bound(double x) =>
        x == double.MaxValue ? "inf" : x == double.MinValue ? "-inf" : x.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Throws unless <paramref name="value"/> &gt;= <paramref name="min"/>.</summary>
    public static void AtLeast(string field, long value, long min)
    {
        if (value < min) throw new ArgumentOutOfRangeException(field, value, $"{field} = {value} is outside the allowed range [{min}, inf).");
    }

    /// <summary>
    /// The message of <paramref name="error"/> without .NET's " (Parameter 'x')" and "Actual value was" tails,
    /// for people: the config errors already name the field and the value.
    /// </summary>
    public static string Describe(Exception error)
    {
        var message = error.Message;
        if (error is ArgumentException { ParamName: { } param })
        {
            var tail = $" (Parameter '{param}')";
            var cut = message.IndexOf(tail, StringComparison.Ordinal);
            if (cut >= 0) message = message[..cut];
        }
        if (error is ArgumentOutOfRangeException { ActualValue: { } actual }
            && Convert.ToString(actual, System.Globalization.CultureInfo.InvariantCulture) is { } shown
            && !message.Contains(shown, StringComparison.Ordinal))
            message += $" It is {shown}.";
        return message;
    }

    /// <summary>An error for an enum value outside its defined names.</summary>
    public static ArgumentOutOfRangeException Enum<T>(string field, T value) where T : struct, System.Enum =>
        new(field, value, $"{field} = {value} is not allowed; allowed: {Names.Allowed<T>()}.");
}
