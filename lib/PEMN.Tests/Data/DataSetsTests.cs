using PEMN.Data;
using PEMN.Runtime;

namespace PEMN.Tests.Data;

public class DataSetsTests
{
    [Fact]
    public void MissingDataSetNamesTheFolderAndTheExactFiles()
    {
        using var temp = new TempFolder();
        var error = Assert.Throws<DataSetException>(() => DataSets.Load(DataSetName.Cifar100, new DataLocator(temp.Path, null, null)));
        Assert.Contains(Path.Combine(temp.Path, "cifar100"), error.Message);
        Assert.Contains("cifar-100-binary/train.bin", error.Message);
        Assert.Contains("cifar-100-binary/test.bin", error.Message);
        Assert.Contains("cifar-100-binary.tar.gz", error.Message);
        Assert.Contains("downloads are off", error.Message);
    }

    [Fact]
    public void PartlyPresentFolderListsOnlyTheMissingFiles()
    {
        using var temp = new TempFolder();
        var folder = temp.Sub("fashion_mnist");
        DataFixtures.WriteIdxFolder(folder, 2, 2, gzip: true);
        File.Delete(Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"));
        var error = Assert.Throws<DataSetException>(() => DataSets.Load(DataSetName.FashionMnist, new DataLocator(temp.Path, null, null)));
        Assert.Contains("t10k-labels-idx1-ubyte.gz", error.Message);
        Assert.DoesNotContain("  train-images-idx3-ubyte.gz", error.Message);
    }

    [Fact]
    public void EnvironmentFolderOverridesTheRepository()
    {
        using var env = new TempFolder();
        using var repo = new TempFolder();
        DataFixtures.WriteIdxFolder(env.Sub("mnist"), 3, 2, gzip: false);
        var splits = DataSets.Load(DataSetName.Mnist, new DataLocator(null, env.Path, repo.Path));
        Assert.Equal(Path.Combine(env.Path, "mnist"), splits.Folder);
        Assert.Equal(3, splits.Train.Count);
    }

    [Fact]
    public void ExplicitFolderMayHoldTheFilesButASharedRootMayNot()
    {
        using var temp = new TempFolder();
        DataFixtures.WriteIdxFolder(temp.Path, 3, 2, gzip: false);
        Assert.Equal(3, DataSets.Load(DataSetName.Mnist, new DataLocator(temp.Path, null, null)).Train.Count);
        // The same files directly under PEMN_DATA could be MNIST or Fashion-MNIST: not taken.
        Assert.Throws<DataSetException>(() => DataSets.Load(DataSetName.Mnist, new DataLocator(null, temp.Path, null)));
    }

    [Fact]
    public void RepositoryRootIsFoundFromASubfolder()
    {
        using var temp = new TempFolder();
        File.WriteAllText(Path.Combine(temp.Path, Repository.MarkerFile), "");
        var deep = temp.Sub("a", "b");
        Assert.Equal(temp.Path, Repository.Above(deep));
        Assert.Equal(Path.Combine(temp.Path, "data", "cifar10"), new DataLocator(null, null, temp.Path).PrimaryFolder(DataSetName.Cifar10));
    }

    [Fact]
    public void DownloadIsVerifiedExtractedAndRead()
    {
        using var temp = new TempFolder();
        var archive = DataFixtures.TarGz(DataFixtures.Cifar10Files(2));
        var url = new Uri("https://example.invalid/cifar-10-binary.tar.gz");
        var spec = DataSetCatalog.Get(DataSetName.Cifar10) with
        {
            Sources = [new DownloadSource(url, "cifar-10-binary.tar.gz", Md5Of(archive), Archive: ArchiveKind.TarGz)],
        };
        var downloader = new DataFixtures.FakeDownloader(new() { [url] = archive });
        var splits = DataSets.Load(DataSetName.Cifar10, new DataLocator(temp.Path, null, null), downloader, spec);
        Assert.Equal([url], downloader.Requests);
        Assert.Equal(Path.Combine(temp.Path, "cifar10"), splits.Folder);
        Assert.Equal(10, splits.Train.Count);
        Assert.Equal(2, splits.Test.Count);
    }

    [Fact]
    public void PlainFileDownloadsAreKeptAsServedAndRead()
    {
        using var source = new TempFolder();
        using var target = new TempFolder();
        DataFixtures.WriteIdxFolder(source.Path, 5, 3, gzip: true);
        var official = DataSetCatalog.Get(DataSetName.FashionMnist);
        var content = new Dictionary<Uri, byte[]>();
        var sources = official.Sources.Select(s =>
        {
            var bytes = File.ReadAllBytes(Path.Combine(source.Path, s.FileName));
            content[s.Url] = bytes;
            return s with { Md5 = null, Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)) };
        }).ToArray();
        var downloader = new DataFixtures.FakeDownloader(content);
        var splits = DataSets.Load(DataSetName.FashionMnist, new DataLocator(target.Path, null, null), downloader, official with { Sources = sources });
        Assert.Equal(4, downloader.Requests.Count);
        Assert.Equal(5, splits.Train.Count);
        Assert.Equal(DataFixtures.Pixels(3, 784, 1), splits.Test.Images);
    }

    [Fact]
    public void ChecksumMismatchIsAnErrorAndLeavesNoFile()
    {
        using var temp = new TempFolder();
        var archive = DataFixtures.TarGz(DataFixtures.Cifar10Files(1));
        var url = new Uri("https://example.invalid/cifar-10-binary.tar.gz");
        var official = DataSetCatalog.Get(DataSetName.Cifar10);
        var spec = official with { Sources = [official.Sources[0] with { Url = url }] };
        var downloader = new DataFixtures.FakeDownloader(new() { [url] = archive });
        var error = Assert.Throws<DataSetException>(() =>
            DataSets.Load(DataSetName.Cifar10, new DataLocator(temp.Path, null, null), downloader, spec));
        Assert.Contains("c32a1d4ab5d03f1284b67883e8d87530", error.Message);
        Assert.Contains(Md5Of(archive), error.Message);
        Assert.Empty(Directory.GetFiles(Path.Combine(temp.Path, "cifar10")));
    }

    [Fact]
    public void UnreachableSourceGivesTheOfflineError()
    {
        using var temp = new TempFolder();
        var downloader = new DataFixtures.FakeDownloader([], reachable: false);
        var error = Assert.Throws<DataSetException>(() => DataSets.Load(DataSetName.Mnist, new DataLocator(temp.Path, null, null), downloader));
        Assert.Contains("not reachable", error.Message);
        Assert.Empty(downloader.Requests);
    }

    [Fact]
    public void CorruptFileInPlaceIsAnErrorNotAFallback()
    {
        using var temp = new TempFolder();
        var folder = temp.Sub("fashion-mnist");
        DataFixtures.WriteIdxFolder(folder, 2, 2, gzip: false);
        File.WriteAllBytes(Path.Combine(folder, "train-labels-idx1-ubyte"), [0, 0, 8, 3, 0, 0, 0, 2, 1, 1]);
        var error = Assert.Throws<DataSetException>(() => DataSets.Load(DataSetName.FashionMnist, new DataLocator(null, temp.Path, null)));
        Assert.Contains("train-labels-idx1-ubyte", error.Message);
        Assert.Contains("2049", error.Message);
    }

    [Fact]
    public void NamesParseAndRejectUnknown()
    {
        Assert.Equal(DataSetName.TinyImageNet, Names.Parse<DataSetName>("tiny-imagenet", "data.dataset"));
        Assert.Equal(DataSetName.FashionMnist, Names.Parse<DataSetName>("Fashion-MNIST", "data.dataset"));
        Assert.Equal("fashion_mnist", Names.Of(DataSetName.FashionMnist));
        var error = Assert.Throws<ArgumentException>(() => Names.Parse<DataSetName>("imagenet", "data.dataset"));
        Assert.Contains("data.dataset = 'imagenet'", error.Message);
        Assert.Contains("cifar100", error.Message);
    }

    private static string Md5Of(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(bytes));
}
