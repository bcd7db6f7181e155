using System.CommandLine;
using System.Text.Json;
using PEMN.Cli.Options;
using PEMN.Cluster;
using PEMN.Runs;
using PEMN.Runtime;
using PEMN.Sweeps;

namespace PEMN.Cli.Commands;

/// <summary>
/// The Slurm options every plan command shares (sweep, ladder, plan): --slurm writes one sbatch job array per cut of the
/// points not yet complete and submits it (--emit-only: writes only), --collect rebuilds the table from the run folders
/// and lists what is missing with its log. Each array task runs its point with <c>pemn train --config</c>, the normal
/// entry, so a plan trained on a cluster is the same runs, run folders and table as one trained here.
/// </summary>
public sealed class SlurmCommands
{
    /// <summary>The flag that hands the plan to Slurm.</summary>
    public const string SlurmFlag = "--slurm";
    /// <summary>The flag that rebuilds the table and lists missing points.</summary>
    public const string CollectFlag = "--collect";

    private readonly Option<bool> slurm = new(SlurmFlag)
    {
        Description = "Submit the points not yet complete to Slurm as one job array (sbatch), each task running `pemn train --config` " +
            "on its point: same run ids and run folders, resume on requeue. Job folder: <table folder>/slurm/<plan>-<hash>/.",
    };
    private readonly Option<bool> emitOnly = new("--emit-only") { Description = "With --slurm: write the job folder and sbatch script(s), submit nothing." };
    private readonly Option<bool> collect = new(CollectFlag)
    {
        Description = "Rebuild the runs table from the run folders and list the points not complete, with their logs (exit 1 while any is missing).",
    };
    private readonly Option<string> partition = new("--partition") { Description = "sbatch --partition (e.g. the GPU partition)." };
    private readonly Option<string> time = new("--time") { Description = "sbatch --time per task (minutes, HH:MM:SS, D-HH:MM ...)." };
    private readonly Option<int?> cpus = new("--cpus-per-task") { Description = "sbatch --cpus-per-task; also each task's torch threads." };
    private readonly Option<int?> gpus = new("--gpus-per-task") { Description = "sbatch --gpus-per-task (the config's device must be cuda)." };
    private readonly Option<string> memory = new("--mem-per-cpu") { Description = "sbatch --mem-per-cpu, e.g. 4G." };
    private readonly Option<string> account = new("--account") { Description = "sbatch --account." };
    private readonly Option<int?> throttle = new("--throttle") { Description = "At most N tasks of the array at once (--array=...%N)." };
    private readonly Option<int> maxArraySize = new("--max-array-size")
    {
        Description = $"The cluster's MaxArraySize: larger plans become several arrays (default {SlurmSettings.DefaultMaxArraySize}).",
        DefaultValueFactory = _ => SlurmSettings.DefaultMaxArraySize,
    };
    private readonly Option<string[]> sbatch = new("--sbatch")
    {
        Description = "Any further sbatch option, e.g. --sbatch --qos=long (repeatable).",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { slurm, emitOnly, collect, partition, time, cpus, gpus, memory, account, throttle, maxArraySize, sbatch })
            command.Options.Add(option);
    }

    /// <summary>Whether the command line asks for Slurm (submit, emit or collect) rather than a local run.</summary>
    /// <exception cref="UsageException">--collect together with --slurm, or a Slurm option without either.</exception>
    public bool IsRequested(ParseResult parse)
    {
        var (submit, emit, gather) = (parse.GetValue(slurm), parse.GetValue(emitOnly), parse.GetValue(collect));
        if (gather && (submit || emit)) throw new UsageException(CollectFlag, $"give {SlurmFlag} (submit) or {CollectFlag} (gather), not both.");
        if (emit && !submit) throw new UsageException("--emit-only", $"writes the job of {SlurmFlag}; allowed: together with {SlurmFlag}.");
        var resources = new Option[] { partition, time, cpus, gpus, memory, account, throttle, maxArraySize, sbatch }
            .FirstOrDefault(o => parse.GetResult(o) is { Implicit: false });
        if (resources is not null && !submit)
            throw new UsageException(resources.Name, $"sets what the Slurm job asks for; allowed: together with {SlurmFlag}.");
        return submit || gather;
    }

    /// <summary>
    /// Submits (or writes, or collects) <paramref name="plan"/>, whose table is <paramref name="csv"/>; the caller has run the
    /// checks before compute. Returns the exit code: collect exits <see cref="ExitCodes.RunFailed"/> while any point is missing.
    /// </summary>
    /// <param name="parse">The command line.</param>
    /// <param name="name">The plan's readable name (the job folder's and the job's name).</param>
    /// <param name="plan">The plan.</param>
    /// <param name="csv">Its runs table.</param>
    /// <param name="json">Print one JSON line on stdout instead of text.</param>
    public int Run(ParseResult parse, string name, SweepPlan plan, string csv, bool json)
    {
        var folder = SlurmJobFolder.For(csv, name, plan);
        return parse.GetValue(collect) ? Collect(folder, json) : Submit(parse, folder, json);
    }

    private int Submit(ParseResult parse, SlurmJobFolder folder, bool json)
    {
        var settings = Settings(parse);
        var emit = parse.GetValue(emitOnly);
        // What this folder queued before is not submitted twice (nothing to ask when it never submitted, or only writes).
        IReadOnlyList<SlurmQueueEntry> queue = emit || folder.Submissions().Count == 0 ? [] : Cluster(Slurm.Queue);
        var points = folder.Inspect(queue);
        var pending = SlurmJobFolder.ToSubmit(points);
        folder.WritePoints(settings.CpusPerTask);
        var arrays = folder.Waves(pending).SelectMany((wave, i) => SlurmArray.Cut(wave, settings.MaxArraySize, i)).ToList();
        // Each task trains its point as a local `pemn train --config` would, into the plan's folder and table.
        IReadOnlyList<string> task = [.. PemnCommand(), "train", "--config", SlurmJobFolder.PointConfig, "--out", folder.OutDirectory, "--csv", folder.Csv, "--json"];
        var scripts = folder.WriteScripts(arrays, settings, task, TasksPreload());
        var jobs = new List<string>();
        if (!emit)
        {
            for (var k = 0; k < arrays.Count; k++)
            {
                var after = jobs.Where((_, j) => arrays[j].Wave < arrays[k].Wave).ToList();
                var id = Cluster(() => Slurm.Submit(scripts[k], after));
                folder.Record(new SlurmSubmission(id, scripts[k], arrays[k].Offset, arrays[k].Points, DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)));
                jobs.Add(id);
            }
        }
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                job_folder = folder.Path,
                points = points.Count,
                complete = points.Count(p => p.Status == RunStatus.Complete),
                busy = points.Count(p => p.Status == RunStatus.InProgress || p.Queued is not null),
                submitted = pending,
                scripts,
                waves = arrays.Select(a => a.Wave),
                jobs,
            }));
            return ExitCodes.Ok;
        }
        Console.WriteLine($"{folder.Name}: {points.Count} points, {points.Count(p => p.Status == RunStatus.Complete)} complete, " +
            $"{points.Count(p => p.Status == RunStatus.InProgress || p.Queued is not null)} running or queued, {pending.Count} to {(emit ? "write" : "submit")}");
        Console.WriteLine($"  job folder {folder.Path} (points/, logs/)");
        for (var k = 0; k < arrays.Count; k++)
            Console.WriteLine($"  {scripts[k]}: array {arrays[k].Spec(settings.Throttle)} ({arrays[k].Points.Count} task(s))" +
                (arrays[k].Wave > 0 ? ", after the arrays that train their parent runs" : "") + (emit ? "" : $" -> job {jobs[k]}"));
        if (arrays.Count == 0) Console.WriteLine("  nothing to submit.");
        else if (emit) Console.WriteLine($"  submit with: {SubmitLine(scripts, arrays)}");
        else Console.WriteLine($"  follow with: squeue -j {string.Join(",", jobs)}; then the same command with {CollectFlag} instead of {SlurmFlag}");
        return ExitCodes.Ok;
    }

    /// <summary>The shell line that submits the written scripts as pemn would: the parents' arrays first, their children's after them.</summary>
    private static string SubmitLine(IReadOnlyList<string> scripts, IReadOnlyList<SlurmArray> arrays)
    {
        var first = scripts.Where((_, k) => arrays[k].Wave == 0).ToList();
        var later = scripts.Where((_, k) => arrays[k].Wave > 0).ToList();
        if (later.Count == 0) return string.Join(" && ", first.Select(s => $"sbatch {s}"));
        var ids = string.Join(" ", first.Select((s, i) => $"j{i}=$(sbatch --parsable {s})"));
        var after = string.Join(":", first.Select((_, i) => $"${{j{i}%%;*}}"));
        return $"{ids} && " + string.Join(" && ", later.Select(s => $"sbatch --dependency=afterany:{after} {s}"));
    }

    private static int Collect(SlurmJobFolder folder, bool json)
    {
        // Without the queue (no Slurm here, e.g. results copied back) the run folders still tell what is complete.
        IReadOnlyList<SlurmQueueEntry> queue = [];
        if (folder.Submissions().Count > 0)
        {
            try { queue = Slurm.Queue(); }
            catch (SlurmException e) { Console.Error.WriteLine($"queue unknown ({e.Message}); the run folders tell what is complete."); }
        }
        var collection = folder.Collect(queue);
        var missing = collection.Missing;
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                table = collection.Table.Path,
                rows = collection.Table.Rows,
                points = collection.Points.Count,
                missing = missing.Select(p => new { index = p.Index, run_id = p.RunId, status = Names.Of(p.Status), epochs_done = p.EpochsDone, queued = p.Queued, log = p.Log, last_error = p.LastError }),
            }));
        }
        else
        {
            Console.WriteLine($"{folder.Name}: {collection.Points.Count} points, {collection.Points.Count - missing.Count} complete, {missing.Count} missing; " +
                $"table {collection.Table.Path} ({collection.Table.Rows} rows)");
            foreach (var p in missing)
            {
                Console.WriteLine($"  point {p.Index} {p.RunId}: {Names.Of(p.Status)}{(p.EpochsDone > 0 ? $" ({p.EpochsDone} epochs checkpointed)" : "")}, " +
                    $"{(p.Queued is null ? "not queued" : $"queued: {p.Queued}")}; log {(File.Exists(p.Log) ? p.Log : "(none yet)")}");
                if (p.LastError is not null) Console.WriteLine($"    {p.LastError}");
            }
            if (missing.Any(p => p.Queued is null))
                Console.WriteLine($"  submit what is missing with the same command and {SlurmFlag} instead of {CollectFlag} (partial runs resume).");
        }
        foreach (var problem in collection.Table.Unreadable) Console.Error.WriteLine($"left out of the table: {problem.Message}");
        return missing.Count == 0 ? ExitCodes.Ok : ExitCodes.RunFailed;
    }

    private SlurmSettings Settings(ParseResult parse)
    {
        var settings = new SlurmSettings(parse.GetValue(partition), parse.GetValue(time), parse.GetValue(cpus), parse.GetValue(gpus),
            parse.GetValue(memory), parse.GetValue(account), parse.GetValue(throttle), parse.GetValue(maxArraySize), parse.GetValue(sbatch));
        try
        {
            return settings.Validate();
        }
        catch (ArgumentException e)
        {
            var flag = e.ParamName == "extra" ? sbatch.Name : "--" + (e.ParamName ?? "slurm").Replace('_', '-');
            throw new UsageException(flag, ConfigError.Describe(e));
        }
    }

    /// <summary>How a compute node runs this pemn: the same dotnet and PEMN.Cli.dll (on shared storage on a real cluster).</summary>
    private static IReadOnlyList<string> PemnCommand()
    {
        var dll = typeof(Pemn).Assembly.Location;
        var host = Environment.ProcessPath ?? "dotnet";
        return Path.GetFileNameWithoutExtension(host) == "dotnet" ? [host, dll] : [host];
    }

    /// <summary>The tcmalloc this pemn runs on (scripts/pemn preloads it), for the array tasks; null under glibc.</summary>
    private static string? TasksPreload() =>
        Environment.GetEnvironmentVariable("LD_PRELOAD") is { } preload && preload.Contains("libtcmalloc", StringComparison.Ordinal) ? preload : null;

    private static T Cluster<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (SlurmException e)
        {
            throw new UsageException(SlurmFlag, e.Message);
        }
    }
}
