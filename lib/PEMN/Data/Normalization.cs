namespace PEMN.Data;

/// <summary>Per-channel mean and standard deviation of a data set's training pixels in [0, 1].</summary>
/// <param name="Mean">One mean per channel.</param>
/// <param name="Std">One standard deviation per channel.</param>
public sealed record Normalization(double[] Mean, double[] Std)
{
    /// <summary>The constants of <paramref name="name"/>, as commonly published for its training split.</summary>
    public static Normalization For(DataSetName name) => name switch
    {
        DataSetName.FashionMnist => new([0.2860], [0.3530]),
        DataSetName.Mnist => new([0.1307], [0.3081]),
        DataSetName.Cifar10 => new([0.4914, 0.4822, 0.4465], [0.2470, 0.2435, 0.2616]),
        DataSetName.Cifar100 => new([0.5071, 0.4865, 0.4409], [0.2673, 0.2564, 0.2762]),
        DataSetName.TinyImageNet => new([0.480, 0.448, 0.398], [0.277, 0.269, 0.282]),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, $"Unknown data set; allowed: {string.Join(", ", DataSetNames.All)}."),
    };

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
