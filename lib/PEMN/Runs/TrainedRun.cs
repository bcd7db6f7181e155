using PEMN.Configuration;
using PEMN.Strategies;
using PEMN.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PEMN.Runs;

/// <summary>Where a <see cref="TrainedRun"/>'s trained state came from.</summary>
public enum TrainedRunSource
{
    /// <summary>The run folder's last checkpoint: scores, norms and statistics exactly as trained.</summary>
    Checkpoint,
    /// <summary>
    /// A packed network beside the run (<see cref="TrainedRun.PackedFile"/>, written by <c>pemn pack</c>): the same masks,
    /// norms and statistics, but a .pemn file keeps masks, not scores, so each layer's scores are its mask (1 kept, 0 dropped).
    /// </summary>
    PackedFile,
}

/// <summary>
/// The trained network of a run folder (&lt;out&gt;/runs/&lt;run id&gt;/, written by <see cref="ExperimentRunner"/>): the network
/// its config.json builds (<see cref="PemnNetwork.Build"/>: the same frozen values, seeded) with the trained state of its
/// last checkpoint (<see cref="RunPacking.LoadRun"/>), in evaluation mode. That is the network after the last epoch, not
/// the epoch of the best test accuracy. Checkpoints stay on the machine that trained the run (results/**/checkpoint/ is
/// not committed); a run folder may carry its trained network as a small <see cref="PackedFile"/> instead, which is used
/// when the checkpoint is absent.
/// </summary>
public sealed class TrainedRun : IDisposable
{
    /// <summary>The packed network a run folder may carry for machines without its checkpoint: <c>pemn pack RUN -o RUN/network.pemn</c>.</summary>
    public const string PackedFile = "network.pemn";

    private TrainedRun(string runDirectory, ExperimentConfig config, PemnNetwork network, int epoch, TrainedRunSource source) =>
        (RunDirectory, Config, Network, Epoch, Source) = (runDirectory, config, network, epoch, source);

    /// <summary>The run folder.</summary>
    public string RunDirectory { get; }

    /// <summary>The run id (the folder's name).</summary>
    public string RunId => Path.GetFileName(RunDirectory);

    /// <summary>The run's config.</summary>
    public ExperimentConfig Config { get; }

    /// <summary>The network with its trained state; <see cref="PemnNetwork.Values"/> tells which values every layer holds.</summary>
    public PemnNetwork Network { get; }

    /// <summary>The model, in evaluation mode.</summary>
    public nn.Module<Tensor, Tensor> Model => Network.Model;

    /// <summary>Epochs trained when the loaded state was saved.</summary>
    public int Epoch { get; }

    /// <summary>Checkpoint (trained scores) or packed file (scores equal to the masks).</summary>
    public TrainedRunSource Source { get; }

    /// <summary>Whether the scores are the trained ones (a checkpoint); from a packed file they are the masks.</summary>
    public bool HasTrainedScores => Source == TrainedRunSource.Checkpoint;

    /// <summary>
    /// Loads the complete run in <paramref name="runDirectory"/> onto <paramref name="device"/> (null: CPU): from its last
    /// checkpoint, else from its <see cref="PackedFile"/>.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">Neither a complete run with a checkpoint nor a packed network is there; the
    /// message says what is missing and how to get it.</exception>
    public static TrainedRun Load(string runDirectory, Device? device = null)
    {
        var directory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(runDirectory));
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Run folder '{directory}' does not exist.");
        if (RunPacking.IncompleteReason(directory) is not { } missing)
        {
            var (config, network) = RunPacking.LoadRun(directory);
            return Ready(directory, config, network, device,
                Checkpoint.TryReadState(Path.Combine(directory, ExperimentRunner.CheckpointFolder))!.Epoch, TrainedRunSource.Checkpoint);
        }
        var packed = Path.Combine(directory, PackedFile);
        if (File.Exists(packed))
        {
            var (config, network) = RunPacking.LoadFile(packed);
            return Ready(directory, config.Experiment, network, device, config.Run?.Epochs ?? config.Experiment.Training.Epochs, TrainedRunSource.PackedFile);
        }
        throw new FileNotFoundException(
            $"Run '{Path.GetFileName(directory)}' cannot be loaded: {missing}, and there is no {PackedFile} beside it. Checkpoints stay on the " +
            $"machine that trained the run (results/**/checkpoint/ is not committed). There, packing the run into {packed} writes the " +
            "trained network in a few kilobytes, which can be committed; or delete the run folder and run again what made it (its notebook " +
            "or its plan): a missing run is trained, complete ones are reused.",
            packed);
    }

    /// <summary>
    /// Loads run <paramref name="runId"/> of the runs table <paramref name="csvPath"/> (its run folders sit beside it:
    /// the folder of the table), e.g. a <see cref="PEMN.Sweeps.LadderResult.RunId"/> of a ladder run with that table.
    /// </summary>
    public static TrainedRun LoadFromTable(string csvPath, string runId, Device? device = null) =>
        Load(RunsLocation.OfTable(csvPath).Run(runId).Path, device);

    /// <summary>Releases the model's tensors.</summary>
    public void Dispose() => Network.Dispose();

    private static TrainedRun Ready(string directory, ExperimentConfig config, PemnNetwork network, Device? device, int epoch, TrainedRunSource source)
    {
        try
        {
            if (device is not null) network.Model.to(device);
            network.Model.eval();
            return new TrainedRun(directory, config, network, epoch, source);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }
}
