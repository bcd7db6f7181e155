using PEMN.Configuration;
using PEMN.Data;
using static TorchSharp.torch;

namespace PEMN.Runs;

/// <summary>Turns a data configuration into the train and test batch sources of one run.</summary>
public interface IDataProvider
{
    /// <summary>
    /// The two splits for <paramref name="config"/>: train shuffled and augmented per epoch from
    /// config.Training.Seed, test in fixed order; batches of config.Training.BatchSize on <paramref name="device"/>.
    /// The caller disposes sources that are <see cref="IDisposable"/>.
    /// </summary>
    (IBatchSource Train, IBatchSource Test) Load(ExperimentConfig config, Device device);

    /// <summary>
    /// Checks, before any compute, that <see cref="Load"/> will find readable data for <paramref name="config"/>; throws
    /// what Load would (e.g. <see cref="DataSetException"/>). The default checks nothing (in-memory sources).
    /// </summary>
    void Check(ExperimentConfig config) { }
}

/// <summary>
/// The data of experiment runs. Synthetic data is generated in memory, shaped after the model
/// (<see cref="SyntheticBatchSource"/>). Every other data set is read from its files (<see cref="DataSets.Load"/>, located by
/// <see cref="DataLocator.FromEnvironment"/>), cut to the configured subsets and wrapped in prefetching
/// <see cref="BatchPipeline"/>s (training: shuffled by seed, augmented; test: in file order).
/// </summary>
/// <param name="downloader">Fetches missing files when given; null keeps runs offline (a clear error names the files).</param>
public sealed class ExperimentData(IDownloader? downloader = null) : IDataProvider
{
    /// <summary>Synthetic training images per class when data.per_class is not set.</summary>
    public const int DefaultSyntheticPerClass = 64;
    /// <summary>Synthetic test images per class when data.test_per_class is not set.</summary>
    public const int DefaultSyntheticTestPerClass = 32;

    /// <inheritdoc/>
    public void Check(ExperimentConfig config) =>
        DataSets.Verify(config.Data.Dataset, DataLocator.FromEnvironment(config.Data.DataDir), downloads: downloader is not null);

    /// <inheritdoc/>
    public (IBatchSource Train, IBatchSource Test) Load(ExperimentConfig config, Device device) =>
        config.Data.Dataset == DataSetName.Synthetic ? Synthetic(config, device) : FromFiles(config, device);

    private static (IBatchSource Train, IBatchSource Test) Synthetic(ExperimentConfig config, Device device)
    {
        var classes = checked((int)config.Model.Classes);
        var perClass = config.Data.PerClass
            ?? (config.Data.Total is { } total ? Math.Max(1, total / classes) : DefaultSyntheticPerClass);
        return SyntheticBatchSource.CreatePair(classes, perClass, config.Data.TestPerClass ?? DefaultSyntheticTestPerClass,
            config.Model.InChannels, config.Model.ImageSize, config.Training.BatchSize, config.Training.Seed, device);
    }

    private (IBatchSource Train, IBatchSource Test) FromFiles(ExperimentConfig config, Device device)
    {
        var data = config.Data;
        var splits = DataSets.Load(data.Dataset, DataLocator.FromEnvironment(data.DataDir), downloader);

        var train = splits.Train;
        if (data.PerClass is { } perClass) train = train.FirstPerClass(perClass);
        else if (data.Total is { } total) train = train.First(total);
        var test = data.TestPerClass is { } testPerClass ? splits.Test.FirstPerClass(testPerClass) : splits.Test;

        var normalization = data.Mean is not null && data.Std is not null
            ? new Normalization(data.Mean.ToArray(), data.Std.ToArray())
            : splits.Normalization;
        var augmentation = !data.Augment ? AugmentationConfig.None : data.AugmentPolicy switch
        {
            AugmentPolicy.Paper => AugmentationConfig.Paper(train.Height),
            _ => AugmentationConfig.CropFlip(train.Height, data.CropPadding),
        };
        var batch = config.Training.BatchSize;
        return (
            new BatchPipeline(train, normalization, new BatchPipelineConfig(batch, Seed: config.Training.Seed, Augmentation: augmentation), device),
            new BatchPipeline(test, normalization, BatchPipelineConfig.Evaluation(batch), device));
    }
}
