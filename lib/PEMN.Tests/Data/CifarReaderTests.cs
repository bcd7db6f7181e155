using PEMN.Data;

namespace PEMN.Tests.Data;

public class CifarReaderTests
{
    [Fact]
    public void Cifar10FilesReadBackExactly()
    {
        using var temp = new TempFolder();
        var folder = temp.Sub("cifar10");
        foreach (var (name, content) in DataFixtures.Cifar10Files(4))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(folder, name))!);
            File.WriteAllBytes(Path.Combine(folder, name), content);
        }
        var splits = DataSets.Load(DataSetName.Cifar10, new DataLocator(temp.Path, null, null));
        Assert.Equal(20, splits.Train.Count);
        Assert.Equal(4, splits.Test.Count);
        Assert.Equal([3L, 32, 32], splits.Train.Shape);
        // Train = data_batch_1..5 concatenated in order; pixels keep their plane layout.
        var expected = Enumerable.Range(0, 5).SelectMany(f => DataFixtures.Pixels(4, CifarReader.ImageBytes, f)).ToArray();
        Assert.Equal(expected, splits.Train.Images);
        Assert.Equal(DataFixtures.Pixels(4, CifarReader.ImageBytes, 5), splits.Test.Images);
        Assert.Equal([0L, 1, 2, 3], splits.Test.Labels);
        Assert.Equal("truck", splits.Train.ClassNames[9]);
    }

    [Fact]
    public void Cifar100UsesTheFineLabel()
    {
        using var temp = new TempFolder();
        var folder = temp.Sub("cifar100", "cifar-100-binary");
        var images = DataFixtures.Pixels(3, CifarReader.ImageBytes);
        CifarReader.Write(Path.Combine(folder, "train.bin"), images, fine: [99, 0, 57], coarse: [19, 4, 7]);
        CifarReader.Write(Path.Combine(folder, "test.bin"), images[..CifarReader.ImageBytes], fine: [42], coarse: [3]);
        var splits = DataSets.Load(DataSetName.Cifar100, new DataLocator(temp.Path, null, null));
        Assert.Equal([99L, 0, 57], splits.Train.Labels);
        Assert.Equal([42L], splits.Test.Labels);
        Assert.Equal(images, splits.Train.Images);
        Assert.Equal(100, splits.Train.Classes);
        Assert.Equal("worm", splits.Train.ClassNames[99]);
    }

    [Fact]
    public void TruncatedRecordFileIsAnError()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "test_batch.bin");
        CifarReader.Write(path, DataFixtures.Pixels(2, CifarReader.ImageBytes), fine: [1, 2]);
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..^100]);
        var error = Assert.Throws<DataSetException>(() => CifarReader.Load("t", [path], 1, CifarReader.Cifar10Classes));
        Assert.Contains(path, error.Message);
        Assert.Contains("3073-byte records", error.Message);
    }

    [Fact]
    public void LabelOutOfRangeIsAnError()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "test_batch.bin");
        CifarReader.Write(path, DataFixtures.Pixels(2, CifarReader.ImageBytes), fine: [1, 10]);
        var error = Assert.Throws<DataSetException>(() => CifarReader.Load("t", [path], 1, CifarReader.Cifar10Classes));
        Assert.Contains("label 10 of record 1", error.Message);
        Assert.Contains("0..9", error.Message);
    }

    [Fact]
    public void BuiltInCifar100NamesAreOneHundredDistinct()
    {
        Assert.Equal(100, CifarReader.Cifar100Classes.Distinct().Count());
    }
}
