using PEMN.Data;
using static TorchSharp.torch;

namespace PEMN.Experiments;

/// <summary>
/// Serves <see cref="DatasetName.Synthetic"/> with <see cref="SyntheticBatchSource"/> shaped after the model
/// (channels, image size, classes); forwards every other dataset to <paramref name="next"/>, or names what is missing.
/// </summary>
public sealed class SyntheticDataProvider(IDataProvider? next = null) : IDataProvider
{
    /// <summary>Training images per class when data.per_class is not set.</summary>
    public const int DefaultPerClass = 64;
    /// <summary>Test images per class when data.test_per_class is not set.</summary>
    public const int DefaultTestPerClass = 32;

    /// <inheritdoc/>
    public (IBatchSource Train, IBatchSource Test) Load(ExperimentConfig config, Device device)
    {
        if (config.Data.Dataset != DatasetName.Synthetic)
        {
            return next?.Load(config, device) ?? throw new NotSupportedException(
                $"data.dataset = {config.Data.Dataset} has no loader wired in ExperimentServices.Data; available here: {DatasetName.Synthetic}.");
        }
        var classes = checked((int)config.Model.Classes);
        var perClass = config.Data.PerClass
            ?? (config.Data.Total is { } total ? Math.Max(1, total / classes) : DefaultPerClass);
        return SyntheticBatchSource.CreatePair(classes, perClass, config.Data.TestPerClass ?? DefaultTestPerClass,
            config.Model.InChannels, config.Model.ImageSize, config.Training.BatchSize, config.Training.Seed, device);
    }
}
