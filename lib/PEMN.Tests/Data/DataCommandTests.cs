using System.Text.Json;
using PEMN.Cli;
using PEMN.Data;
using PEMN.Tests.Cli;

namespace PEMN.Tests.Data;

public class DataCommandTests
{
    [Fact]
    public void JsonReportsCountsClassesShapeAndPath()
    {
        using var temp = new TempFolder();
        DataFixtures.WriteIdxFolder(temp.Sub("fashion-mnist"), 7, 3, gzip: true);
        var (code, output, _) = PemnHarness.Run("data", "--dataset", "fashion-mnist", "--data-dir", temp.Path, "--json", "--offline");
        Assert.Equal(ExitCodes.Ok, code);
        using var report = JsonDocument.Parse(output);
        var root = report.RootElement;
        Assert.Equal(7, root.GetProperty("train").GetInt32());
        Assert.Equal(3, root.GetProperty("test").GetInt32());
        Assert.Equal(10, root.GetProperty("classes").GetInt32());
        Assert.Equal([1, 28, 28], root.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(Path.Combine(temp.Path, "fashion-mnist"), root.GetProperty("path").GetString());
    }

    [Fact]
    public void MissingFilesExitNonZeroWithTheTrainingError()
    {
        using var temp = new TempFolder();
        var (code, _, error) = PemnHarness.Run("data", "--dataset", "cifar10", "--data-dir", temp.Path, "--offline");
        Assert.Equal(ExitCodes.Data, code);
        var expected = Assert.Throws<DataSetException>(() => DataSets.Load(DataSetName.Cifar10, new DataLocator(temp.Path, null, null))).Message;
        Assert.Equal("error: " + expected, error.Trim());
    }

    [Fact]
    public void CorruptFileExitsNonZeroNamingIt()
    {
        using var temp = new TempFolder();
        var folder = temp.Sub("mnist");
        DataFixtures.WriteIdxFolder(folder, 4, 2, gzip: false);
        var images = Path.Combine(folder, "t10k-images-idx3-ubyte");
        File.WriteAllBytes(images, File.ReadAllBytes(images)[..^1]);
        var (code, _, error) = PemnHarness.Run("data", "--dataset", "mnist", "--data-dir", temp.Path, "--offline");
        Assert.Equal(ExitCodes.Data, code);
        Assert.Contains(images, error);
        Assert.Contains("truncated", error);
    }

    [Fact]
    public void UnknownNameListsTheAllowedOnesAndEitherSpellingWorks()
    {
        var (code, _, error) = PemnHarness.Run("data", "--dataset", "svhn", "--offline");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--dataset", error);
        Assert.Contains("tiny_imagenet", error);
        Assert.DoesNotContain("synthetic", error); // not a data set on disk
        Assert.DoesNotContain("   at ", error);   // no stack trace

        using var temp = new TempFolder();
        DataFixtures.WriteIdxFolder(temp.Sub("fashion_mnist"), 3, 2, gzip: false);
        foreach (var spelling in new[] { "fashion-mnist", "fashion_mnist", "Fashion-MNIST" })
            Assert.Equal(ExitCodes.Ok, PemnHarness.Run("data", "--dataset", spelling, "--data-dir", temp.Path, "--offline").Code);
    }
}
