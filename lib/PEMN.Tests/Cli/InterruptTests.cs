using System.Diagnostics;
using PEMN.Cli;
using PEMN.Configuration;
using PEMN.Runs;
using PEMN.Training;

namespace PEMN.Tests.Cli;

/// <summary>
/// Ctrl+C (SIGINT) and kill / a scheduler's scancel or time limit (SIGTERM) stop a training process cleanly: at a step
/// boundary, with the resume message and exit 130, the last finished epoch checkpointed and nothing half-written left.
/// </summary>
public class InterruptTests : IDisposable
{
    // Far more epochs than the test waits for: the signal always arrives mid-run.
    private const int Epochs = 500;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly string folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "pemn-signal-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public void ASignalStopsAtAStepBoundaryWithTheResumeMessage(string signal)
    {
        var outDir = Path.Combine(folder, signal);
        using var process = PemnProcess.Start(folder, "train", "--preset", "smoke", "--epochs", $"{Epochs}", "--out", outDir);
        var config = ExperimentPresets.Smoke with { Training = ExperimentPresets.Smoke.Training with { Epochs = Epochs } };
        var history = Path.Combine(RunsLocation.At(outDir).Run(config).Path, ExperimentRunner.HistoryFile);
        var clock = Stopwatch.StartNew();
        // Once an epoch is recorded the run is well inside its training loop.
        while (!File.Exists(history) && !process.HasExited && clock.Elapsed < Timeout) Thread.Sleep(50);
        Assert.False(process.HasExited, "the run ended before the signal");
        process.Signal(signal);
        var (code, _, error) = process.Wait(Timeout);

        Assert.True(code == ExitCodes.Interrupted, $"exit {code}\n{error}");
        Assert.Contains($"SIG{signal}: stopping at the next step boundary", error);
        Assert.Contains("interrupted: finished epochs are checkpointed; the same command resumes", error);
        Assert.DoesNotContain("   at ", error);
        Assert.Equal(RunStatus.Partial, ExperimentRunner.StatusOf(outDir, config));
        // The checkpoint and the history agree, and no temporary or stale per-epoch file is left.
        var checkpoint = Path.Combine(RunsLocation.At(outDir).Run(config).Path, ExperimentRunner.CheckpointFolder);
        var state = Checkpoint.TryReadState(checkpoint)!;
        Assert.Equal(state.Epoch, System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(history))!.AsArray().Count);
        Assert.Equal(new[] { Checkpoint.StateFile, state.ModelFile, state.OptimizerFile }.Order(StringComparer.Ordinal), Directory.GetFiles(checkpoint).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp", SearchOption.AllDirectories));
    }
}
