using PEMN.Cluster;
using PEMN.Configuration;
using PEMN.Runs;
using PEMN.Sweeps;

namespace PEMN.Tests.Cluster;

public class SlurmJobFolderTests : IDisposable
{
    private readonly string folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "pemn-slurm-" + Guid.NewGuid().ToString("N"))).FullName;
    private string Csv => Path.Combine(folder, "out", RunsLocation.TableName);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static SweepPlan Plan(int points) =>
        new(Enumerable.Range(0, points).Select(s => ExperimentPresets.Smoke with { Training = ExperimentPresets.Smoke.Training with { Seed = s } }).ToList());

    [Fact]
    public void TheSamePlanFindsTheSameFolderAndEveryPointKeepsItsIndex()
    {
        var job = SlurmJobFolder.For(Csv, "sweep-grid", Plan(3));
        Assert.Equal(job.Path, SlurmJobFolder.For(Csv, "sweep-grid", Plan(3)).Path);
        Assert.NotEqual(job.Path, SlurmJobFolder.For(Csv, "sweep-grid", Plan(4)).Path);
        Assert.StartsWith(Path.Combine(folder, "out", SlurmJobFolder.FolderName, "sweep-grid-"), job.Path);
        job.WritePoints(threads: 4);
        for (var i = 0; i < 3; i++)
        {
            var point = ExperimentJson.Load(job.PointFile(i));
            Assert.Equal(ExperimentJson.RunId(job.Plan.Runs[i]), ExperimentJson.RunId(point)); // threads are not part of the run id
            Assert.Equal(4, point.Threads);
        }
    }

    [Fact]
    public void TheScriptRunsEachTasksPointThroughTrainWithTheArrayAndTheSettings()
    {
        var job = SlurmJobFolder.For(Csv, "sweep-grid", Plan(5));
        var script = job.Script(new SlurmArray(2, [2, 4]), new SlurmSettings(Partition: "gpu", CpusPerTask: 2, Throttle: 1),
            ["/opt/dotnet/dotnet", "/shared/it's/PEMN.Cli.dll", "train", "--config", SlurmJobFolder.PointConfig, "--json"]);
        var lines = script.Split('\n');
        Assert.Equal("#!/bin/bash", lines[0]);
        Assert.Contains("#SBATCH --array=0,2%1", lines);
        Assert.Contains("#SBATCH --partition=gpu", lines);
        Assert.Contains("#SBATCH --cpus-per-task=2", lines);
        Assert.Contains("#SBATCH --requeue", lines);
        Assert.Contains("point=$((2 + SLURM_ARRAY_TASK_ID))", lines);
        var exec = Assert.Single(lines, l => l.StartsWith("exec ", StringComparison.Ordinal));
        // The task command word by word, quoted, its point's config in place of the placeholder.
        Assert.Equal($"exec '/opt/dotnet/dotnet' '/shared/it'\\''s/PEMN.Cli.dll' 'train' '--config' '{job.PointsFolder}'/\"${{point}}.json\" '--json' >>\"$log\" 2>&1", exec);
        // The #SBATCH lines come before the first command (sbatch stops reading directives there).
        Assert.True(Array.FindLastIndex(lines, l => l.StartsWith("#SBATCH", StringComparison.Ordinal)) < Array.FindIndex(lines, l => l == "set -u"));
        // Without an allocator to pass on, the node's environment stays as it is; with one, the task preloads it before pemn starts.
        Assert.DoesNotContain(lines, l => l.Contains("LD_PRELOAD", StringComparison.Ordinal));
        var preloaded = job.Script(new SlurmArray(2, [2, 4]), new SlurmSettings(), ["dotnet", "PEMN.Cli.dll", SlurmJobFolder.PointConfig], "/usr/lib/x86_64-linux-gnu/libtcmalloc.so.4").Split('\n');
        Assert.True(Array.IndexOf(preloaded, "export LD_PRELOAD='/usr/lib/x86_64-linux-gnu/libtcmalloc.so.4'") is var at and > 0
            && at < Array.FindIndex(preloaded, l => l.StartsWith("exec ", StringComparison.Ordinal)));
    }

    [Fact]
    public void OnlyPointsThatAreNeitherCompleteNorRunningNorQueuedAreSubmitted()
    {
        var plan = Plan(4);
        var job = SlurmJobFolder.For(Csv, "sweep-grid", plan);
        job.WritePoints(null);
        // Point 0 complete, point 1 held by a running process, point 2 queued in an earlier array (offset 1), point 3 nothing.
        new ExperimentRunner().Run(plan.Runs[0], job.OutDirectory, Csv);
        using var running = PEMN.Runtime.FileLock.TryAcquire(RunsLocation.At(job.OutDirectory).Run(plan.Runs[1]).LockPath);
        job.Record(new SlurmSubmission("41", job.ScriptFile(0), 1, [1, 2], "2026-01-01T00:00:00Z"));
        var queue = new[] { new SlurmQueueEntry("41", 1, "PENDING"), new SlurmQueueEntry("99", 3, "RUNNING") };
        var points = job.Inspect(queue);
        Assert.Equal([RunStatus.Complete, RunStatus.InProgress, RunStatus.New, RunStatus.New], points.Select(p => p.Status));
        Assert.Equal([null, null, "PENDING", null], points.Select(p => p.Queued));
        Assert.Equal([3], SlurmJobFolder.ToSubmit(points));

        var collected = job.Collect(queue);
        Assert.Equal(1, collected.Table.Rows);
        Assert.Equal([1, 2, 3], collected.Missing.Select(p => p.Index));
    }

    [Fact]
    public void TheLastErrorOfAPointsLogIsReported()
    {
        var job = SlurmJobFolder.For(Csv, "sweep-grid", Plan(1));
        job.WritePoints(null);
        File.WriteAllLines(job.PointLog(0), ["== attempt 1", "error: first", "== attempt 2", "error: run x: 'state.json' is unreadable: empty.", "remedy: ..."]);
        Assert.Equal("error: run x: 'state.json' is unreadable: empty.", job.Inspect([])[0].LastError);
    }
}
