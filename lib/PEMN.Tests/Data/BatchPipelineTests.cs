using PEMN.Data;
using static TorchSharp.torch;

namespace PEMN.Tests.Data;

public class BatchPipelineTests
{
    private static ImageDataSet Data(int count = 50) =>
        new("toy", DataFixtures.Pixels(count, 64), DataFixtures.Labels(count, 10).Select(b => (long)b).ToArray(), 1, 8, 8,
            DataSetCatalog.MnistClasses);

    private static BatchPipeline Pipeline(bool prefetch, long seed = 3, int batch = 16) =>
        new(Data(), DataSetCatalog.Get(DataSetName.Mnist).Normalization!,
            new BatchPipelineConfig(batch, Seed: seed, Augmentation: AugmentationConfig.CropFlip(8, 2), Prefetch: prefetch), CPU);

    private static List<(float[] X, long[] Y)> Collect(BatchPipeline pipeline, int epoch)
    {
        var result = new List<(float[], long[])>();
        foreach (var (x, y) in pipeline.Epoch(epoch))
            using (x) using (y) result.Add((x.data<float>().ToArray(), y.data<long>().ToArray()));
        return result;
    }

    [Fact]
    public void SameSeedGivesTheSameBatchesWithOrWithoutPrefetch()
    {
        using var a = Pipeline(prefetch: true);
        using var b = Pipeline(prefetch: false);
        var first = Collect(a, 2);
        var second = Collect(b, 2);
        Assert.Equal(4, first.Count);
        for (var i = 0; i < first.Count; i++)
        {
            Assert.Equal(first[i].X, second[i].X);
            Assert.Equal(first[i].Y, second[i].Y);
        }
    }

    [Fact]
    public void EpochsAndSeedsChangeTheOrder()
    {
        using var a = Pipeline(prefetch: false);
        using var b = Pipeline(prefetch: false, seed: 4);
        Assert.NotEqual(a.Order(0), a.Order(1));
        Assert.NotEqual(a.Order(0), b.Order(0));
        Assert.Equal(a.Order(1), a.Order(1));
    }

    [Fact]
    public void EveryImageAppearsOncePerEpochInShapeOnTheDevice()
    {
        using var pipeline = Pipeline(prefetch: true);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), pipeline.Order(0).Order());
        var batches = Collect(pipeline, 0);
        Assert.Equal([16, 16, 16, 2], batches.Select(b => b.Y.Length));
        var labels = batches.SelectMany(b => b.Y).Order().ToArray();
        Assert.Equal(Data().Labels.Order().ToArray(), labels);
        Assert.All(batches, b => Assert.Equal(b.Y.Length * 64, b.X.Length));
    }

    [Fact]
    public void EvaluationBatchesAreInFileOrderAndNormalisedOnly()
    {
        var data = Data();
        var norm = DataSetCatalog.Get(DataSetName.Mnist).Normalization!;
        using var pipeline = new BatchPipeline(data, norm, BatchPipelineConfig.Evaluation(50), CPU);
        var (x, y) = Collect(pipeline, 0).Single();
        Assert.Equal(data.Labels, y);
        var expected = data.Images.Select(p => (float)((p / 255.0 - norm.Mean[0]) / norm.Std[0])).ToArray();
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], x[i], 1e-5f);
    }

    [Fact]
    public void BatchesJoinTheCallersDisposeScopeAndEarlyStopFreesThePrefetchedOne()
    {
        using var pipeline = Pipeline(prefetch: true);
        Tensor kept;
        using (NewDisposeScope())
        {
            using var batches = pipeline.Epoch(0).GetEnumerator();
            Assert.True(batches.MoveNext());
            kept = batches.Current.Images;
            Assert.False(kept.IsInvalid);
        }
        Assert.True(kept.IsInvalid, "the batch outlived the caller's dispose scope");
    }

    [Fact]
    public void DropLastAndChannelMismatchAreChecked()
    {
        using var pipeline = new BatchPipeline(Data(), DataSetCatalog.Get(DataSetName.Mnist).Normalization!, new BatchPipelineConfig(16, DropLast: true), CPU);
        Assert.Equal(3, pipeline.BatchesPerEpoch);
        Assert.Throws<ArgumentException>(() => new BatchPipeline(Data(), DataSetCatalog.Get(DataSetName.Cifar10).Normalization!, new BatchPipelineConfig(), CPU));
        Assert.Equal("BatchSize", Assert.Throws<ArgumentOutOfRangeException>(() => new BatchPipelineConfig(0).Validate()).ParamName);
    }
}
