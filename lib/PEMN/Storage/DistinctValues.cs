using PEMN.Masking;
using static TorchSharp.torch;

namespace PEMN.Storage;

/// <summary>
/// Counts the distinct floats a model's frozen weights hold, literally: distinct float32 bit patterns
/// (so 0 and -0 differ, as they would in a file). Chance collisions of random draws make it lower than the
/// number of stored values; <see cref="StoredValueProbe"/> counts those.
/// </summary>
public static class DistinctValues
{
    /// <summary>Distinct float32 bit patterns over the weights of <paramref name="layers"/>.</summary>
    public static long Count(IReadOnlyList<WeightLayer> layers)
    {
        var seen = new HashSet<uint>();
        foreach (var layer in layers)
        {
            using var scope = NewDisposeScope();
            foreach (var w in layer.Weight.detach().to(ScalarType.Float32).cpu().flatten().data<float>())
                seen.Add(BitConverter.SingleToUInt32Bits(w));
        }
        return seen.Count;
    }
}
