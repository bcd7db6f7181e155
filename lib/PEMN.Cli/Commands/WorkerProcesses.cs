using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using PEMN.Cli.Options;
using PEMN.Plans;
using PEMN.Sweeps;

namespace PEMN.Cli.Commands;

/// <summary>
/// <c>--workers N</c> of <c>pemn sweep</c>, <c>ladder</c> and <c>plan</c>: N processes run the plan side by side, the
/// machine's torch threads divided between them. This process is worker 1; it starts the others as the same command with
/// <c>--workers 1</c>. They share nothing but the run folders: each run is trained by whichever process takes its lock
/// first (<see cref="SweepRunner"/>), the others pass it and, at the end, wait for it, so no run is trained twice and every
/// process returns with the whole plan done. Results are those of sequential runs at the same thread count.
/// </summary>
/// <remarks>
/// Workers leave the terminal's process group (<see cref="DetachIfWorker"/>), so Ctrl+C reaches this process only; it
/// passes one SIGTERM to each worker, and all stop at their next step boundary with the last epoch checkpointed. A worker
/// whose parent is killed outright (SIGKILL) goes on to finish the plan on its own.
/// </remarks>
public sealed class WorkerProcesses : IPlanWorkers
{
    /// <summary>The flag.</summary>
    public const string Flag = "--workers";
    /// <summary>Set in a worker's environment to its number (2, 3, ...): it then leaves the terminal's process group.</summary>
    public const string WorkerVariable = "PEMN_WORKER";
    /// <summary>
    /// Torch threads a run uses well when --threads is not given: 1. Measured on 2 cores for the quick ConvMixer
    /// (results/benchmarks/, the workers measurement): two processes of one thread finish a ladder sooner than one
    /// process of two threads, and one thread never waits at a parallel region's barrier for a core that a neighbour holds.
    /// </summary>
    public const int DefaultThreadsPerRun = 1;
    private const int SigTerm = 15;

    private readonly List<(int Number, Process Process, Task Output)> workers = [];
    private bool waited;

    private WorkerProcesses() { }

    /// <summary>A new --workers option.</summary>
    public static Option<int?> CreateOption() => new(Flag)
    {
        Description = $"Processes that run the plan side by side (this one and N - 1 started as the same command with {Flag} 1), " +
            $"the machine's {Environment.ProcessorCount} cores divided between them as torch threads. Default: cores / threads per run " +
            $"(--threads, else {DefaultThreadsPerRun}), 1 on a GPU; never more than the runs left to train.",
    };

    /// <summary>
    /// Workers and torch threads per worker: --workers as given, else <paramref name="cores"/> / threads per run (1 on a GPU);
    /// threads as given (<paramref name="threads"/> &gt; 0), else the cores divided between the workers.
    /// </summary>
    /// <exception cref="UsageException">--workers below 1.</exception>
    public static (int Workers, int Threads) Split(int? workers, int threads, int cores, bool gpu)
    {
        if (workers is < 1) throw new UsageException(Flag, $"{workers}; allowed: 1 or more.");
        var count = workers ?? (gpu ? 1 : Math.Max(1, cores / (threads > 0 ? threads : DefaultThreadsPerRun)));
        return (count, threads > 0 ? threads : Math.Max(1, cores / count));
    }

    /// <summary>
    /// Sets this process's torch threads to <paramref name="threads"/> and starts <paramref name="count"/> - 1 workers running
    /// the command of <paramref name="parse"/> with <c>--workers 1</c> (their stdout is dropped: this process reports the plan;
    /// their stderr is passed on, each line prefixed with the worker's number).
    /// </summary>
    public static WorkerProcesses Start(ParseResult parse, int count, int threads)
    {
        TorchSharp.torch.set_num_threads(threads);
        var pool = new WorkerProcesses();
        if (count <= 1) return pool;
        var args = WithoutWorkers(parse.Tokens).Append(Flag).Append("1").ToList();
        for (var number = 2; number <= count; number++)
        {
            var info = SelfProcess.StartInfo(args);
            info.RedirectStandardInput = true; // a worker never reads the terminal
            info.Environment[WorkerVariable] = number.ToString(CultureInfo.InvariantCulture);
            // OpenMP and MKL size their pools from these at start (libtorch's default thread count follows them).
            info.Environment["OMP_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);
            info.Environment["MKL_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);
            var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start worker {number}");
            var prefix = $"worker {number}: ";
            var output = Task.WhenAll(
                process.StandardOutput.ReadToEndAsync(),
                Task.Run(async () =>
                {
                    while (await process.StandardError.ReadLineAsync() is { } line) Console.Error.WriteLine(prefix + line);
                }));
            pool.workers.Add((number, process, output));
        }
        Console.Error.WriteLine($"workers: {count} processes x {threads} torch thread{(threads == 1 ? "" : "s")} " +
            $"(this one and pids {string.Join(", ", pool.workers.Select(w => w.Process.Id))})");
        return pool;
    }

    /// <summary>Waits for every worker to exit; a worker that failed is named on stderr (this process has covered its runs).</summary>
    public void Wait()
    {
        foreach (var (number, process, output) in workers)
        {
            process.WaitForExit();
            output.GetAwaiter().GetResult();
            if (process.ExitCode != ExitCodes.Ok)
                Console.Error.WriteLine($"workers: worker {number} (pid {process.Id}) exited with {process.ExitCode}; this process trained or waited for every run of the plan.");
        }
        waited = true;
    }

    /// <summary>Leaving before <see cref="Wait"/> (an error or Ctrl+C here): one SIGTERM to each worker still running, then waits for them.</summary>
    public void Dispose()
    {
        if (!waited)
        {
            foreach (var (_, process, _) in workers.Where(w => !w.Process.HasExited))
                _ = kill(process.Id, SigTerm);
            if (workers.Any(w => !w.Process.HasExited))
                Console.Error.WriteLine("workers: asked every worker to stop at its next step boundary; waiting for them.");
            foreach (var (_, process, output) in workers)
            {
                process.WaitForExit();
                output.GetAwaiter().GetResult();
            }
        }
        foreach (var (_, process, _) in workers) process.Dispose();
    }

    /// <summary>True in a worker started by another process: that process writes what follows the training (packed files).</summary>
    public static bool IsWorker => Environment.GetEnvironmentVariable(WorkerVariable) is not null;

    /// <summary>In a worker (<see cref="WorkerVariable"/> set), leaves the terminal's process group: Ctrl+C reaches the parent only, which passes it on once.</summary>
    public static void DetachIfWorker()
    {
        if (IsWorker && OperatingSystem.IsLinux()) _ = setsid();
    }

    /// <summary>The command line's tokens without --workers and its value.</summary>
    private static IEnumerable<string> WithoutWorkers(IReadOnlyList<Token> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].Type == TokenType.Option && tokens[i].Value == Flag)
            {
                if (i + 1 < tokens.Count && tokens[i + 1].Type == TokenType.Argument) i++;
                continue;
            }
            yield return tokens[i].Value;
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    [DllImport("libc", SetLastError = true)]
    private static extern int setsid();
}
