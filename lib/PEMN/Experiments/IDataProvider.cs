using PEMN.Data;
using static TorchSharp.torch;

namespace PEMN.Experiments;

/// <summary>Turns a data configuration into the train and test batch sources of one run.</summary>
public interface IDataProvider
{
    /// <summary>
    /// The two splits for <paramref name="config"/>: train shuffled and augmented per epoch from
    /// config.Training.Seed, test in fixed order; batches of config.Training.BatchSize on <paramref name="device"/>.
    /// The caller disposes sources that are <see cref="IDisposable"/>.
    /// </summary>
    (IBatchSource Train, IBatchSource Test) Load(ExperimentConfig config, Device device);
}
