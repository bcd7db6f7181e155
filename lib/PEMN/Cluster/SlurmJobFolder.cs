using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PEMN.Configuration;
using PEMN.Runs;
using PEMN.Runtime;
using PEMN.Sweeps;

namespace PEMN.Cluster;

/// <summary>One point of a plan as the job folder, the run folders and the queue see it.</summary>
/// <param name="Index">Its index in the plan (the name of its points/&lt;index&gt;.json and logs/point-&lt;index&gt;.log).</param>
/// <param name="RunId">Its run id.</param>
/// <param name="Status">What its run folder holds.</param>
/// <param name="EpochsDone">Epochs checkpointed (or recorded, when complete).</param>
/// <param name="Queued">Its array task's state in the queue (PENDING, RUNNING, ...), or null when it is not queued.</param>
/// <param name="Log">Its log: every attempt's output, appended.</param>
/// <param name="LastError">The last "error:" line of its log, if any (why a task failed).</param>
public sealed record SlurmPoint(int Index, string RunId, RunStatus Status, int EpochsDone, string? Queued, string Log, string? LastError);

/// <summary>One sbatch submission of a job folder.</summary>
/// <param name="JobId">The array's job id.</param>
/// <param name="Script">The script submitted.</param>
/// <param name="Offset">The plan index of array index 0.</param>
/// <param name="Points">The plan indices it runs.</param>
/// <param name="Date">When (UTC, ISO 8601).</param>
public sealed record SlurmSubmission(string JobId, string Script, int Offset, IReadOnlyList<int> Points, string Date);

/// <summary>What collecting a plan found: the table rebuilt from the run folders, and every point not complete.</summary>
/// <param name="Table">The runs table rebuild.</param>
/// <param name="Points">Every point of the plan.</param>
public sealed record SlurmCollection(RunsTableReport Table, IReadOnlyList<SlurmPoint> Points)
{
    /// <summary>Points whose run is not complete (missing, partial, in progress, corrupt).</summary>
    public IReadOnlyList<SlurmPoint> Missing => Points.Where(p => p.Status != RunStatus.Complete).ToList();
}

/// <summary>
/// A plan handed to Slurm as job arrays, in the folder &lt;table folder&gt;/slurm/&lt;plan name&gt;-&lt;hash&gt;/ (the hash of
/// its run ids, so the same plan always finds the same folder):
/// <list type="bullet">
/// <item>points/&lt;i&gt;.json: point i's config, which task i trains with the submitter's task command (<see cref="Script"/>),
/// through the normal entry: the run id and run folder a local run would have, resume on requeue, one writer per run (its lock);</item>
/// <item>job-&lt;k&gt;.sbatch: one array per cut of the points not yet complete (indices are plan indices minus the array's
/// offset, below the cluster's MaxArraySize), throttled with %N;</item>
/// <item>logs/point-&lt;i&gt;.log: every attempt of point i (Slurm's own messages in logs/slurm-&lt;job&gt;_&lt;task&gt;.out);</item>
/// <item>submissions.json: every array submitted, to map queue entries back to points.</item>
/// </list>
/// The runs themselves go to the run folders beside the table, as for a local sweep; the table is rebuilt from them.
/// </summary>
public sealed class SlurmJobFolder
{
    /// <summary>The folder of job folders, next to the runs table.</summary>
    public const string FolderName = "slurm";

    /// <summary>Hex digits of the plan hash in the folder's name.</summary>
    private const int HashDigits = 8;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    private SlurmJobFolder(string path, string name, SweepPlan plan, string csvPath) =>
        (Path, Name, Plan, Csv) = (path, name, plan, System.IO.Path.GetFullPath(csvPath));

