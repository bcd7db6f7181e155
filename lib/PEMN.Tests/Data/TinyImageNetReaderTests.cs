using PEMN.Data;

namespace PEMN.Tests.Data;

public class TinyImageNetReaderTests
{
    private const int Side = 8;
    // JPEG is lossy; flat colours at quality 100 come back within a couple of levels.
    private const int Tolerance = 3;

    private static byte[] Flat(byte r, byte g, byte b) =>
        [.. Enumerable.Repeat(r, Side * Side), .. Enumerable.Repeat(g, Side * Side), .. Enumerable.Repeat(b, Side * Side)];

    /// <summary>Two classes (written out of order in wnids.txt), two train images each, two val images.</summary>
    private static string WriteTiny(TempFolder temp)
    {
        var root = temp.Sub("tiny-imagenet", "tiny-imagenet-200");
        File.WriteAllLines(Path.Combine(root, "wnids.txt"), ["n02", "n01"]);
        File.WriteAllLines(Path.Combine(root, "words.txt"), ["n01\tgoldfish, Carassius auratus", "n02\ttabby, tabby cat"]);
        JpegDecoder.WriteJpeg(Path.Combine(temp.Sub(root, "train", "n01", "images"), "n01_0.JPEG"), Flat(200, 10, 10), Side, Side);
        JpegDecoder.WriteJpeg(Path.Combine(temp.Sub(root, "train", "n01", "images"), "n01_1.JPEG"), Flat(10, 200, 10), Side, Side);
        JpegDecoder.WriteJpeg(Path.Combine(temp.Sub(root, "train", "n02", "images"), "n02_0.JPEG"), Flat(10, 10, 200), Side, Side);
        JpegDecoder.WriteJpeg(Path.Combine(temp.Sub(root, "train", "n02", "images"), "n02_1.JPEG"), Flat(128, 128, 128), Side, Side);
        var val = temp.Sub(root, "val", "images");
        JpegDecoder.WriteJpeg(Path.Combine(val, "val_0.JPEG"), Flat(250, 250, 0), Side, Side);
        JpegDecoder.WriteJpeg(Path.Combine(val, "val_1.JPEG"), Flat(0, 250, 250), Side, Side);
        File.WriteAllLines(Path.Combine(root, "val", "val_annotations.txt"), ["val_0.JPEG\tn02\t0\t0\t7\t7", "val_1.JPEG\tn01\t1\t1\t6\t6"]);
        return root;
    }

    [Fact]
    public void JpegFoldersReadBackWithLabelsInSortedWnidOrder()
    {
        using var temp = new TempFolder();
        WriteTiny(temp);
        var splits = DataSets.Load(DataSetName.TinyImageNet, new DataLocator(temp.Path, null, null));
        Assert.Equal([0L, 0, 1, 1], splits.Train.Labels);
        Assert.Equal([1L, 0], splits.Test.Labels);
        Assert.Equal(["goldfish", "tabby"], splits.Train.ClassNames);
        Assert.Equal([3L, Side, Side], splits.Train.Shape);
        byte[][] expected = [Flat(200, 10, 10), Flat(10, 200, 10), Flat(10, 10, 200), Flat(128, 128, 128)];
        for (var i = 0; i < expected.Length; i++)
        {
            var actual = splits.Train.Images.AsSpan(i * expected[i].Length, expected[i].Length).ToArray();
            var worst = actual.Zip(expected[i], (a, e) => Math.Abs(a - e)).Max();
            Assert.True(worst <= Tolerance, $"image {i}: largest pixel error {worst} > {Tolerance}");
        }
    }

    [Fact]
    public void MissingClassFolderIsAnErrorNamingIt()
    {
        using var temp = new TempFolder();
        var root = WriteTiny(temp);
        Directory.Delete(Path.Combine(root, "train", "n02"), recursive: true);
        var error = Assert.Throws<DataSetException>(() => TinyImageNetReader.LoadTrain(root));
        Assert.Contains(Path.Combine(root, "train", "n02", "images"), error.Message);
    }

    [Fact]
    public void UnknownValClassIsAnError()
    {
        using var temp = new TempFolder();
        var root = WriteTiny(temp);
        File.AppendAllLines(Path.Combine(root, "val", "val_annotations.txt"), ["val_1.JPEG\tn99\t0\t0\t1\t1"]);
        var error = Assert.Throws<DataSetException>(() => TinyImageNetReader.LoadVal(root));
        Assert.Contains("n99", error.Message);
        Assert.Contains("val_annotations.txt:3", error.Message);
    }

    [Fact]
    public void CorruptJpegIsAnError()
    {
        using var temp = new TempFolder();
        var root = WriteTiny(temp);
        var bad = Path.Combine(root, "train", "n01", "images", "n01_1.JPEG");
        File.WriteAllBytes(bad, [1, 2, 3, 4]);
        var error = Assert.Throws<DataSetException>(() => TinyImageNetReader.LoadTrain(root));
        Assert.Contains(bad, error.Message);
    }
}
