namespace PEMN.Data;

/// <summary>Per-channel mean and standard deviation of a data set's training pixels in [0, 1].</summary>
/// <param name="Mean">One mean per channel.</param>
/// <param name="Std">One standard deviation per channel.</param>
public sealed record Normalization(double[] Mean, double[] Std)
{
    /// <summary>No change: mean 0, std 1 for every one of <paramref name="channels"/> channels.</summary>
    public static Normalization Identity(int channels) =>
        new(Enumerable.Repeat(0.0, channels).ToArray(), Enumerable.Repeat(1.0, channels).ToArray());

    /// <summary>Number of channels.</summary>
    public int Channels => Mean.Length;

    /// <summary>Throws unless mean and std have the same positive length and every std is positive.</summary>
    public Normalization Validate()
    {
        if (Mean.Length == 0 || Mean.Length != Std.Length)
            throw new ArgumentException($"Normalization needs one mean and one std per channel; got {Mean.Length} means and {Std.Length} stds.", nameof(Mean));
        if (Std.Any(s => !double.IsFinite(s) || s <= 0))
            throw new ArgumentOutOfRangeException(nameof(Std), $"Every std must be positive; got [{string.Join(", ", Std)}].");
        return this;
    }
}
