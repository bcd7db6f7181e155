using PEMN.Strategies;
using PEMN.Training;
using static TorchSharp.torch;

namespace PEMN.Experiments;

/// <summary>
/// The trained network of a run folder (&lt;out&gt;/runs/&lt;run id&gt;/: config.json and checkpoint/model-eN.bin): its config built
/// through <see cref="PemnNetwork.Build"/>, then the last checkpoint's state loaded. Kept minimal on purpose: the network after
/// the last finished epoch, on the CPU (a run's best accuracy may belong to an earlier epoch, whose state is not kept).
/// </summary>
public static class RunNetwork
{
    /// <summary>Whether <paramref name="runDirectory"/> holds a config and a checkpoint to load (checkpoints are not committed).</summary>
    public static bool CanLoad(string runDirectory) =>
        File.Exists(Path.Combine(runDirectory, ExperimentRunner.ConfigFile))
        && Checkpoint.TryReadState(Path.Combine(runDirectory, ExperimentRunner.CheckpointFolder)) is not null;

    /// <summary>Builds the run's network and loads its last checkpoint; the caller disposes the network.</summary>
    /// <exception cref="FileNotFoundException">The folder has no config.json or no checkpoint; the message names the folder.</exception>
    public static (ExperimentConfig Config, PemnNetwork Network) Load(string runDirectory)
    {
        var configFile = Path.Combine(runDirectory, ExperimentRunner.ConfigFile);
        if (!File.Exists(configFile))
            throw new FileNotFoundException($"'{runDirectory}' is not a run folder: it has no {ExperimentRunner.ConfigFile}.", configFile);
        var checkpoint = Path.Combine(runDirectory, ExperimentRunner.CheckpointFolder);
        var state = Checkpoint.TryReadState(checkpoint)
            ?? throw new FileNotFoundException(
                $"Run '{runDirectory}' has no trained state: {ExperimentRunner.CheckpointFolder}/{Checkpoint.StateFile} is missing " +
                "(checkpoints are not committed; train the run on this machine to analyse it).", Path.Combine(checkpoint, Checkpoint.StateFile));
        var config = ExperimentJson.Load(configFile);
        var network = PemnNetwork.Build(config.Network);
        try
        {
            using (NewDisposeScope()) network.Model.load(Path.Combine(checkpoint, state.ModelFile));
            network.Model.eval();
            return (config, network);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }
}
