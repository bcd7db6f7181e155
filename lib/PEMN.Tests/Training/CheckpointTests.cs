using PEMN.Runtime;
using PEMN.Training;
using static TorchSharp.torch;

namespace PEMN.Tests.Training;

public class CheckpointTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "pemn-checkpoint-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    private static EpochRecord Epoch(int e) => new(e, 1, 0.5, 0.5, 0.01, 0.1, 100);

    [Fact]
    public void ASaveLeavesOnlyTheFilesItsIndexNames()
    {
        using var model = nn.Linear(3, 2);
        using var optimizer = optim.AdamW(model.parameters(), 0.01);
        Checkpoint.Save(folder, model, optimizer, 1, 1, [Epoch(1)]);
        // What a kill leaves: an earlier epoch's files not yet deleted and a temporary of a write cut short.
        File.WriteAllText(Path.Combine(folder, "model-e0.bin"), "stale");
        File.WriteAllText(Path.Combine(folder, "optimizer-e2.bin.123.abc" + AtomicFile.TemporarySuffix), "half");
        Checkpoint.Save(folder, model, optimizer, 2, 2, [Epoch(1), Epoch(2)]);
        Assert.Equal(["model-e2.bin", "optimizer-e2.bin", Checkpoint.StateFile], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(2, Checkpoint.TryReadState(folder)!.Epoch);
    }

    [Theory]
    [InlineData("", "state.json", "not a checkpoint index")]
    [InlineData("null", "state.json", "a checkpoint index needs")]
    [InlineData("""{ "epoch": 2, "seconds": 1, "history": [], "model_file": "m.bin", "optimizer_file": "o.bin", "rng_state": "AA==" }""", "state.json", "one record per epoch")]
    [InlineData("""{ "epoch": 1, "seconds": 1, "history": [{}], "model_file": "../m.bin", "optimizer_file": "o.bin", "rng_state": "AA==" }""", "state.json", "not a file name in its folder")]
    [InlineData("""{ "epoch": 1, "seconds": 1, "history": [{}], "model_file": "m.bin", "optimizer_file": "o.bin", "rng_state": "AA==" }""", "m.bin", "missing")]
    public void ADamagedIndexOrAMissingFileIsNamed(string index, string file, string problem)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, Checkpoint.StateFile), index);
        var e = Assert.Throws<CorruptFileException>(() => Checkpoint.TryReadState(folder));
        Assert.Equal(Path.Combine(folder, file), e.Path);
        Assert.Contains(problem, e.Message);
    }
}
