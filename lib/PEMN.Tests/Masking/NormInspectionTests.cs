using PEMN.Masking;
using PEMN.Models;
using static TorchSharp.torch;

namespace PEMN.Tests.Masking;

public class NormInspectionTests
{
    [Fact]
    public void BatchNormAffineSignsAndScalesAreReadPerLayerInModelOrder()
    {
        using var model = new ModelConfig(Dim: 4, Depth: 1, Kernel: 3, InChannels: 1, ImageSize: 8, Classes: 2).Build(new LayerFactory(LayerKind.Masked));
        var norms = NormInspection.Of(model);
        Assert.Equal(["stem.bn", "blocks.0.bn1", "blocks.0.bn2"], norms.Select(n => n.Path));
        Assert.All(norms, n =>
        {
            // At initialisation: gamma 1, beta 0, running variance 1.
            Assert.Equal((NormInspection.BatchNormKind, 4L, true, 0.0, 1.0, 0.0, 1.0),
                (n.Kind, n.Channels, n.Affine, n.NegativeScaleFraction!.Value, n.MeanAbsScale!.Value, n.MeanShift!.Value, n.MeanRunningStd!.Value));
        });

        var bn = (TorchSharp.Modules.NormBase)model.named_modules().Single(m => m.name == "stem.bn").module;
        using (no_grad())
        {
            bn.weight!.copy_(tensor(new[] { -2f, 1f, -0.5f, 0.5f }));
            bn.bias!.copy_(tensor(new[] { 1f, 1f, 1f, -1f }));
            bn.running_var!.copy_(tensor(new[] { 4f, 1f, 9f, 16f }));
        }
        var stem = NormInspection.Of(model)[0];
        Assert.Equal(0.5, stem.NegativeScaleFraction);
        Assert.Equal((2 + 1 + 0.5 + 0.5) / 4, stem.MeanAbsScale!.Value, 6);
        Assert.Equal(0.5, stem.MeanShift!.Value, 6);
        Assert.Equal((2 + 1 + 3 + 4) / 4.0, stem.MeanRunningStd!.Value, 6);
    }

    [Fact]
    public void NonAffineNormHasNoScaleToRead()
    {
        using var model = new ModelConfig(Dim: 4, Depth: 1, Kernel: 3, InChannels: 1, ImageSize: 8, Classes: 2)
            .Build(new LayerFactory(LayerKind.Masked, new MaskingOptions(Norm: NormMode.NonAffine)));
        Assert.All(NormInspection.Of(model), n =>
        {
            Assert.False(n.Affine);
            Assert.Null(n.NegativeScaleFraction);
            Assert.Equal(1.0, n.MeanRunningStd);
        });
    }

    [Fact]
    public void LayerNormsOfAViTAreReadToo()
    {
        using var model = new ModelConfig(ModelName.ViT, Dim: 8, Depth: 1, Patch: 4, InChannels: 1, ImageSize: 8, Classes: 2, Heads: 2, MlpRatio: 2)
            .Build(new LayerFactory(LayerKind.Masked));
        var norms = NormInspection.Of(model);
        Assert.NotEmpty(norms);
        Assert.All(norms, n => Assert.Equal(NormInspection.LayerNormKind, n.Kind));
        Assert.All(norms, n => Assert.Null(n.MeanRunningStd));
    }
}
