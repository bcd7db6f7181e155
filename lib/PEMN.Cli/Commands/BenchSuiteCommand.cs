using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using PEMN.Benchmarks;
using PEMN.Cli.Options;
using PEMN.Configuration;
using PEMN.Data;
using PEMN.Runs;
using PEMN.Runtime;

namespace PEMN.Cli.Commands;

/// <summary>
/// <c>pemn bench suite</c>: the side-by-side benchmark in one go. Every measurement runs in a whole process of its own,
/// ours and PyTorch's in turn with the same torch threads (per round: <c>bench steps</c> and the reference's steps for each
/// model and each precision and memory format, then <c>bench epochs</c> and the reference's epochs), then our data pipeline
/// once; the medians, ratios and targets go to results/benchmarks/&lt;date&gt;-&lt;short commit&gt;.md and .json, which name
/// the command, commit, machine, cores, threads, date, the allocator of each side and the load average before and after.
/// Our processes inherit this one's allocator (scripts/pemn: tcmalloc); PyTorch's run on their own default (glibc's malloc):
/// the comparison is with PyTorch as its users run it. <c>scripts/bench.sh</c> runs it.
/// </summary>
public static class BenchSuiteCommand
{
    /// <summary>The PyTorch reference, under the repository root.</summary>
    public const string ReferenceScript = "bench/pytorch/pemn_bench.py";
    /// <summary>Debian's python3, which has python3-torch (a pyenv or venv python3 first on PATH has none).</summary>
    public const string DefaultPython = "/usr/bin/python3";
    /// <summary>Where results go under the repository root.</summary>
    public const string DefaultOut = "results/benchmarks";

