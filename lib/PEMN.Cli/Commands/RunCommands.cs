using System.CommandLine;
using PEMN.Cli.Options;
using PEMN.Configuration;
using PEMN.Plans;
using PEMN.Runs;
using PEMN.Runtime;

namespace PEMN.Cli.Commands;

/// <summary>
/// What the commands that train (train, sweep, ladder) share: the --restart flag, the checks before compute with errors
/// mapped back to the flag that named the path, the remedy printed for a damaged run, and notices on stderr.
/// </summary>
public static class RunCommands
{
    /// <summary>The flag that discards the checkpoint of runs that cannot resume.</summary>
    public const string RestartFlag = "--restart";

    /// <summary>A new --restart option.</summary>
    public static Option<bool> RestartOption() => new(RestartFlag)
    {
        Description = "Runs that are not complete (interrupted, or with a damaged record) lose their checkpoint and partial records and " +
            "train from epoch 0. Complete runs are never discarded (delete a run's folder to train it again).",
    };

    /// <summary>The runner's options for this command line: --restart, and notices (waiting, discarding) on stderr.</summary>
    public static RunOptions Options(bool restart) => new(restart, message => Console.Error.WriteLine(message));

    /// <summary>What to do about a damaged run, in the command line's words.</summary>
    public static string Remedy(CorruptRunException e) =>
        $"remedy: run the same command with {RestartFlag} to discard run {e.RunId}'s checkpoint and records and train it again " +
        $"from epoch 0; or restore {e.File} (e.g. from a backup or git) and run it again unchanged.";

    /// <summary>Applies a --threads value (0: libtorch's default) and returns it; a value outside [0, MaxThreads] is a usage error.</summary>
    public static int SetThreads(int threads)
    {
        if (threads < 0 || threads > ExperimentConfig.MaxThreads)
            throw new UsageException("--threads", $"{threads} is outside the allowed range [0, {ExperimentConfig.MaxThreads}].");
        if (threads > 0) TorchSharp.torch.set_num_threads(threads);
        return threads;
    }

    /// <summary>How to train a missing parent run, in the command line's words: the child's config with strategy dense, into the same folder.</summary>
    public static string Remedy(ParentRunException e)
    {
        var train = e.ChildConfigFile is null
            ? $"pemn train <the child's flags> --strategy dense --out {e.OutDirectory}"
            : $"pemn train --config {e.ChildConfigFile} --strategy dense --out {e.OutDirectory}";
        var plans = string.Join(" or ", FigurePlans.All.Where(p => p.HasComparisons).Select(p => $"pemn plan {p.Name}"));
        return (e.Problem == ParentRunProblem.NoFinalCheckpoint ? $"remedy: delete {e.ParentDirectory}, then {train}" : $"remedy: {train}") +
            $" (a figure plan, {plans}, trains parents first).";
    }

    /// <summary>
    /// Runs <paramref name="preflight"/> (the library's checks before compute) and maps a path it refuses back to the flag
    /// that named it: an unwritable output exits <see cref="ExitCodes.Io"/>, a file that is not a runs table <see cref="ExitCodes.Usage"/>.
    /// </summary>
    /// <param name="preflight">The checks.</param>
    /// <param name="outputs">Each output flag and the path it gave (full paths compare).</param>
    public static void Check(Action preflight, params (string Flag, string Path)[] outputs)
    {
        try
        {
            preflight();
        }
        catch (OutputPathException e)
        {
            throw new OutputException(FlagOf(e.Path, outputs), $"'{e.Path}' {e.Problem}");
        }
        catch (RunsTableException e)
        {
            throw new UsageException(FlagOf(e.Path, outputs), $"'{e.Path}' is not a runs table: {e.Problem}");
        }
    }

    private static string FlagOf(string path, (string Flag, string Path)[] outputs)
    {
        var full = Path.GetFullPath(path);
        return outputs.FirstOrDefault(o => Path.GetFullPath(o.Path) == full).Flag
            // A folder's problem shows on its file (a table in an unwritable folder): the flag of the file under it.
            ?? outputs.FirstOrDefault(o => Path.GetFullPath(o.Path).StartsWith(full + Path.DirectorySeparatorChar, StringComparison.Ordinal)).Flag
            ?? outputs.FirstOrDefault().Flag ?? "output";
    }
}
