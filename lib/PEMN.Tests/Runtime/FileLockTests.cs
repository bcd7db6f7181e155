using PEMN.Runtime;

namespace PEMN.Tests.Runtime;

public class FileLockTests : IDisposable
{
    private readonly string folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "pemn-lock-" + Guid.NewGuid().ToString("N"))).FullName;
    private string LockPath => Path.Combine(folder, "sub", "run.lock");

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void OneHolderAtATimeAndReleasedOnDispose()
    {
        Assert.False(FileLock.IsHeld(LockPath));
        using (var first = FileLock.TryAcquire(LockPath))
        {
            Assert.NotNull(first);
            // flock locks belong to an open file, so a second handle, even in this process, is refused.
            Assert.Null(FileLock.TryAcquire(LockPath));
            Assert.True(FileLock.IsHeld(LockPath));
        }
        Assert.False(FileLock.IsHeld(LockPath));
        using var again = FileLock.TryAcquire(LockPath);
        Assert.NotNull(again);
    }

    [Fact]
    public async Task AWaiterGetsTheLockWhenItIsReleasedAndGivesUpAfterItsTimeoutOrOnCancel()
    {
        var held = FileLock.TryAcquire(LockPath)!;
        var waited = 0;
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiter = Task.Run(() => FileLock.Acquire(LockPath, TimeSpan.FromSeconds(30), onWait: () => { waited++; waiting.TrySetResult(); }));
        // Released only once the waiter has found the lock held (on a loaded machine its thread may start late).
        await waiting.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await Task.Delay(FileLock.PollInterval);
        Assert.False(waiter.IsCompleted);
        held.Dispose();
        using (await waiter) Assert.Equal(1, waited);

        using var holder = FileLock.TryAcquire(LockPath)!;
        var timeout = Assert.Throws<TimeoutException>(() => FileLock.Acquire(LockPath, TimeSpan.FromMilliseconds(300)));
        Assert.Contains(LockPath, timeout.Message);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        Assert.ThrowsAny<OperationCanceledException>(() => FileLock.Acquire(LockPath, cancellation: cancel.Token));
    }

    [Fact]
    public void IsHeldCreatesNothing()
    {
        Assert.False(FileLock.IsHeld(LockPath));
        Assert.False(Directory.Exists(Path.GetDirectoryName(LockPath)));
    }
}
