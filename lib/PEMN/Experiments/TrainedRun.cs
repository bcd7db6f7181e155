using PEMN.Strategies;
using PEMN.Training;
using static TorchSharp.torch;

namespace PEMN.Experiments;

/// <summary>
/// The trained network of a run folder (&lt;out&gt;/runs/&lt;run id&gt;/, written by <see cref="ExperimentRunner"/>): the network
/// its config.json builds (<see cref="PemnNetwork.Build"/>: the same frozen values, seeded), with the scores, norm
/// parameters and statistics of its last checkpoint loaded. The last checkpoint is the network after the last finished
/// epoch, not the epoch of the best test accuracy.
/// </summary>
public sealed class TrainedRun : IDisposable
{
    private TrainedRun(string runDirectory, ExperimentConfig config, PemnNetwork network, int epoch) =>
        (RunDirectory, Config, Network, Epoch) = (runDirectory, config, network, epoch);

    /// <summary>The run folder.</summary>
    public string RunDirectory { get; }

    /// <summary>The run id (the folder's name).</summary>
    public string RunId => Path.GetFileName(RunDirectory);

    /// <summary>The run's config (config.json).</summary>
    public ExperimentConfig Config { get; }

    /// <summary>The network with its trained state; <see cref="PemnNetwork.Values"/> tells which values every layer holds.</summary>
    public PemnNetwork Network { get; }

    /// <summary>The model, in evaluation mode.</summary>
    public nn.Module<Tensor, Tensor> Model => Network.Model;

    /// <summary>Epochs trained when the loaded checkpoint was written.</summary>
    public int Epoch { get; }

    /// <summary>
    /// Loads the run in <paramref name="runDirectory"/> onto <paramref name="device"/> (null: CPU), in evaluation mode.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">It has no config.json, or no checkpoint (checkpoints stay on the machine that
    /// trained: they are not committed); the message says which and what to do.</exception>
    public static TrainedRun Load(string runDirectory, Device? device = null)
    {
        var directory = Path.GetFullPath(runDirectory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Run folder '{directory}' does not exist.");
        var configPath = Path.Combine(directory, ExperimentRunner.ConfigFile);
        if (!File.Exists(configPath))
            throw new FileNotFoundException($"Run folder '{directory}' has no {ExperimentRunner.ConfigFile}: not a run folder.", configPath);
        var config = ExperimentJson.Load(configPath);
        var checkpoint = Path.Combine(directory, ExperimentRunner.CheckpointFolder);
        var state = Checkpoint.TryReadState(checkpoint)
            ?? throw new FileNotFoundException(
                $"Run '{Path.GetFileName(directory)}' has no checkpoint ({Path.Combine(checkpoint, Checkpoint.StateFile)} is missing): " +
                "checkpoints stay on the machine that trained the run and are not committed. To train it here, delete the run folder " +
                "and run again what made it (the notebook or `scripts/pemn plan`): a missing run is trained, complete ones are reused.",
                Path.Combine(checkpoint, Checkpoint.StateFile));
        var network = PemnNetwork.Build(config.Network, device);
        try
        {
            using (NewDisposeScope()) network.Model.load(Path.Combine(checkpoint, state.ModelFile));
            network.Model.eval();
            return new TrainedRun(directory, config, network, state.Epoch);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loads run <paramref name="runId"/> of the runs table <paramref name="csvPath"/> (its run folders sit beside it:
    /// <see cref="SweepRunner.OutDirectory"/>), e.g. a <see cref="LadderResult.RunId"/> of a ladder run with that table.
    /// </summary>
    public static TrainedRun LoadFromTable(string csvPath, string runId, Device? device = null) =>
        Load(Path.Combine(SweepRunner.OutDirectory(csvPath), ExperimentRunner.RunsFolder, runId), device);

    /// <summary>Releases the model's tensors.</summary>
    public void Dispose() => Network.Dispose();
}
