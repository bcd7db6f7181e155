using PEMN.Masking;
using PEMN.Strategies;
using static TorchSharp.torch;

namespace PEMN.Storage;

/// <summary>
/// Measures how many random values a strategy makes a model store, from the tensors, free of chance.
/// </summary>
/// <remarks>
/// Counting distinct floats in the real weights undercounts: float32 Gaussian draws collide (a ConvMixer-256/6
/// with its own values in every layer holds about 0.3 % repeated floats), yet a file must still store every
/// drawn value, because positions matter. So the probe gives every frozen weight of the model a distinct
/// identifier (a distinct normal float32 bit pattern), runs the strategy again on that (with the same seed,
/// without rescaling, which only multiplies a layer by a factor fixed by the shapes), counts the distinct
/// identifiers the masked layers then hold, and puts the real weights back. Identifiers are positive and counted up to
/// sign: a strategy that places a stored value negated (<see cref="StrategyConfig.SignSymmetric"/>) stores it once.
/// </remarks>
public static class StoredValueProbe
{
    /// <summary>Bit pattern of the smallest normal float32: identifiers start here, so none is denormal, zero or negative.</summary>
    private const uint FirstId = 0x0080_0000;

    /// <summary>The float32 sign bit: cleared before counting, so an identifier and its negation are one stored value.</summary>
    private const uint SignBit = 0x8000_0000;

    /// <summary>Bit pattern of the largest finite float32: the last identifier.</summary>
    private const uint LastId = 0x7F7F_FFFF;

    /// <summary>
    /// The number of distinct random values the model's masked layers hold under <paramref name="result"/>'s
    /// strategy. The model's weights are unchanged afterwards. 0 for <see cref="StrategyName.Dense"/>.
    /// </summary>
    public static long Count(nn.Module model, StrategyResult result)
    {
        if (result.Config.Name == StrategyName.Dense) return 0;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var masked = WeightLayers.Masked(model);
        // Identifiers are float32 bit patterns: a cast to another dtype would merge or alter them.
        var other = masked.FirstOrDefault(l => l.Weight.dtype != ScalarType.Float32);
        if (other is not null)
            throw new InvalidOperationException(
                $"The probe needs float32 frozen weights; layer '{other.Path}' holds {other.Weight.dtype}. Measure before converting the model.");
        var saved = masked.Select(l => l.Weight.detach().clone()).ToList();
        try
        {
            var next = FirstId;
            foreach (var layer in masked)
            {
                if (LastId - next < layer.Count)
                    throw new InvalidOperationException($"The model has more than {LastId - FirstId} frozen weights; the probe cannot label them all.");
                var ids = new float[layer.Count];
                for (var i = 0; i < ids.Length; i++) ids[i] = BitConverter.UInt32BitsToSingle(next++);
                layer.Masked!.SetWeight(tensor(ids));
            }
            ParameterEfficientStrategies.Apply(model, result.Config with { Rescale = false }, result.Seed, result.ShareLinear);
            var seen = new HashSet<uint>();
            foreach (var layer in masked)
                foreach (var id in layer.Weight.detach().cpu().flatten().data<float>())
                    seen.Add(BitConverter.SingleToUInt32Bits(id) & ~SignBit);
            return seen.Count;
        }
        finally
        {
            for (var i = 0; i < masked.Count; i++) masked[i].Masked!.SetWeight(saved[i]);
        }
    }
}
