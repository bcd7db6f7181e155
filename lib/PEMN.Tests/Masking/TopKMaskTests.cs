using PEMN.Masking;
using static TorchSharp.torch;

namespace PEMN.Tests.Masking;

public class TopKMaskTests
{
    // Expected counts worked by hand from the authors' GetSubnet: j = int((1 - k) * n) lowest scores are zeroed, n - j kept.
    [Theory]
    [InlineData(1L, 0.5, 1L)]      // j = int(0.5) = 0
    [InlineData(7L, 0.5, 4L)]      // j = int(3.5) = 3: odd sizes keep the larger half
    [InlineData(10L, 0.3, 3L)]     // j = int(7.0) = 7
    [InlineData(10L, 0.25, 3L)]    // j = int(7.5) = 7
    [InlineData(10L, 1.0, 10L)]    // j = 0
    [InlineData(3L, 0.01, 1L)]     // j = int(2.97) = 2: a tiny k still keeps one weight
    [InlineData(65536L, 0.5, 32768L)]
    public void KeptCountIsTheAuthorsCount(long n, double k, long kept) =>
        Assert.Equal(kept, TopKMask.KeptCount(n, k));

    [Fact]
    public void AKeepFractionSoSmallThatOneMinusItRoundsToOneStillKeepsOneWeight()
    {
        // Found by TopKMaskProperties (shrunk to a 1 x 1 linear layer): 1 - k == 1 in doubles, so n - floor((1 - k) n) was 0
        // and the mask kept nothing, although k is in (0, 1].
        const double k = 1.1441778670468376E-246;
        Assert.Equal(1.0, 1 - k);
        Assert.Equal(1L, TopKMask.KeptCount(1, k));
        Assert.Equal(1L, TopKMask.KeptCount(1000, Math.Pow(2, -54)));
        Assert.Equal(0L, TopKMask.KeptCount(0, k));
        var factory = new LayerFactory(LayerKind.Masked, new MaskingOptions(k), seed: 218130530451);
        using var layer = (MaskedLayer)factory.Linear("layer", 1, 1);
        using var mask = layer.Mask();
        Assert.Equal(1f, mask.sum().item<float>());
        using var weight = layer.EffectiveWeight();
        Assert.True(weight.Equals(layer.Weight));
    }

    [Fact]
    public void MaskKeepsExactlyTheTopOfAbsScoresForRandomShapesAndFractions()
    {
        var rng = new Random(7);
        for (var trial = 0; trial < 40; trial++)
        {
            using var scope = NewDisposeScope();
            long[] shape = [rng.Next(1, 9), rng.Next(1, 9), rng.Next(1, 4), rng.Next(1, 4)];
            var k = rng.NextDouble() * 0.98 + 0.01;
            var scores = randn(shape, generator: new TorchSharp.torch.Generator((ulong)trial));
            var mask = TopKMask.Compute(scores, k);
            var n = scores.numel();
            var expected = TopKMask.KeptCount(n, k);
            Assert.Equal(expected, mask.sum().item<float>());
            // Every kept |score| is >= every dropped |score|.
            var a = scores.abs();
            var keptMin = a.masked_fill(mask.eq(0), float.PositiveInfinity).min().item<float>();
            var droppedMax = a.masked_fill(mask.eq(1), float.NegativeInfinity).max().item<float>();
            Assert.True(keptMin >= droppedMax, $"trial {trial}: kept min {keptMin} < dropped max {droppedMax}");
            Assert.Equal(mask.data<float>().ToArray(), TopKMask.ComputeBySort(scores, k).data<float>().ToArray());
        }
    }

    [Fact]
    public void TiesAreBrokenByLowerIndexAndCountStaysExact()
    {
        using var scores = tensor(new float[] { 1, 2, 2, 2, 2, 0.5f });
        using var mask = TopKMask.Compute(scores, 0.5); // keep 3 of 6: the 4 twos tie for 2 places
        Assert.Equal(new float[] { 0, 1, 1, 1, 0, 0 }, mask.data<float>().ToArray());
        using var bySort = TopKMask.ComputeBySort(scores, 0.5);
        Assert.Equal(mask.data<float>().ToArray(), bySort.data<float>().ToArray());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void KeepFractionOutsideRangeIsRejectedWithItsValue(double k)
    {
        using var scores = randn(10);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => TopKMask.Compute(scores, k));
        Assert.Contains("(0, 1]", error.Message);
        Assert.Contains(k.ToString(), error.Message);
    }

    [Fact]
    public void ANonFiniteScoreMakesTheStraightThroughWeightNonFiniteSoTrainingStops()
    {
        // No host check in the mask (it would stall a GPU every layer and step): the surrogate |S| - stop_grad(|S|)
        // carries a NaN score into the effective weight, the loss turns NaN and the trainer names the step.
        using var layer = new MaskedLinear("fc", ones(2, 3), tensor(new float[,] { { 1, float.NaN, 3 }, { 4, 5, 6 } }), 0.5);
        using var weight = layer.EffectiveWeight();
        Assert.True(weight.isnan().any().item<bool>());
    }
}
