using PEMN.Masking;
using PEMN.Models;
using PEMN.Strategies;
using static PEMN.Tests.Strategies.PaperConvMixer;
using static TorchSharp.torch;

namespace PEMN.Tests.Strategies;

public class OneLayerTrainingTests
{
    [Fact]
    public void SharedLayersKeepIdenticalValuesButTheirOwnMasksAfterAnOptimiserStep()
    {
        using var scope = NewDisposeScope();
        using var model = new ModelConfig(Dim: 8, Depth: 3, Kernel: 3, Patch: 2, InChannels: 3, ImageSize: 8, Classes: 4)
            .Build(new LayerFactory(LayerKind.Masked, seed: 21));
        ParameterEfficientStrategies.Apply(model, new StrategyConfig(StrategyName.OneLayer), seed: 21);
        var pointwise = WeightLayers.Masked(model).Where(l => l.Path.EndsWith("pointwise")).ToList();
        var masksBefore = pointwise.Select(l => l.Masked!.Mask()).ToList();

        using var generator = new Generator(5);
        var images = randn([4, 3, 8, 8], generator: generator);
        var labels = tensor(new long[] { 0, 1, 2, 3 });
        // The authors' recipe: AdamW on everything trainable (scores and BN affine), lr_max 0.05, wd 0.005.
        var optimizer = optim.AdamW(model.parameters().Where(p => p.requires_grad), lr: 0.05, weight_decay: 0.005);
        optimizer.zero_grad();
        nn.functional.cross_entropy(model.forward(images), labels).backward();
        optimizer.step();

        var values = Bits(pointwise[0].Weight);
        var masks = pointwise.Select(l => l.Masked!.Mask()).ToList();
        Assert.All(pointwise, l => Assert.Equal(values, Bits(l.Weight)));
        for (var i = 0; i < masks.Count; i++)
            for (var j = i + 1; j < masks.Count; j++)
                Assert.True(MaskInspection.Overlap(masks[i], masks[j]).Agreement < 1, $"layers {i} and {j} have one mask");
        Assert.Contains(masks.Zip(masksBefore), p => MaskInspection.Overlap(p.First, p.Second).Agreement < 1);
    }
}