    /// <summary>The job folder of <paramref name="plan"/> writing the table at <paramref name="csvPath"/>.</summary>
    /// <param name="csvPath">The runs table; run folders and the job folder go beside it.</param>
    /// <param name="name">A readable name of the plan (e.g. "sweep-grid"); letters, digits, '-', '_' and '.' are kept.</param>
    /// <param name="plan">The plan.</param>
    public static SlurmJobFolder For(string csvPath, string name, SweepPlan plan)
    {
        var ids = string.Join("\n", plan.Runs.Select(ExperimentJson.RunId));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ids)))[..HashDigits];
        var safe = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray());
        var folder = System.IO.Path.Combine(RunsLocation.OfTable(csvPath).Directory, FolderName, $"{safe}-{hash}");
        return new SlurmJobFolder(folder, safe, plan, csvPath);
    }

    /// <summary>The folder.</summary>
    public string Path { get; }
    /// <summary>The plan's readable name.</summary>
    public string Name { get; }
    /// <summary>The plan.</summary>
    public SweepPlan Plan { get; }
    /// <summary>The runs table.</summary>
    public string Csv { get; }
    /// <summary>The output folder (the table's folder: run folders in its runs/).</summary>
    public string OutDirectory => RunsLocation.OfTable(Csv).Directory;
    /// <summary>points/.</summary>
    public string PointsFolder => System.IO.Path.Combine(Path, "points");
    /// <summary>logs/.</summary>
    public string LogsFolder => System.IO.Path.Combine(Path, "logs");
    /// <summary>submissions.json.</summary>
    public string SubmissionsFile => System.IO.Path.Combine(Path, "submissions.json");

    /// <summary>points/&lt;index&gt;.json.</summary>
    public string PointFile(int index) => System.IO.Path.Combine(PointsFolder, $"{Text(index)}.json");
    /// <summary>logs/point-&lt;index&gt;.log.</summary>
    public string PointLog(int index) => System.IO.Path.Combine(LogsFolder, $"point-{Text(index)}.log");
    /// <summary>job-&lt;k&gt;.sbatch.</summary>
    public string ScriptFile(int array) => System.IO.Path.Combine(Path, $"job-{Text(array)}.sbatch");

    /// <summary>
    /// Writes every point's config (all of the plan, so indices never change meaning), with torch threads set to
    /// <paramref name="threads"/> when given (a task's CPUs; threads are not part of the run id).
    /// </summary>
    public void WritePoints(int? threads)
    {
        if (Path.Any(char.IsWhiteSpace))
            throw new SlurmException($"the job folder '{Path}' has a space in its path, which #SBATCH lines cannot carry; allowed: a table in a folder whose path has no spaces.");
        for (var i = 0; i < Plan.Runs.Count; i++)
        {
            var config = threads is { } t ? Plan.Runs[i] with { Threads = t } : Plan.Runs[i];
            ExperimentJson.Save(config, PointFile(i));
        }
        Directory.CreateDirectory(LogsFolder);
    }

    /// <summary>
    /// Every point with its run folder's state and its queue state (<paramref name="queue"/>: the cluster's queue, one
    /// entry per array task; entries of other jobs are ignored).
    /// </summary>
    public IReadOnlyList<SlurmPoint> Inspect(IEnumerable<SlurmQueueEntry> queue)
    {
        var queued = Queued(queue);
        return Plan.Runs.Select((config, i) =>
        {
            var found = RunsLocation.At(OutDirectory).Run(config).Inspect();
            return new SlurmPoint(i, ExperimentJson.RunId(config), found.Status, found.EpochsDone, queued.GetValueOrDefault(i), PointLog(i), LastError(PointLog(i)));
        }).ToList();
    }

    /// <summary>
    /// The points to submit: neither complete, nor held by a running process, nor waiting or running in the queue
    /// (a resubmission after a cancelled or failed task sends only what is missing).
    /// </summary>
    public static IReadOnlyList<int> ToSubmit(IEnumerable<SlurmPoint> points) =>
        points.Where(p => p.Status is not (RunStatus.Complete or RunStatus.InProgress) && p.Queued is null).Select(p => p.Index).ToList();

    /// <summary>
    /// <paramref name="pending"/> in two waves: wave 0 the points that can start at once, wave 1 the points whose parent run
    /// (<see cref="ParentRun"/>: a sparse network pruned from a trained dense run) is itself in wave 0. Array tasks start in any
    /// order, and a child that starts before its parent has even begun fails (<see cref="ParentRunException"/>); a parent that is
    /// complete or training already is waited for by the child itself.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<int>> Waves(IReadOnlyList<int> pending)
    {
        var indexOf = Plan.Runs.Select((config, i) => (Id: ExperimentJson.RunId(config), i)).ToDictionary(x => x.Id, x => x.i);
        var pendingSet = pending.ToHashSet();
        bool WaitsForParent(int point) =>
            ParentRun.ConfigOf(Plan.Runs[point]) is { } parent && indexOf.TryGetValue(ExperimentJson.RunId(parent), out var p) && pendingSet.Contains(p);
        var later = pending.Where(WaitsForParent).ToList();
        return later.Count == 0 ? [pending] : [pending.Except(later).ToList(), later];
    }

    /// <summary>The word of a task command that stands for the task's point config (points/&lt;point&gt;.json).</summary>
    public const string PointConfig = "{point config}";

    /// <summary>The sbatch script of one array.</summary>
    /// <param name="array">The array: its offset and points.</param>
    /// <param name="settings">Resources and throttle.</param>
    /// <param name="task">
    /// The command each task runs, word by word, with <see cref="PointConfig"/> for its point's config: the submitter's own
    /// command line (e.g. dotnet, PEMN.Cli.dll on shared storage, and its train command writing into <see cref="OutDirectory"/>).
    /// </param>
    /// <param name="preload">LD_PRELOAD of the tasks (the submitting pemn's tcmalloc), or null to leave the node's environment as it is.</param>
    public string Script(SlurmArray array, SlurmSettings settings, IReadOnlyList<string> task, string? preload = null)
    {
        var lines = new List<string>
        {
            "#!/bin/bash",
            $"# PEMN: {array.Points.Count} point(s) of plan {Name} as one job array; task i trains point {Text(array.Offset)} + i.",
            "# Each task trains its point's config, points/<point>.json, into the folder's runs, so it has the run id and",
            "# run folder a local run would have: a requeued or resubmitted task resumes from the run's checkpoint, and a point that",
            "# another process finished is skipped. scancel and time limits send SIGTERM: training stops at a step boundary (exit 130).",
        };
        if (array.Wave > 0)
            lines.Add("# These points start from parent runs trained by the folder's earlier array(s): they are submitted with " +
                "--dependency=afterany on them (by hand: sbatch --dependency=afterany:<their job ids> this script).");
        lines.AddRange(new[]
        {
            $"#SBATCH --job-name=pemn-{Name}",
            $"#SBATCH --array={array.Spec(settings.Throttle)}",
            $"#SBATCH --chdir={Path}",
            $"#SBATCH --output={System.IO.Path.Combine(LogsFolder, "slurm-%A_%a.out")}",
            "#SBATCH --open-mode=append",
            "#SBATCH --requeue",
        });
        lines.AddRange(settings.Directives().Select(d => $"#SBATCH {d}"));
        lines.Add("set -u");
        // The heap allocator of the submitting pemn, also where sbatch exports no environment (--export=NONE).
        if (!string.IsNullOrEmpty(preload)) lines.Add($"export LD_PRELOAD={Quote(preload)}");
        lines.Add($"point=$(({Text(array.Offset)} + SLURM_ARRAY_TASK_ID))");
        lines.Add($"log={Quote(LogsFolder)}/point-${{point}}.log");
        lines.Add("echo \"== $(date -u +%FT%TZ) job ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID} (requeued ${SLURM_RESTART_COUNT:-0} times) on $(hostname): point ${point}\" >>\"$log\"");
        // exec: the command line is the task's process, so the signals of scancel and time limits reach it directly.
        var command = task.Select(word => word == PointConfig ? $"{Quote(PointsFolder)}/\"${{point}}.json\"" : Quote(word));
        lines.Add($"exec {string.Join(" ", command)} >>\"$log\" 2>&1");
        return string.Join("\n", lines) + "\n";
    }

    /// <summary>Writes one script per array (job-0.sbatch, job-1.sbatch, ...) and returns their paths.</summary>
    public IReadOnlyList<string> WriteScripts(IReadOnlyList<SlurmArray> arrays, SlurmSettings settings, IReadOnlyList<string> task, string? preload = null)
    {
        var paths = new List<string>();
        for (var k = 0; k < arrays.Count; k++)
        {
            AtomicFile.WriteAllText(ScriptFile(k), Script(arrays[k], settings, task, preload));
            paths.Add(ScriptFile(k));
        }
        return paths;
    }

    /// <summary>Every submission recorded so far.</summary>
    public IReadOnlyList<SlurmSubmission> Submissions() =>
        File.Exists(SubmissionsFile) ? JsonSerializer.Deserialize<List<SlurmSubmission>>(File.ReadAllText(SubmissionsFile), Json) ?? [] : [];

    /// <summary>Adds <paramref name="submission"/> to submissions.json (under the folder's lock: two submitters never lose one).</summary>
    public void Record(SlurmSubmission submission)
    {
        using var held = FileLock.Acquire(SubmissionsFile + RunsTable.LockSuffix, RunsTable.LockTimeout);
        AtomicFile.WriteAllText(SubmissionsFile, JsonSerializer.Serialize(Submissions().Append(submission).ToList(), Json));
    }

    /// <summary>Rebuilds the runs table from the run folders of the plan's points and lists every point with its state.</summary>
    public SlurmCollection Collect(IEnumerable<SlurmQueueEntry> queue) =>
        new(RunsTable.Rebuild(OutDirectory, Csv, Plan.Runs.Select(ExperimentJson.RunId)), Inspect(queue));

    /// <summary>Plan index -> queue state, for the array tasks of this folder's submissions.</summary>
    private Dictionary<int, string> Queued(IEnumerable<SlurmQueueEntry> queue)
    {
        var offsets = Submissions().GroupBy(s => s.JobId).ToDictionary(g => g.Key, g => g.First().Offset);
        var queued = new Dictionary<int, string>();
        foreach (var entry in queue)
            if (offsets.TryGetValue(entry.JobId, out var offset) && entry.Task is { } task)
                queued[offset + task] = entry.State;
        return queued;
    }

    private static string? LastError(string log)
    {
        if (!File.Exists(log)) return null;
        return File.ReadLines(log).Where(l => l.StartsWith("error:", StringComparison.Ordinal)).LastOrDefault();
    }

    /// <summary>A single-quoted shell word.</summary>
    private static string Quote(string word) => "'" + word.Replace("'", "'\\''") + "'";

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
