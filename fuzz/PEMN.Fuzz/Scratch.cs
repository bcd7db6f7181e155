namespace PEMN.Fuzz;

/// <summary>
/// A folder of this process for readers that take paths: each input is written to files here, read back by the reader,
/// and replaced by the next input. One per process (the pid in its name), so that parallel fuzzers and tests never share one.
/// </summary>
public static class Scratch
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"pemn-fuzz-{Environment.ProcessId}");
        Directory.CreateDirectory(path);
        return path;
    });

    /// <summary>A sub-folder emptied for the next input.</summary>
    public static string Folder(string name)
    {
        var path = System.IO.Path.Combine(Root.Value, name);
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Writes <paramref name="bytes"/> to a file of this process's folder and returns its path.</summary>
    public static string File(string name, ReadOnlySpan<byte> bytes)
    {
        var path = System.IO.Path.Combine(Root.Value, name);
        System.IO.File.WriteAllBytes(path, bytes.ToArray());
        return path;
    }
}
