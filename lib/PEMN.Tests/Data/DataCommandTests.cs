using System.Text.Json;
using PEMN.Cli.Commands;
using PEMN.Data;

namespace PEMN.Tests.Data;

public class DataCommandTests
{
    [Fact]
    public void JsonReportsCountsClassesShapeAndPath()
    {
        using var temp = new TempFolder();
        DataFixtures.WriteIdxFolder(temp.Sub("fashion-mnist"), 7, 3, gzip: true);
        var output = new StringWriter();
        var code = DataCommand.Run("fashion-mnist", temp.Path, json: true, offline: true, output, new StringWriter());
        Assert.Equal(0, code);
        using var report = JsonDocument.Parse(output.ToString());
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
        var error = new StringWriter();
        var code = DataCommand.Run("cifar10", temp.Path, json: false, offline: true, new StringWriter(), error);
        Assert.Equal(DataCommand.DataErrorExitCode, code);
        var expected = Assert.Throws<DataSetException>(() => DataSets.Load(DataSetName.Cifar10, new DataLocator(temp.Path, null, null))).Message;
        Assert.Equal(expected, error.ToString().Trim());
    }

    [Fact]
    public void CorruptFileExitsNonZeroNamingIt()
    {
        using var temp = new TempFolder();
        var folder = temp.Sub("mnist");
        DataFixtures.WriteIdxFolder(folder, 4, 2, gzip: false);
        var images = Path.Combine(folder, "t10k-images-idx3-ubyte");
        File.WriteAllBytes(images, File.ReadAllBytes(images)[..^1]);
        var error = new StringWriter();
        Assert.Equal(DataCommand.DataErrorExitCode, DataCommand.Run("mnist", temp.Path, false, true, new StringWriter(), error));
        Assert.Contains(images, error.ToString());
        Assert.Contains("truncated", error.ToString());
    }

    [Fact]
    public void UnknownNameListsTheAllowedOnes()
    {
        var error = new StringWriter();
        Assert.Equal(DataCommand.DataErrorExitCode, DataCommand.Run("svhn", null, false, true, new StringWriter(), error));
        Assert.Contains("tiny-imagenet", error.ToString());
    }
}
