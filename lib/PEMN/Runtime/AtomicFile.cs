using System.Runtime.InteropServices;

namespace PEMN.Runtime;

/// <summary>
/// Writes files so that a reader (or a process killed mid-write, or a machine that loses power) sees either the old
/// or the new content, never a mix: write a temporary file in the same folder, flush it to the disk (fsync), move it
/// over the target, then flush the folder so that the rename itself survives a crash.
/// </summary>
public static class AtomicFile
{
    /// <summary>How every temporary file of this class ends: "&lt;target&gt;.&lt;pid&gt;.&lt;guid&gt;.tmp".</summary>
    public const string TemporarySuffix = ".tmp";

    /// <summary>Writes <paramref name="text"/> (UTF-8) to <paramref name="path"/> atomically and durably.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, tmp => File.WriteAllText(tmp, text));

    /// <summary>Lets <paramref name="write"/> fill a temporary path, flushes it to the disk, then moves it onto <paramref name="path"/>.</summary>
    public static void Write(string path, Action<string> write)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var tmp = $"{full}.{Environment.ProcessId}.{Guid.NewGuid():N}{TemporarySuffix}";
        try
        {
            write(tmp);
            // Without this, a crash soon after the rename can leave the new name pointing at an empty file
            // (the rename reaches the disk before the data on ext4 with delayed allocation, XFS, NFS).
            FlushFile(tmp);
            File.Move(tmp, full, overwrite: true);
            FlushFolder(folder);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    /// <summary>
    /// Deletes the temporary files this class left in <paramref name="folder"/> for targets whose name starts with
    /// <paramref name="targetPrefix"/> (all when empty): a process killed between writing and renaming leaves one.
    /// Call only while no other process writes those targets (under their lock).
    /// </summary>
    /// <returns>How many were deleted.</returns>
    public static int DeleteTemporaries(string folder, string targetPrefix = "")
    {
        if (!Directory.Exists(folder)) return 0;
        var deleted = 0;
        foreach (var file in Directory.EnumerateFiles(folder, targetPrefix + "*" + TemporarySuffix))
        {
            File.Delete(file);
            deleted++;
        }
        return deleted;
    }

    /// <summary>fsync of a file's data and metadata.</summary>
    private static void FlushFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// fsync of a folder, which makes a rename inside it durable. .NET cannot open a folder as a stream, so this goes
    /// to libc; best effort (some file systems refuse fsync on folders, and Windows has no such call).
    /// </summary>
    private static void FlushFolder(string folder)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())) return;
        var fd = Native.open(folder, Native.ReadOnly);
        if (fd < 0) return;
        try
        {
            _ = Native.fsync(fd);
        }
        finally
        {
            _ = Native.close(fd);
        }
    }

    private static class Native
    {
        /// <summary>O_RDONLY, the same value on Linux and macOS.</summary>
        public const int ReadOnly = 0;

        [DllImport("libc", SetLastError = true)]
        public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", SetLastError = true)]
        public static extern int fsync(int fd);

        [DllImport("libc", SetLastError = true)]
        public static extern int close(int fd);
    }
}
