using PEMN.Data;
using static TorchSharp.torch;

namespace PEMN.Experiments;

/// <summary>
/// Serves the real data sets: reads the files (<see cref="DataSets.Load"/>, located by
/// <see cref="DataLocator.FromEnvironment"/>), takes the configured subsets and wraps both splits in
/// prefetching <see cref="BatchPipeline"/>s (training: shuffled by seed, augmented; test: in file order).
/// </summary>
/// <param name="downloader">Fetches missing files when given; null keeps runs offline (a clear error names the files).</param>
public sealed class DataSetProvider(IDownloader? downloader = null) : IDataProvider
{
    /// <inheritdoc/>
    public (IBatchSource Train, IBatchSource Test) Load(ExperimentConfig config, Device device)
    {
        var data = config.Data;
        var name = data.Dataset.ToDataSet() ?? throw new ArgumentException(
            $"data.dataset = {data.Dataset} is not a data set on disk; allowed here: {string.Join(", ", Enum.GetValues<DatasetName>().Where(n => n.ToDataSet() is not null))}.",
            "data.dataset");
        var splits = DataSets.Load(name, DataLocator.FromEnvironment(data.DataDir), downloader);

        var train = splits.Train;
        if (data.PerClass is { } perClass) train = train.FirstPerClass(perClass);
        else if (data.Total is { } total) train = train.First(total);
        var test = data.TestPerClass is { } testPerClass ? splits.Test.FirstPerClass(testPerClass) : splits.Test;

        var normalization = data.Mean is not null && data.Std is not null
            ? new Normalization(data.Mean.ToArray(), data.Std.ToArray())
            : splits.Normalization;
        var augmentation = !data.Augment ? AugmentationConfig.None : data.Policy switch
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
