using PEMN.Runtime;

namespace PEMN.Tests.Runtime;

public class AtomicFileTests : IDisposable
{
    private readonly string folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "pemn-atomic-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void AWriteReplacesTheFileWholeAndLeavesNoTemporary()
    {
        var path = Path.Combine(folder, "new", "a.json");
        AtomicFile.WriteAllText(path, "one");
        AtomicFile.WriteAllText(path, "two");
        Assert.Equal("two", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void AFailedWriteKeepsTheOldContentAndLeavesNoTemporary()
    {
        var path = Path.Combine(folder, "a.json");
        AtomicFile.WriteAllText(path, "old");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, tmp =>
        {
            File.WriteAllText(tmp, "half");
            throw new InvalidOperationException("killed");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(folder));
    }

    [Fact]
    public void TemporariesOfOneTargetAreDeletedAndOthersKept()
    {
        var mine = Path.Combine(folder, "runs.csv.42.abc" + AtomicFile.TemporarySuffix);
        var other = Path.Combine(folder, "ladder.md.42.abc" + AtomicFile.TemporarySuffix);
        var data = Path.Combine(folder, "runs.csv");
        foreach (var f in new[] { mine, other, data }) File.WriteAllText(f, "x");
        Assert.Equal(1, AtomicFile.DeleteTemporaries(folder, "runs.csv."));
        Assert.Equal(new[] { data, other }.Order(StringComparer.Ordinal), Directory.GetFiles(folder).Order(StringComparer.Ordinal));
        Assert.Equal(1, AtomicFile.DeleteTemporaries(folder));
    }
}
