using System.Text.Json.Nodes;
using PEMN.Cli;
using PEMN.Cli.Commands;
using PEMN.Configuration;
using PEMN.Runs;
using PEMN.Training;

namespace PEMN.Tests.Cli;

/// <summary>
/// Damage each file of a run folder in turn (empty, garbage, cut in half) and run the same command again: the rerun either
/// resumes and ends with the metrics of an undamaged run, or stops with exit 4 naming the damaged file and the remedy
/// (--restart), which then trains the run to those same metrics. Never a stack trace, never a crash loop.
/// </summary>
public class CorruptRunTests(CorruptRunTests.Runs runs) : IClassFixture<CorruptRunTests.Runs>
{
    private const int Epochs = 2;
    private static readonly string[] Train = ["train", "--preset", "smoke", "--epochs", $"{Epochs}", "--json"];

    /// <summary>An undamaged complete run, and the same run interrupted after its first epoch, made once.</summary>
    public sealed class Runs : IDisposable
    {
        /// <summary>The test folder.</summary>
        public string Folder { get; } = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "pemn-corrupt-" + Guid.NewGuid().ToString("N"))).FullName;
        /// <summary>Output folder of the complete run.</summary>
        public string Complete => Path.Combine(Folder, "complete");
        /// <summary>Output folder of the interrupted run.</summary>
        public string Partial => Path.Combine(Folder, "partial");
        /// <summary>The complete run's metrics.</summary>
        public RunMetrics Reference { get; }
        /// <summary>The run id.</summary>
        public string RunId { get; }

        public Runs()
        {
            var (code, stdout, error) = PemnHarness.Run([.. Train, "--out", Complete]);
            Assert.True(code == 0, error);
            RunId = JsonNode.Parse(stdout)!["run_id"]!.GetValue<string>();
            Reference = new RunFolder(Path.Combine(Complete, RunsLocation.RunsFolderName, RunId)).ReadComplete().Metrics;
            var config = ExperimentPresets.Smoke with { Training = ExperimentPresets.Smoke.Training with { Epochs = Epochs } };
            using var stop = new CancellationTokenSource();
            Assert.Throws<OperationCanceledException>(() => new ExperimentRunner().Run(config, Partial,
                observer: new TrainingObserver(onEpoch: e => { if (e.Epoch == 1) stop.Cancel(); }), cancellation: stop.Token));
            Assert.Equal(RunStatus.Partial, ExperimentRunner.StatusOf(Partial, config));
        }

        public void Dispose() => Directory.Delete(Folder, recursive: true);
    }

    /// <summary>How a file is damaged.</summary>
    public enum Damage { Empty, Garbage, CutInHalf }

    /// <summary>What a rerun does after the damage: resume, or stop and ask for --restart.</summary>
    public enum Expect { Resumes, AsksForRestart, Skips }

    public static TheoryData<string, string, Damage, Expect> Cases()
    {
        var cases = new TheoryData<string, string, Damage, Expect>();
        foreach (var damage in new[] { Damage.Empty, Damage.Garbage })
        {
            // Interrupted after epoch 1: the checkpoint is the truth; config.json and history.json are rewritten from it.
            cases.Add("partial", "config.json", damage, Expect.Resumes);
            cases.Add("partial", "history.json", damage, Expect.Resumes);
            cases.Add("partial", "run.lock", damage, Expect.Resumes);
            cases.Add("partial", "checkpoint/state.json", damage, Expect.AsksForRestart);
            cases.Add("partial", "checkpoint/model-e1.bin", damage, Expect.AsksForRestart);
            cases.Add("partial", "checkpoint/optimizer-e1.bin", damage, Expect.AsksForRestart);
            // Complete: its records are the result and are never rewritten silently.
            cases.Add("complete", "config.json", damage, Expect.AsksForRestart);
            cases.Add("complete", "history.json", damage, Expect.AsksForRestart);
            cases.Add("complete", "metrics.json", damage, Expect.AsksForRestart);
            cases.Add("complete", "provenance.json", damage, Expect.AsksForRestart);
            // A complete run does not need its checkpoint.
            cases.Add("complete", $"checkpoint/model-e{Epochs}.bin", damage, Expect.Skips);
        }
        cases.Add("partial", "checkpoint/model-e1.bin", Damage.CutInHalf, Expect.AsksForRestart);
        cases.Add("partial", "checkpoint/optimizer-e1.bin", Damage.CutInHalf, Expect.AsksForRestart);
        cases.Add("partial", "checkpoint/state.json", Damage.CutInHalf, Expect.AsksForRestart);
        cases.Add("complete", "metrics.json", Damage.CutInHalf, Expect.AsksForRestart);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ADamagedRecordResumesOrSaysExactlyWhatToDo(string state, string file, Damage damage, Expect expect)
    {
        var outDir = Path.Combine(runs.Folder, $"{state}-{file.Replace('/', '-')}-{damage}");
        Copy(state == "partial" ? runs.Partial : runs.Complete, outDir);
        var target = Path.Combine(outDir, RunsLocation.RunsFolderName, runs.RunId, file);
        Assert.True(File.Exists(target), $"{target} is not in the run folder");
        Spoil(target, damage);

        var (code, stdout, error) = PemnHarness.Run([.. Train, "--out", outDir]);
        Assert.DoesNotContain("   at ", error);
        if (expect == Expect.AsksForRestart)
        {
            Assert.True(code == ExitCodes.Io, $"exit {code}\n{error}");
            Assert.Contains(target, error);
            Assert.Contains($"{RunCommands.RestartFlag} to discard run {runs.RunId}", error);
            // Again: the same answer (no half-done repair in between), then the remedy works.
            Assert.Equal(ExitCodes.Io, PemnHarness.Run([.. Train, "--out", outDir]).Code);
            (code, stdout, error) = PemnHarness.Run([.. Train, "--out", outDir, RunCommands.RestartFlag]);
        }
        Assert.True(code == ExitCodes.Ok, $"exit {code}\n{error}");
        var summary = JsonNode.Parse(stdout)!;
        Assert.Equal(expect switch { Expect.Resumes => "resumed", Expect.Skips => "skipped", _ => "trained" }, summary["outcome"]!.GetValue<string>());
        var metrics = new RunFolder(Path.Combine(outDir, RunsLocation.RunsFolderName, runs.RunId)).ReadComplete().Metrics;
        Assert.Equal(runs.Reference with { Seconds = 0, ImagesPerSecond = 0 }, metrics with { Seconds = 0, ImagesPerSecond = 0 });
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp", SearchOption.AllDirectories));
    }

    private static void Spoil(string path, Damage damage)
    {
        switch (damage)
        {
            case Damage.Empty:
                File.WriteAllBytes(path, []);
                break;
            case Damage.Garbage:
                // Fixed bytes: what a disk error or a wrong copy leaves; no valid JSON, no TorchSharp state.
                File.WriteAllBytes(path, Enumerable.Range(0, 4096).Select(i => (byte)(i * 131 + 7)).ToArray());
                break;
            case Damage.CutInHalf:
                var bytes = File.ReadAllBytes(path);
                File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
                break;
        }
    }

    private static void Copy(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }
}