    /// <summary>The build configuration of this command line.</summary>
    public const string Build =
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    /// <summary>Creates the sub-command.</summary>
    public static Command Create()
    {
        var compare = new Option<bool>("--compare") { Description = $"Run the PyTorch reference ({ReferenceScript}) too, alternating with ours." };
        var rounds = new Option<int>("--rounds") { Description = "Rounds of (our steps, PyTorch's steps, our epochs, PyTorch's epochs); medians are reported.", DefaultValueFactory = _ => 1 };
        var epochs = new Option<int>("--epochs") { Description = "Quick epochs per epochs process (memory flat is judged over them).", DefaultValueFactory = _ => BenchEpochsCommand.DefaultEpochs };
        var steps = new Option<int>("--steps") { Description = "Timed training steps per model and kind.", DefaultValueFactory = _ => new MaskBenchmarkOptions().Steps };
        var threads = new Option<int>("--threads") { Description = "torch threads of every benchmark process (default: the machine's cores).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var python = new Option<string>("--python") { Description = "Python with torch for the reference.", DefaultValueFactory = _ => DefaultPython };
        var output = new Option<string>("--out") { Description = $"Results folder (default: {DefaultOut} of the repository)." };
        var noData = new Option<bool>("--no-data") { Description = "Skip the data pipeline benchmark." };
        var command = new Command("suite",
            "The side-by-side benchmark: training steps, masks, inference, GFLOP/s, whole quick epochs and memory, ours and (with --compare) " +
            "PyTorch's, each in whole processes taking turns; writes <out>/<date>-<commit>.md and .json.");
        foreach (var o in new Option[] { compare, rounds, epochs, steps, threads, python, output, noData }) command.Options.Add(o);
        command.SetAction((parse, cancellation) => Task.FromResult(Pemn.Guard(() =>
        {
            var (r, e, s, t) = (parse.GetValue(rounds), parse.GetValue(epochs), parse.GetValue(steps), parse.GetValue(threads));
            if (r < 1) throw new UsageException("--rounds", $"{r}; allowed: 1 or more.");
            if (e < 1) throw new UsageException("--epochs", $"{e}; allowed: 1 or more.");
            if (s < 1) throw new UsageException("--steps", $"{s}; allowed: 1 or more.");
            if (t < 1 || t > ExperimentConfig.MaxThreads) throw new UsageException("--threads", $"{t} is outside the allowed range [1, {ExperimentConfig.MaxThreads}].");
            var root = Repository.Find(Environment.CurrentDirectory, AppContext.BaseDirectory);
            var outDir = Path.GetFullPath(parse.GetValue(output) ?? Path.Combine(root, DefaultOut));
            var script = Path.Combine(root, ReferenceScript);
            var compared = parse.GetValue(compare);
            if (compared && !File.Exists(script)) throw new UsageException("--compare", $"the reference {script} is missing.");
            var pythonPath = parse.GetValue(python)!;
            // The reference reads the same Fashion-MNIST files (checked here, before any process runs).
            var dataDir = DataSets.Locate(DataSetName.FashionMnist, DataLocator.FromEnvironment())
                ?? throw new DataSetException("Fashion-MNIST is not in place; run `scripts/pemn data --dataset fashion-mnist` to see where it is looked for.");
            OutputPaths.CheckFolder(outDir);

            var start = DateTime.UtcNow;
            var loadBefore = LoadAverage();
            var (oursSteps, torchSteps, oursEpochs, torchEpochs) = (new List<StepsMeasurement>(), new List<StepsMeasurement>(), new List<EpochsMeasurement>(), new List<EpochsMeasurement>());
            string[] threadArgs = ["--threads", t.ToString(CultureInfo.InvariantCulture)];
            for (var round = 1; round <= r; round++)
            {
                Console.Error.WriteLine($"bench: round {round} of {r}");
                foreach (var (model, _) in SideBySide.Models)
                    foreach (var variant in SideBySide.Variants)
                    {
                        string[] variantArgs = ["--model", model, "--steps", $"{s}", "--precision", variant.Precision, "--memory-format", variant.MemoryFormat];
                        oursSteps.Add(Child<StepsMeasurement>(SelfProcess.StartInfo(["bench", "steps", .. threadArgs, .. variantArgs, "--json"]), t, cancellation));
                        if (compared)
                            torchSteps.Add(Child<StepsMeasurement>(Python(pythonPath, script, ["steps", .. threadArgs, .. variantArgs]), t, cancellation));
                    }
                oursEpochs.Add(Child<EpochsMeasurement>(SelfProcess.StartInfo(["bench", "epochs", .. threadArgs, "--epochs", $"{e}", "--json"]), t, cancellation));
                if (compared)
                    torchEpochs.Add(Child<EpochsMeasurement>(Python(pythonPath, script, ["epochs", .. threadArgs, "--epochs", $"{e}", "--data-dir", dataDir]), t, cancellation));
            }
            var data = parse.GetValue(noData) ? null : Child<DataPipelineResult>(SelfProcess.StartInfo(["bench", "data", .. threadArgs, "--json"]), t, cancellation);
            var setting = new BenchmarkSetting("scripts/pemn " + string.Join(" ", Environment.GetCommandLineArgs().Skip(1)),
                RunProvenance.Now().GitCommit, $"{Environment.MachineName} ({CpuModel()}; {Machine.Identity(t)})", Environment.ProcessorCount, t,
                start.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), Build, loadBefore, LoadAverage(), r);
            var run = new BenchmarkRun(setting, oursSteps, torchSteps, oursEpochs, torchEpochs, data);

            var stem = Path.Combine(outDir, $"{start:yyyy-MM-dd}-{BenchmarkReport.Short(setting.Commit)}");
            var markdown = BenchmarkReport.Markdown(run);
            AtomicFile.WriteAllText(stem + ".md", markdown);
            AtomicFile.WriteAllText(stem + ".json", JsonSerializer.Serialize(new { run, rows = BenchmarkReport.Rows(run), targets = BenchmarkReport.Targets(run) },
                new JsonSerializerOptions(CliJson.Options) { WriteIndented = true }) + "\n");
            Console.WriteLine(markdown);
            Console.Error.WriteLine($"bench: wrote {stem}.md and .json");
            return ExitCodes.Ok;
        })));
        return command;
    }

    private static ProcessStartInfo Python(string python, string script, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // PyTorch as its users run it: on its own default allocator, not the tcmalloc scripts/pemn preloads for us.
        info.Environment.Remove("LD_PRELOAD");
        info.ArgumentList.Add(script);
        foreach (var a in args) info.ArgumentList.Add(a);
        return info;
    }

    /// <summary>Runs one benchmark process to its end (its progress passes to our stderr) and reads the record on its last stdout line.</summary>
    private static T Child<T>(ProcessStartInfo info, int threads, CancellationToken cancellation)
    {
        // OpenMP and MKL read these at start: no library of either framework starts more threads than the benchmark's.
        info.Environment["OMP_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);
        info.Environment["MKL_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);
        var line = $"{info.FileName} {string.Join(" ", info.ArgumentList)}";
        Console.Error.WriteLine($"bench: {line}");
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {line}");
        using var stop = cancellation.Register(() => { try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } });
        var stderrTail = new Queue<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            Console.Error.WriteLine($"  {e.Data}");
            lock (stderrTail) { stderrTail.Enqueue(e.Data); if (stderrTail.Count > 20) stderrTail.Dequeue(); }
        };
        process.BeginErrorReadLine();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        cancellation.ThrowIfCancellationRequested();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{line} exited with {process.ExitCode}:{Environment.NewLine}{string.Join(Environment.NewLine, stderrTail)}");
        var json = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()
            ?? throw new InvalidOperationException($"{line} printed no record.");
        return JsonSerializer.Deserialize<T>(json, CliJson.Options) ?? throw new InvalidOperationException($"{line} printed no record: {json}");
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
}
