using PEMN.Analysis;
using PEMN.Configuration;
using PEMN.Masking;
using PEMN.Models;
using PEMN.Plans;
using PEMN.Storage;
using PEMN.Strategies;

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
        Assert.Equal(1402, r.WeightBits);                        // 1216 + 186
        Assert.Equal(1 - 1402.0 / 2432, r.CompressionRatio, 12);
        Assert.Equal(1402 + 768, r.TotalBits);                   // 2170
        Assert.Equal(3200, r.DenseBits);
        Assert.Equal(1 - 2170.0 / 3200, r.CompressionWithOtherRatio, 12);

        // The paper's accounting: two 32-bit index entries per kept value, 38 * 64 = 2432 bits.
        var paper = SparseStorage.Report(model, 0.5, SparseIndexEncoding.PaperCsr);
        Assert.Equal(2432, paper.MaskBits);
        Assert.Equal(1 - (1216.0 + 2432) / 2432, paper.CompressionRatio, 12); // -0.5: the paper's sparse network at q = 0.5 costs 1.5x dense
    }

    [Fact]
    public void KeepFractionForACompressionTargetReachesItAndNoMore()
    {
        // Non-affine norm: no other parameters, so every target below 100 % is reachable.
        using var model = new ModelConfig(Dim: 32, Depth: 2, Kernel: 3, Classes: 10)
            .Build(new LayerFactory(LayerKind.Masked, new MaskingOptions(Norm: NormMode.NonAffine)));
        foreach (var target in new[] { 0.90, 0.96 })
        {
            foreach (var encoding in Enum.GetValues<SparseIndexEncoding>())
            {
                var q = SparseStorage.KeepForCompression(model, target, encoding);
                Assert.True(SparseStorage.Report(model, q, encoding).CompressionRatio >= target);
                // The largest such q: one resolution step more no longer reaches the target.
                Assert.True(SparseStorage.Report(model, q + SparseStorage.DefaultTolerance, encoding).CompressionRatio < target);
            }
        }
    }

    [Theory]
    [InlineData(StrategyName.SparseRandom, SparseIndexEncoding.NarrowCsr)]
    [InlineData(StrategyName.SparseMagnitude, SparseIndexEncoding.PaperCsr)]
    public void ABuiltSparseNetworkIsMeasuredWithTheSameAccountingAsTheHypotheticalOne(StrategyName name, SparseIndexEncoding encoding)
    {
        // The report of the network a sparse run trains (kept counts read off its masks) equals the report priced from q alone.
        var spec = new NetworkSpec(Tiny with { Dim = 8 }, new MaskingOptions(KeepFraction: 0.3), new StrategyConfig(name), Seed: 2);
        var measured = StorageMeasurement.Run(spec, sparseIndex: encoding);
        using var dense = PemnNetwork.Build(spec with { Strategy = new StrategyConfig(StrategyName.Dense) });
        var priced = SparseStorage.Report(dense.Model, 0.3, encoding);
        Assert.Equal(priced with { Scheme = "" }, measured with { Scheme = "" });
        Assert.Contains(PEMN.Runtime.Names.Of(encoding), measured.Scheme);   // the index encoding is stated
        Assert.StartsWith(PEMN.Runtime.Names.Label(name), measured.Scheme);
        Assert.True(measured.UniqueValues > 0 && measured.MaskBits > 0);
    }

    [Fact]
    public void TheQuickBaselinesReachEachPaperTargetAndALargerQWouldNot()
    {
        // The quick ConvMixer (Fig. 5 at quick scale): the network a baseline run trains at each target's q, measured as built.
        var quick = ExperimentPresets.Quick;
        foreach (var target in FigurePlans.CompressionTargets)
        {
            var q = CompressionComparison.KeepFor(quick, target, SparseStorage.BaselineEncoding);
            var run = quick with { Strategy = new StrategyConfig(StrategyName.SparseRandom), Masking = quick.Masking with { KeepFraction = q } };
            var reached = StorageMeasurement.Run(run.Network, sparseIndex: SparseStorage.BaselineEncoding).CompressionRatio;
            Assert.True(reached >= target, $"q = {q} gives {reached:P3} < {target:P0}");
            var larger = run with { Masking = run.Masking with { KeepFraction = q + SparseStorage.DefaultTolerance } };
            var missed = StorageMeasurement.Run(larger.Network, sparseIndex: SparseStorage.BaselineEncoding).CompressionRatio;
            Assert.True(missed < target, $"q + {SparseStorage.DefaultTolerance} still gives {missed:P4} >= {target:P0}");
            // Magnitude pruning after training has the same layers and q: its storage is the same (it needs no parent to price).
            var trained = run with { Strategy = new StrategyConfig(StrategyName.SparseMagnitudeTrained) };
            Assert.Equal(reached, StorageMeasurement.Run(trained.Network, sparseIndex: SparseStorage.BaselineEncoding).CompressionRatio);
        }
    }

    [Fact]
    public void MeasuringANetworkThatIsNotSparseOrNotPrunedIsRefused()
    {
        using var dense = Tiny.Build(new LayerFactory(LayerKind.Dense));
        Assert.Contains("not a sparse layer", Assert.Throws<ArgumentException>(() => SparseStorage.Measure(dense, "x")).Message);
        using var unpruned = Tiny.Build(new LayerFactory(LayerKind.Sparse, new MaskingOptions(0.5)));
        Assert.Contains("not pruned", Assert.Throws<ArgumentException>(() => SparseStorage.Measure(unpruned, "x")).Message);
    }

    [Fact]
    public void CompressionThatOneValuePerLayerExceedsIsRejected()
    {
        // Four layers of 16, 36, 16 and 8 weights: at the least one kept value each costs 4 * (32 + 64) = 384 of 2432 bits
        // with the paper's indices, so 90 % compression is out of reach for it.
        using var model = Tiny.Build(new LayerFactory(LayerKind.Dense));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => SparseStorage.KeepForCompression(model, 0.9, SparseIndexEncoding.PaperCsr));
        Assert.Contains("one value per layer", error.Message);
    }

    [Fact]
    public void KeepFractionOutsideRangeIsRejected()
    {
        using var model = Tiny.Build(new LayerFactory(LayerKind.Masked));
        Assert.Throws<ArgumentOutOfRangeException>(() => SparseStorage.Report(model, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SparseStorage.KeepForCompression(model, 1));
    }
}
