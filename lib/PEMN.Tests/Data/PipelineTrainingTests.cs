using PEMN.Data;
using PEMN.Masking;
using PEMN.Models;
using static TorchSharp.torch;

namespace PEMN.Tests.Data;

public class PipelineTrainingTests
{
    [Fact]
    public void MaskedConvMixerTrainsOnPrefetchedBatchesWithinAStepScope()
    {
        var data = new ImageDataSet("toy", DataFixtures.Pixels(32, 64), DataFixtures.Labels(32, 10).Select(b => (long)b).ToArray(),
            1, 8, 8, DataSetCatalog.FashionMnistClasses);
        using var pipeline = new BatchPipeline(data, DataSetCatalog.Get(DataSetName.FashionMnist).Normalization!,
            new BatchPipelineConfig(8, Augmentation: AugmentationConfig.CropFlip(8, 1)), CPU);
        using var model = new ConvMixer(8, 1, 3, 2, 1, 10, Activation.Gelu, new LayerFactory(LayerKind.Masked, seed: 1));
        var scores = model.parameters().Where(p => p.requires_grad).ToArray();
        var before = scores.Select(p => p.detach().clone()).ToArray();
        var optimizer = optim.AdamW(scores, 0.05);
        var steps = 0;
        foreach (var (x, y) in pipeline.Epoch(0))
        {
            using var scope = NewDisposeScope();
            using (x) using (y)
            {
                optimizer.zero_grad();
                nn.functional.cross_entropy(model.forward(x), y).backward();
                optimizer.step();
            }
            steps++;
        }
        Assert.Equal(pipeline.BatchesPerEpoch, steps);
        Assert.Contains(scores.Zip(before), pair => !pair.First.allclose(pair.Second));
    }
}
