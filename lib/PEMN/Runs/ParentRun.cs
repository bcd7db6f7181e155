using System.Text.Json;
using PEMN.Configuration;
using PEMN.Runtime;
using PEMN.Strategies;
using PEMN.Training;
using static TorchSharp.torch;

namespace PEMN.Runs;

/// <summary>
/// What a child run records about its parent (<see cref="ParentRun.RecordFile"/> in the child's run folder): which
/// dense run's trained weights it pruned, and how good that run was.
/// </summary>
/// <param name="RunId">The parent's run id.</param>
/// <param name="RunDirectory">The parent's run folder, relative to the child's output folder ("runs/&lt;run id&gt;").</param>
/// <param name="Strategy">The parent's strategy (dense).</param>
/// <param name="Epochs">Epochs the parent trained; its weights after the last one are the child's start.</param>
/// <param name="BestTestAccuracy">The parent's best test accuracy.</param>
/// <param name="FinalTestAccuracy">The parent's test accuracy after its last epoch: that of the weights the child prunes.</param>
/// <param name="WeightsFile">The file the weights were read from, relative to the parent's run folder.</param>
public sealed record ParentRecord(string RunId, string RunDirectory, StrategyName Strategy, int Epochs, double BestTestAccuracy,
    double FinalTestAccuracy, string WeightsFile);

/// <summary>
/// The parent of a run that starts from a trained network (<see cref="StrategyKinds.NeedsParent"/>: magnitude pruning after
/// training). The parent is the same config with strategy dense: its run id is derived, never stored in the config, so
/// the child's run id still comes from its meaning only. Parent and child share an output folder; a plan lists the
/// parent before its children. The trained weights are the parent's last checkpoint (after its final epoch), which the
/// run folder keeps: checkpoints are not committed, so a child can be trained where its parent was trained (or after
/// retraining the parent), while a committed complete child is reused anywhere.
/// </summary>
public static class ParentRun
{
    /// <summary>The child's record of its parent, in the child's run folder.</summary>
    public const string RecordFile = "parent.json";

    /// <summary>The parent config of <paramref name="child"/> (the same experiment with strategy dense), or null when it has none.</summary>
    public static ExperimentConfig? ConfigOf(ExperimentConfig child) =>
        child.Strategy.Name.NeedsParent() ? child with { Strategy = new StrategyConfig(StrategyName.Dense) } : null;

    /// <summary>
    /// The parent's record when it is complete with its final weights in <paramref name="outDirectory"/>. A parent that
    /// another process is training is waited for (a sweep shared by several processes may reach the child first).
    /// </summary>
    /// <param name="outDirectory">The output folder of parent and child.</param>
    /// <param name="child">The child's config (<see cref="StrategyKinds.NeedsParent"/>).</param>
    /// <param name="childConfigFile">The child's saved config, named in the error's command (null: the command names the flags to change).</param>
    /// <param name="cancellation">Stops the wait for a parent in progress elsewhere.</param>
    /// <exception cref="ArgumentException">The child needs no parent.</exception>
    /// <exception cref="ParentRunException">The parent is not complete, its records are damaged, or its final weights are gone.</exception>
    public static ParentRecord Require(string outDirectory, ExperimentConfig child, string? childConfigFile = null, CancellationToken cancellation = default)
    {
        var parent = ConfigOf(child)
            ?? throw new ArgumentException($"Strategy {Names.Of(child.Strategy.Name)} starts from its own initial weights; it has no parent run.", nameof(child));
        var folder = RunsLocation.At(outDirectory).Run(parent);
        var found = folder.Inspect();
        if (found.Status == RunStatus.InProgress)
        {
            // Held by the process that trains it: the lock comes free when that process finishes or stops.
            using (FileLock.Acquire(folder.LockPath, cancellation: cancellation)) { }
            found = folder.Inspect();
        }
        var intro = $"Run {ExperimentJson.RunId(child)} ({child.Strategy.Label()}) prunes the trained weights of its parent, the dense run {folder.RunId} " +
            "(the same config with strategy dense)";
        if (found.Status != RunStatus.Complete)
            throw new ParentRunException(folder.RunId, folder.Path, ParentRunProblem.NotComplete, outDirectory, childConfigFile,
                $"{intro}, which is {Names.Of(found.Status)} in {folder.Path}" +
                (found.Problem is { } problem ? $" ({problem.Message})" : "") + $". Train the parent first, into {outDirectory}.");
        var state = FinalCheckpoint(folder.Path, parent.Training.Epochs);
        if (state is null)
            throw new ParentRunException(folder.RunId, folder.Path, ParentRunProblem.NoFinalCheckpoint, outDirectory, childConfigFile,
                $"{intro}, which is complete in {folder.Path} but without its final checkpoint (checkpoints are not committed). " +
                $"Retrain the parent: delete {folder.Path}, then train it into {outDirectory}.");
        var metrics = folder.ReadComplete().Metrics;
        return new ParentRecord(folder.RunId, RunsLocation.RelativeRunPath(folder.RunId), StrategyName.Dense, state.Epoch,
            metrics.BestTestAccuracy, metrics.FinalTestAccuracy, Path.Combine(ExperimentRunner.CheckpointFolder, state.ModelFile));
    }

