using PEMN.Runtime;

namespace PEMN.Runs;

/// <summary>What <see cref="PEMN.Plans.PlanPacking"/> did with one run folder.</summary>
public enum RunFileStatus
{
    /// <summary>Packed now from the run's checkpoint; the file's network scored the run's recorded final test accuracy.</summary>
    [Name("written")]
    Written,
    /// <summary>The run folder had its file already (its run id and recorded accuracy agree with the folder's).</summary>
    [Name("present")]
    Present,
    /// <summary>A run copied from another plan's folder without a file: the file of the folder it was copied from, copied beside it.</summary>
    [Name("copied")]
    Copied,
    /// <summary>Complete, but neither its checkpoint nor a file is here (checkpoints are not committed): pack it where it was trained.</summary>
    [Name("no_checkpoint")]
    NoCheckpoint,
    /// <summary>Not complete (new, partial, or in progress elsewhere): nothing to pack yet.</summary>
    [Name("incomplete")]
    Incomplete,
}

/// <summary>One run folder of a plan and its packed network (<see cref="TrainedRun.PackedFile"/>).</summary>
/// <param name="RunId">The run.</param>
/// <param name="RunDirectory">Its folder.</param>
/// <param name="Status">What was done.</param>
/// <param name="Bytes">The file's size, 0 without a file.</param>
/// <param name="Accuracy">What the file's network scored on the run's test split, when it was measured now (<see cref="RunFileStatus.Written"/>).</param>
/// <param name="Recorded">The run's recorded final test accuracy (metrics.json), when the run is complete.</param>
public sealed record RunFile(string RunId, string RunDirectory, RunFileStatus Status, long Bytes, double? Accuracy, double? Recorded)
{
    /// <summary>The file's path (it exists unless <see cref="HasFile"/> is false).</summary>
    public string FilePath => Path.Combine(RunDirectory, TrainedRun.PackedFile);

    /// <summary>Whether the run folder holds its file now.</summary>
    public bool HasFile => Status is RunFileStatus.Written or RunFileStatus.Present or RunFileStatus.Copied;
}

/// <summary>
/// A packed file and its run disagree: the file's network does not score the run's recorded final test accuracy, or a file
/// in a run folder belongs to another run. Nothing was written.
/// </summary>
/// <param name="runDirectory">The run folder.</param>
/// <param name="message">What differs and what to do.</param>
public sealed class PackCheckException(string runDirectory, string message) : InvalidOperationException(message)
{
    /// <summary>The run folder.</summary>
    public string RunDirectory { get; } = runDirectory;
}
