using PEMN.Data;

namespace PEMN.Tests.Data;

public class SubsetsTests
{
    /// <summary>Images whose first pixel is their index, labels following an uneven pattern.</summary>
    private static ImageDataSet Indexed(int count, Func<int, long> label, int classes = 3) =>
        new("indexed", Enumerable.Range(0, count).Select(i => (byte)i).ToArray(),
            Enumerable.Range(0, count).Select(label).ToArray(), 1, 1, 1,
            Enumerable.Range(0, classes).Select(c => c.ToString()).ToArray());

    [Fact]
    public void FirstKeepsFileOrder()
    {
        var data = Indexed(10, i => i % 3);
        var first = data.First(4);
        Assert.Equal([0, 1, 2, 3], first.Images);
        Assert.Equal([0L, 1, 2, 0], first.Labels);
    }

    [Fact]
    public void FirstPerClassTakesTheEarliestOfEachClassInFileOrder()
    {
        // labels: 0 0 1 2 0 1 1 2 2 0 ...
        long[] labels = [0, 0, 1, 2, 0, 1, 1, 2, 2, 0, 1, 2];
        var data = Indexed(labels.Length, i => labels[i]);
        var subset = data.FirstPerClass(2);
        Assert.Equal([0, 1, 2, 3, 5, 7], subset.Images);
        Assert.All(subset.ClassCounts(), c => Assert.Equal(2, c));
    }

    [Fact]
    public void StratifiedIsSeededBalancedAndVaries()
    {
        var data = Indexed(90, i => i % 3);
        var a = data.StratifiedPerClass(5, seed: 7);
        var b = data.StratifiedPerClass(5, seed: 7);
        var c = data.StratifiedPerClass(5, seed: 8);
        Assert.Equal(a.Images, b.Images);
        Assert.NotEqual(a.Images, c.Images);
        Assert.All(a.ClassCounts(), n => Assert.Equal(5, n));
        Assert.Equal(a.Images.Order(), a.Images);
        Assert.Equal(15, a.Images.Distinct().Count());
    }

    [Fact]
    public void AskingForMoreThanAClassHasIsAnError()
    {
        var data = Indexed(7, i => i < 5 ? 0 : i - 4);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => data.FirstPerClass(2));
        Assert.Contains("smallest class has 1", error.Message);
    }

    [Fact]
    public void ImageDataSetRejectsMismatchedCountsAndLabels()
    {
        Assert.Throws<DataSetException>(() => new ImageDataSet("x", new byte[5], [0, 1], 1, 1, 2, ["a", "b"]));
        var error = Assert.Throws<DataSetException>(() => new ImageDataSet("x", new byte[2], [0, 2], 1, 1, 1, ["a", "b"]));
        Assert.Contains("label 2", error.Message);
    }
}
