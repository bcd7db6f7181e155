namespace PEMN.Runtime;

/// <summary>Derives independent, reproducible seeds from a base seed and indices (SplitMix64).</summary>
public static class SeedMix
{
    /// <summary>A 64-bit seed for stream (<paramref name="index"/>, <paramref name="stream"/>) of <paramref name="seed"/>.</summary>
    public static ulong Derive(long seed, long index, long stream = 0)
    {
        var x = Mix((ulong)seed);
        x = Mix(x ^ (ulong)index);
        return Mix(x ^ ((ulong)stream * 0x9E3779B97F4A7C15UL));
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
