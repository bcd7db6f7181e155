using PEMN.Masking;
using PEMN.Models;
using PEMN.Storage;

namespace PEMN.Tests.Storage;

public class SparseStorageTests
{
    private static readonly ModelConfig Tiny = new(ModelName.ConvMixer, Dim: 4, Depth: 1, Kernel: 3, Patch: 2, InChannels: 1, ImageSize: 8, Classes: 2);

    [Theory]
    [InlineData(1L, 1)]
    [InlineData(2L, 1)]
    [InlineData(3L, 2)]
    [InlineData(4L, 2)]
    [InlineData(5L, 3)]
    [InlineData(256L, 8)]
    [InlineData(257L, 9)]
    public void IndexWidthHoldsEveryIndexBelowTheCount(long count, int bits) => Assert.Equal(bits, SparseStorage.BitsFor(count));

    [Fact]
    public void CsrCostOfTheTinyModelMatchesAHandCount()
    {
        using var model = Tiny.Build(new LayerFactory(LayerKind.Masked));
        var r = SparseStorage.Report(model, 0.5);
        // rows x cols, kept nnz = half: column bits nnz * ceil(log2 cols), row pointers (rows + 1) * ceil(log2(nnz + 1)).
        // stem 4x4, nnz 8: 8*2 + 5*4 = 36; depthwise 4x9, nnz 18: 18*4 + 5*5 = 97;
        // pointwise 4x4, nnz 8: 36; head 2x4, nnz 4: 4*2 + 3*3 = 17. Total 186.
        Assert.Equal(186, r.MaskBits);
        Assert.Equal(38, r.UniqueValues);
        Assert.Equal(38 * 32, r.PrototypeBits);
        Assert.Equal(24 * 32, r.OtherBits);                      // BN affine, trained as in PEMN
        Assert.Equal(1216 + 186 + 768, r.TotalBits);             // 2170
        Assert.Equal(3200, r.DenseBits);
        Assert.Equal(1 - 2170.0 / 3200, r.CompressionRatio, 12);
    }

    [Fact]
    public void KeepFractionForACompressionTargetReachesItAndNoMore()
    {
        // Non-affine norm: no other parameters, so every target below 100 % is reachable.
        using var model = new ModelConfig(Dim: 32, Depth: 2, Kernel: 3, Classes: 10)
            .Build(new LayerFactory(LayerKind.Masked, new MaskingOptions(Norm: NormMode.NonAffine)));
        foreach (var target in new[] { 0.90, 0.96 })
        {
            var q = SparseStorage.KeepForCompression(model, target);
            Assert.True(SparseStorage.Report(model, q).CompressionRatio >= target);
            Assert.True(SparseStorage.Report(model, q + 4 * SparseStorage.DefaultTolerance).CompressionRatio < target + 1e-3);
        }
    }

    [Fact]
    public void CompressionThatTheOtherParametersAloneExceedIsRejected()
    {
        // Dim 32, depth 2, affine BN: 320 BN parameters next to 3328 weights, about 9 % of dense: 96 % is out of reach.
        using var model = new ModelConfig(Dim: 32, Depth: 2, Kernel: 3, Classes: 10).Build(new LayerFactory(LayerKind.Masked));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => SparseStorage.KeepForCompression(model, 0.96));
        Assert.Contains("other parameters", error.Message);
    }

    [Fact]
    public void KeepFractionOutsideRangeIsRejected()
    {
        using var model = Tiny.Build(new LayerFactory(LayerKind.Masked));
        Assert.Throws<ArgumentOutOfRangeException>(() => SparseStorage.Report(model, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SparseStorage.KeepForCompression(model, 1));
    }
}
