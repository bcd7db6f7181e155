using System.Text.Json.Nodes;
using PEMN.Cli;
using PEMN.Cli.Commands;
using PEMN.Configuration;
using PEMN.Runs;
using PEMN.Sweeps;

namespace PEMN.Tests.Cli;

/// <summary>
/// <c>--workers N</c>: the same smoke ladder run by one process and by two side by side gives the same runs with the same
/// metrics (every run trained once, by one of the two), and the split of cores into workers and threads.
/// </summary>
public class WorkersTests : IDisposable
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(5);
    private readonly string folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "pemn-workers-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void TwoWorkersTrainTheLadderOnceWithTheMetricsOfOneProcess()
    {
        var metrics = new Dictionary<int, Dictionary<string, string>>();
        foreach (var workers in new[] { 1, 2 })
        {
            var csv = Path.Combine(folder, $"w{workers}", RunsLocation.TableName);
            using var process = PemnProcess.Start(folder, "ladder", "--preset", "smoke", "--out", csv, "--workers", $"{workers}");
            var (code, _, error) = process.Wait(ProcessTimeout);
            Assert.True(code == ExitCodes.Ok, $"--workers {workers}: exit {code}\n{error}");
            if (workers == 2) Assert.Contains("workers: 2 processes x", error);
            var runs = Path.Combine(folder, $"w{workers}", RunsLocation.RunsFolderName);
            // Each run's metrics and per-epoch history as written; the duration, throughput and provenance differ by nature.
            metrics[workers] = Directory.GetDirectories(runs).ToDictionary(d => Path.GetFileName(d), Comparable);
            var (_, rows) = RunsCsv.Read(csv);
            Assert.Equal(metrics[workers].Keys.Order(StringComparer.Ordinal), rows.Select(r => r[RunsCsv.RunIdColumn]).Order(StringComparer.Ordinal));
        }
        Assert.Equal(metrics[1].Keys.Order(StringComparer.Ordinal), metrics[2].Keys.Order(StringComparer.Ordinal));
        var planned = StrategyLadder.Plan(StrategyLadder.Steps(ExperimentPresets.Smoke), [ExperimentPresets.Smoke.Training.Seed]).Runs;
        Assert.Equal(planned.Select(ExperimentJson.RunId).Order(StringComparer.Ordinal), metrics[1].Keys.Order(StringComparer.Ordinal));
        foreach (var (id, record) in metrics[1])
            Assert.True(record == metrics[2][id], $"{id}: one process {record}\ntwo workers {metrics[2][id]}");
    }

    /// <summary>metrics.json without its timings, and history.json without each epoch's seconds and images/s.</summary>
    private static string Comparable(string runFolder)
    {
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(runFolder, ExperimentRunner.MetricsFile)))!.AsObject();
        foreach (var key in metrics.Select(p => p.Key).Where(k => k.Contains("second", StringComparison.Ordinal)).ToList()) metrics.Remove(key);
        var history = JsonNode.Parse(File.ReadAllText(Path.Combine(runFolder, ExperimentRunner.HistoryFile)))!.AsArray();
        foreach (var epoch in history.Select(e => e!.AsObject()))
            foreach (var key in epoch.Select(p => p.Key).Where(k => k.Contains("second", StringComparison.Ordinal)).ToList()) epoch.Remove(key);
        return metrics.ToJsonString() + history.ToJsonString();
    }

    [Theory]
    [InlineData(null, 0, 2, false, 2, 1)]   // the default on 2 cores: one thread per run, a worker per core
    [InlineData(null, 2, 2, false, 1, 2)]   // --threads 2 on 2 cores: one worker
    [InlineData(null, 0, 8, true, 1, 8)]    // a GPU: one worker unless asked
    [InlineData(2, 0, 2, false, 2, 1)]      // --workers 2 on 2 cores: one thread each
    [InlineData(4, 0, 2, false, 4, 1)]      // more workers than cores: still one thread each
    [InlineData(1, 0, 4, false, 1, 4)]      // --workers 1: every core to the one process
    public void CoresAreSplitIntoWorkersAndThreads(int? workers, int threads, int cores, bool gpu, int expectedWorkers, int expectedThreads) =>
        Assert.Equal((expectedWorkers, expectedThreads), WorkerProcesses.Split(workers, threads, cores, gpu));

    [Fact]
    public void ZeroWorkersIsAUsageError()
    {
        var (code, _, error) = PemnHarness.Run("ladder", "--preset", "smoke", "--out", Path.Combine(folder, "x.csv"), "--workers", "0");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--workers", error);
    }
}
