using System.Formats.Tar;
using System.IO.Compression;
using PEMN.Data;

namespace PEMN.Tests.Data;

/// <summary>A temporary folder deleted when disposed.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pemn-data-" + Guid.NewGuid().ToString("N")));
    public string Path { get; }
    public string Sub(params string[] parts)
    {
        var path = System.IO.Path.Combine([Path, .. parts]);
        Directory.CreateDirectory(path);
        return path;
    }
    public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch (IOException) { } }
}

/// <summary>Skips a fact, with the reason, when a folder is absent.</summary>
public sealed class FactWhenFolderExistsAttribute : FactAttribute
{
    public FactWhenFolderExistsAttribute(string folder)
    {
        if (!Directory.Exists(folder)) Skip = $"{folder} is absent: install Debian's dataset-fashion-mnist to run this test.";
    }
}

/// <summary>Small data sets in the real file formats, with known content.</summary>
public static class DataFixtures
{
    /// <summary>Pixels that differ in every position and image: (i * 31 + p * 7) mod 256.</summary>
    public static byte[] Pixels(int count, int bytesPerImage, int salt = 0)
    {
        var pixels = new byte[count * bytesPerImage];
        for (var i = 0; i < count; i++)
            for (var p = 0; p < bytesPerImage; p++)
                pixels[i * bytesPerImage + p] = (byte)((i * 31 + p * 7 + salt) % 256);
        return pixels;
    }

    /// <summary>Labels cycling through the classes: i mod classes.</summary>
    public static byte[] Labels(int count, int classes) => Enumerable.Range(0, count).Select(i => (byte)(i % classes)).ToArray();

    /// <summary>Writes a Fashion-MNIST-layout folder (4 IDX files) of 28x28 images.</summary>
    public static void WriteIdxFolder(string folder, int train, int test, bool gzip, int side = 28)
    {
        var suffix = gzip ? ".gz" : "";
        IdxReader.WriteImages(Path.Combine(folder, "train-images-idx3-ubyte" + suffix), Pixels(train, side * side), train, side, side, gzip);
        IdxReader.WriteLabels(Path.Combine(folder, "train-labels-idx1-ubyte" + suffix), Labels(train, 10), gzip);
        IdxReader.WriteImages(Path.Combine(folder, "t10k-images-idx3-ubyte" + suffix), Pixels(test, side * side, 1), test, side, side, gzip);
        IdxReader.WriteLabels(Path.Combine(folder, "t10k-labels-idx1-ubyte" + suffix), Labels(test, 10), gzip);
    }

    /// <summary>The files of the CIFAR-10 binary archive, each with <paramref name="perFile"/> records.</summary>
    public static Dictionary<string, byte[]> Cifar10Files(int perFile)
    {
        var files = new Dictionary<string, byte[]>();
        string[] names = [.. Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin"), "test_batch.bin"];
        for (var f = 0; f < names.Length; f++)
        {
            var images = Pixels(perFile, CifarReader.ImageBytes, f);
            var labels = Labels(perFile, 10);
            var record = new List<byte>();
            for (var i = 0; i < perFile; i++)
            {
                record.Add(labels[i]);
                record.AddRange(images.AsSpan(i * CifarReader.ImageBytes, CifarReader.ImageBytes).ToArray());
            }
            files["cifar-10-batches-bin/" + names[f]] = record.ToArray();
        }
        return files;
    }

    /// <summary>A .tar.gz holding <paramref name="files"/>.</summary>
    public static byte[] TarGz(Dictionary<string, byte[]> files)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip))
        {
            foreach (var (name, content) in files)
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) });
        }
        return output.ToArray();
    }

    /// <summary>A downloader that serves fixed bytes per URL and records what was asked.</summary>
    public sealed class FakeDownloader(Dictionary<Uri, byte[]> content, bool reachable = true) : IDownloader
    {
        public List<Uri> Requests { get; } = [];
        public bool IsReachable(Uri url) => reachable;
        public void Download(Uri url, string destination)
        {
            Requests.Add(url);
            File.WriteAllBytes(destination, content[url]);
        }
    }
}
