using System.Diagnostics;
using System.Globalization;

namespace PEMN.Runtime;

/// <summary>
/// An exclusive advisory lock: a lock file held open with <see cref="FileShare.None"/>, which .NET implements with
/// flock(2) on Linux and macOS (share modes on Windows). The kernel releases it when the holder exits, however it exits
/// (a kill -9 or a crashed node leaves no stale lock to clean up by hand), and Linux NFS clients map flock to NFS
/// byte-range locks, so processes on different machines sharing a folder exclude each other too. The file stays after
/// release (deleting a lock file races with a process opening it); while held, it names its holder for people
/// (<c>cat</c> works; a .NET reader would itself be refused by the lock).
/// </summary>
public sealed class FileLock : IDisposable
{
    /// <summary>How often a waiting process retries (flock has no blocking form in .NET).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    // errno of "would block" from flock: EAGAIN on Linux, EWOULDBLOCK on macOS; .NET puts it in HResult.
    private const int WouldBlockLinux = 11, WouldBlockMacOS = 35;
    // ERROR_SHARING_VIOLATION as an HRESULT, on Windows.
    private const int SharingViolationWindows = unchecked((int)0x80070020);

    private readonly FileStream stream;

    private FileLock(string path, FileStream stream) => (Path, this.stream) = (path, stream);

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>Takes the lock at <paramref name="path"/> if no one holds it; null when another process (or handle) does.</summary>
    /// <exception cref="InvalidOperationException">File locking is switched off in this .NET process, so no lock would hold.</exception>
    /// <exception cref="IOException">The lock file cannot be created or opened (a folder is there, permissions).</exception>
    public static FileLock? TryAcquire(string path)
    {
        EnsureLockingWorks();
        var full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        FileStream stream;
        try
        {
            stream = new FileStream(full, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (IsHeldElsewhere(e))
        {
            return null;
        }
        try
        {
            stream.SetLength(0);
            stream.Write(System.Text.Encoding.UTF8.GetBytes(Holder()));
            stream.Flush();
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        return new FileLock(full, stream);
    }

    /// <summary>
    /// Takes the lock at <paramref name="path"/>, waiting while another process holds it; <paramref name="onWait"/> is
    /// called once when the wait begins (to tell the user).
    /// </summary>
    /// <exception cref="TimeoutException">Still held after <paramref name="timeout"/> (null: wait as long as it takes).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled while waiting.</exception>
    public static FileLock Acquire(string path, TimeSpan? timeout = null, CancellationToken cancellation = default, Action? onWait = null)
    {
        var clock = Stopwatch.StartNew();
        var told = false;
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            if (TryAcquire(path) is { } held) return held;
            if (!told)
            {
                onWait?.Invoke();
                told = true;
            }
            if (timeout is { } limit && clock.Elapsed >= limit)
                throw new TimeoutException($"'{path}' is still locked after {limit.TotalSeconds:0} s by the process it names (cat it); " +
                    "if that process is gone from every machine sharing this folder, the file system does not release its locks: delete the lock file.");
            cancellation.WaitHandle.WaitOne(PollInterval);
        }
    }

    /// <summary>Whether another process (or another open handle) holds the lock at <paramref name="path"/> right now. Creates nothing.</summary>
    public static bool IsHeld(string path)
    {
        if (!File.Exists(path)) return false;
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (IOException e) when (IsHeldElsewhere(e))
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            // A read-only folder (committed results, a colleague's runs): nobody can be writing there through us.
            return false;
        }
    }

    /// <summary>Releases the lock (the file stays).</summary>
    public void Dispose() => stream.Dispose();

    private static bool IsHeldElsewhere(IOException e) =>
        e.HResult is WouldBlockLinux or WouldBlockMacOS or SharingViolationWindows;

    private static string Holder() => string.Create(CultureInfo.InvariantCulture,
        $"pid {Environment.ProcessId} on {Environment.MachineName} since {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}\n");

    /// <summary>
    /// .NET skips flock when DOTNET_SYSTEM_IO_DISABLEFILELOCKING or the System.IO.DisableFileLocking switch is set; then
    /// every "lock" would succeed and two processes could write one run. Refuse rather than pretend.
    /// </summary>
    private static void EnsureLockingWorks()
    {
        var variable = Environment.GetEnvironmentVariable("DOTNET_SYSTEM_IO_DISABLEFILELOCKING");
        var disabled = (AppContext.TryGetSwitch("System.IO.DisableFileLocking", out var on) && on)
            || variable is "1" || string.Equals(variable, "true", StringComparison.OrdinalIgnoreCase);
        if (disabled)
            throw new InvalidOperationException("File locking is switched off in this process (DOTNET_SYSTEM_IO_DISABLEFILELOCKING or " +
                "System.IO.DisableFileLocking), so concurrent runs could write the same records; unset it.");
    }
}
