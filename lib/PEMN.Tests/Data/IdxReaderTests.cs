using PEMN.Data;

namespace PEMN.Tests.Data;

public class IdxReaderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WrittenFilesReadBackExactly(bool gzip)
    {
        using var temp = new TempFolder();
        DataFixtures.WriteIdxFolder(temp.Path, 30, 12, gzip);
        var splits = DataSets.Load(DataSetName.FashionMnist, new DataLocator(temp.Path, null, null));
        Assert.Equal(30, splits.Train.Count);
        Assert.Equal(12, splits.Test.Count);
        Assert.Equal([1L, 28, 28], splits.Train.Shape);
        Assert.Equal(DataFixtures.Pixels(30, 784), splits.Train.Images);
        Assert.Equal(DataFixtures.Pixels(12, 784, 1), splits.Test.Images);
        Assert.Equal(DataFixtures.Labels(30, 10).Select(b => (long)b), splits.Train.Labels);
        Assert.Equal("Ankle boot", splits.Train.ClassNames[9]);
    }

    [Fact]
    public void WrongMagicIsAnErrorNamingFileAndExpectedMagic()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "labels");
        IdxReader.WriteLabels(path, DataFixtures.Labels(20, 10), gzip: false);
        var error = Assert.Throws<DataSetException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("2051", error.Message);
        Assert.Contains("2049", error.Message);
    }

    [Fact]
    public void TruncatedImagesAreAnError()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "images");
        IdxReader.WriteImages(path, DataFixtures.Pixels(3, 16), 3, 4, 4, gzip: false);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^5]);
        var error = Assert.Throws<DataSetException>(() => IdxReader.ReadImages(path));
        Assert.Contains("truncated", error.Message);
        Assert.Contains($"expected {16 + 48} bytes", error.Message);
    }

    [Fact]
    public void TruncatedGzipIsAnError()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "images.gz");
        IdxReader.WriteImages(path, DataFixtures.Pixels(50, 784), 50, 28, 28, gzip: true);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var error = Assert.Throws<DataSetException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void MismatchedCountsAreAnError()
    {
        using var temp = new TempFolder();
        var images = Path.Combine(temp.Path, "i");
        var labels = Path.Combine(temp.Path, "l");
        IdxReader.WriteImages(images, DataFixtures.Pixels(4, 4), 4, 2, 2, gzip: false);
        IdxReader.WriteLabels(labels, [0, 1, 2], gzip: false);
        var error = Assert.Throws<DataSetException>(() => IdxReader.Load("x", images, labels, DataSetCatalog.MnistClasses));
        Assert.Contains("3 labels", error.Message);
        Assert.Contains("4 images", error.Message);
    }

    [Fact]
    public void LabelOutOfRangeIsAnError()
    {
        using var temp = new TempFolder();
        var images = Path.Combine(temp.Path, "i");
        var labels = Path.Combine(temp.Path, "l");
        IdxReader.WriteImages(images, DataFixtures.Pixels(2, 4), 2, 2, 2, gzip: false);
        IdxReader.WriteLabels(labels, [3, 10], gzip: false);
        var error = Assert.Throws<DataSetException>(() => IdxReader.Load("x", images, labels, DataSetCatalog.MnistClasses));
        Assert.Contains("label 10", error.Message);
        Assert.Contains(labels, error.Message);
    }

    [FactWhenFolderExists(DataLocator.DebianFashionMnist)]
    public void DebianFashionMnistLoadsAsTheFallback()
    {
        using var emptyRepo = new TempFolder();
        var splits = DataSets.Load(DataSetName.FashionMnist, new DataLocator(null, null, emptyRepo.Path));
        Assert.Equal(DataLocator.DebianFashionMnist, splits.Folder);
        Assert.Equal(60_000, splits.Train.Count);
        Assert.Equal(10_000, splits.Test.Count);
        Assert.Equal(10, splits.Train.Classes);
        Assert.Equal([1L, 28, 28], splits.Train.Shape);
        Assert.All(splits.Train.ClassCounts(), c => Assert.Equal(6_000, c));
    }
}