    /// <summary>
    /// The checkpoint of <paramref name="runDirectory"/> after its last epoch (<paramref name="epochs"/>) when its model file is
    /// there, else null: a complete run's trained weights (checkpoints are kept after a run, but never committed).
    /// </summary>
    public static Checkpoint.State? FinalCheckpoint(string runDirectory, int epochs)
    {
        var folder = Path.Combine(runDirectory, ExperimentRunner.CheckpointFolder);
        Checkpoint.State? state;
        try
        {
            state = Checkpoint.TryReadState(folder);
        }
        catch (CorruptFileException)
        {
            return null; // a damaged checkpoint holds no usable weights
        }
        return state is not null && state.Epoch == epochs && File.Exists(Path.Combine(folder, state.ModelFile)) ? state : null;
    }

    /// <summary>
    /// The parent's trained network (<see cref="RunPacking.LoadRun"/>: built from its recorded config, loaded with its final
    /// checkpoint, on the CPU): what <see cref="PemnNetwork.Build"/> takes as the parent of a child.
    /// </summary>
    public static PemnNetwork Load(string outDirectory, ParentRecord record) =>
        RunPacking.LoadRun(Path.Combine(outDirectory, record.RunDirectory)).Network;

    /// <summary>The child's network: its parent loaded (<see cref="Load"/>), pruned into the child, and released.</summary>
    public static PemnNetwork BuildChild(string outDirectory, ExperimentConfig child, ParentRecord record, Device? device = null)
    {
        using var parent = Load(outDirectory, record);
        return PemnNetwork.Build(child.Network, device, parent.Model);
    }

    /// <summary>Writes the child's record of its parent into the child's run folder.</summary>
    public static void WriteRecord(string childRunDirectory, ParentRecord record) =>
        AtomicFile.WriteAllText(Path.Combine(childRunDirectory, RecordFile), ExperimentJson.Serialize(record));

    /// <summary>The record of a child's parent, or null when the run folder has none (a run without a parent).</summary>
    public static ParentRecord? ReadRecord(string runDirectory)
    {
        var path = Path.Combine(runDirectory, RecordFile);
        return File.Exists(path) ? JsonSerializer.Deserialize<ParentRecord>(File.ReadAllText(path), ExperimentJson.Options) : null;
    }
}

/// <summary>A run needs its parent run, which is not complete or has lost its trained weights; nothing was trained.</summary>
/// <param name="parentRunId">The parent's run id.</param>
/// <param name="parentDirectory">Where the parent's records are (or would be).</param>
/// <param name="problem">What is wrong with the parent.</param>
/// <param name="outDirectory">The folder holding runs/ that the parent must be trained into.</param>
/// <param name="childConfigFile">The child's config.json, if written.</param>
/// <param name="message">What is missing and where the parent must be trained (the command line adds its command).</param>
public sealed class ParentRunException(string parentRunId, string parentDirectory, ParentRunProblem problem, string outDirectory,
    string? childConfigFile, string message) : InvalidOperationException(message)
{
    /// <summary>The parent's run id.</summary>
    public string ParentRunId { get; } = parentRunId;

    /// <summary>Where the parent's records are (or would be).</summary>
    public string ParentDirectory { get; } = parentDirectory;

    /// <summary>What is wrong with the parent.</summary>
    public ParentRunProblem Problem { get; } = problem;

    /// <summary>The folder holding runs/ that the parent must be trained into (the child's).</summary>
    public string OutDirectory { get; } = outDirectory;

    /// <summary>The child's config.json, from which the parent is the same experiment with strategy dense; null when the child has none yet.</summary>
    public string? ChildConfigFile { get; } = childConfigFile;
}

/// <summary>Why a child run cannot start from its parent.</summary>
public enum ParentRunProblem
{
    /// <summary>The parent is not complete (new, partial, in progress elsewhere, or damaged): train it first.</summary>
    NotComplete,
    /// <summary>The parent is complete but its final checkpoint is gone (not committed): retrain it.</summary>
    NoFinalCheckpoint,
}
