namespace PEMN.Runtime;

/// <summary>
/// An output path that cannot be written: checked before any compute, so that hours of training never end in
/// "permission denied". <see cref="Path"/> is the path as given (the command line maps it back to its flag).
/// </summary>
/// <param name="path">The output path.</param>
/// <param name="problem">What is wrong and what is allowed.</param>
/// <param name="inner">The underlying error, if any.</param>
public sealed class OutputPathException(string path, string problem, Exception? inner = null)
    : IOException($"'{path}': {problem}", inner)
{
    /// <summary>The output path at fault.</summary>
    public string Path { get; } = path;

    /// <summary>What is wrong and what is allowed, without the path.</summary>
    public string Problem { get; } = problem;
}

/// <summary>
/// Checks that output files and folders can be written, without changing anything that exists. Writes go through
/// <see cref="AtomicFile"/> (a new file renamed over the old one), which the folder's permission allows even over a
/// read-only file, so a file without any write permission bit is refused explicitly: its owner marked it read-only.
/// </summary>
public static class OutputPaths
{
    private const UnixFileMode AnyWrite = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>Throws unless <paramref name="path"/> is a file that can be (re)written: not a folder, not read-only, in a writable folder.</summary>
    /// <exception cref="OutputPathException">It cannot; the message says why and what is allowed.</exception>
    public static void CheckFile(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new OutputPathException(path, "is a folder; allowed: a file path (a new file, or a file this command wrote).");
        if (File.Exists(full))
        {
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(full) & AnyWrite) == 0)
                throw new OutputPathException(path, "is read-only (no write permission); allowed: a writable file, or a new path.");
            if (OperatingSystem.IsWindows() && File.GetAttributes(full).HasFlag(FileAttributes.ReadOnly))
                throw new OutputPathException(path, "is read-only; allowed: a writable file, or a new path.");
        }
        CheckFolder(System.IO.Path.GetDirectoryName(full)!, path);
    }

    /// <summary>Throws unless <paramref name="path"/> is a folder (existing or creatable) in which files can be created.</summary>
    /// <exception cref="OutputPathException">It cannot; the message says why and what is allowed.</exception>
    public static void CheckFolder(string path) => CheckFolder(System.IO.Path.GetFullPath(path), path);

    private static void CheckFolder(string full, string given)
    {
        if (File.Exists(full)) throw new OutputPathException(given, $"'{full}' is a file; allowed: a folder (existing or new).");
        // The nearest existing ancestor decides whether the folder can be made; nothing is created here.
        var existing = full;
        while (!Directory.Exists(existing))
        {
            var parent = System.IO.Path.GetDirectoryName(existing);
            if (parent is null) throw new OutputPathException(given, "has no existing parent folder.");
            if (File.Exists(parent)) throw new OutputPathException(given, $"'{parent}' is a file, so no folder can be made under it; allowed: a folder path.");
            existing = parent;
        }
        var where = existing == full ? "" : $"cannot be created: '{existing}' ";
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(existing) & AnyWrite) == 0)
            throw new OutputPathException(given, $"{where}is a read-only folder (no write permission); allowed: a writable folder.");
        // The real test (permissions of this user, read-only mounts, ACLs): create and delete a probe file.
        var probe = System.IO.Path.Combine(existing, $".pemn-write-probe.{Environment.ProcessId}.{Guid.NewGuid():N}{AtomicFile.TemporarySuffix}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputPathException(given, $"{where}is a folder in which no file can be created ({e.Message}); allowed: a writable folder.", e);
        }
    }
}
