using PEMN.Configuration;
using PEMN.Data;
using PEMN.Runs;
using PEMN.Tests.Data;
using static TorchSharp.torch;

namespace PEMN.Tests.Runs;

public class ExperimentDataTests
{
    private static ExperimentConfig Tiny(AugmentPolicy policy) => ExperimentPresets.Quick with
    {
        Data = ExperimentPresets.Quick.Data with { PerClass = 2, TestPerClass = 1, AugmentPolicy = policy },
        Training = ExperimentPresets.Quick.Training with { BatchSize = 20 },
    };

    [FactWhenFolderExists(DataLocator.DebianFashionMnist)]
    public void SubsetsAndThePaperRecipeReachTheBatches()
    {
        using var scope = NewDisposeScope();
        var (cropTrain, cropTest) = new ExperimentData().Load(Tiny(AugmentPolicy.CropFlip), CPU);
        var (paperTrain, paperTest) = new ExperimentData().Load(Tiny(AugmentPolicy.Paper), CPU);
        using var a = (IDisposable)cropTrain; using var b = (IDisposable)cropTest;
        using var c = (IDisposable)paperTrain; using var d = (IDisposable)paperTest;
        Assert.Equal(20, cropTrain.Count);   // 2 per class x 10 classes
        Assert.Equal(10, cropTest.Count);    // 1 per class
        var (crop, cropLabels) = cropTrain.Epoch(0).First();
        var (paper, paperLabels) = paperTrain.Epoch(0).First();
        Assert.Equal(new long[] { 20, 1, 28, 28 }, paper.shape);
        Assert.True(cropLabels.Equals(paperLabels)); // same seed, same order: only the pixels differ
        Assert.False(crop.Equals(paper));
    }

    [Fact]
    public void TheRecipeIsPartOfTheRunIdOnlyWhenImagesAreAugmented()
    {
        var paper = ExperimentJson.Serialize(ExperimentPresets.Paper);
        Assert.Contains("\"augment_policy\": \"paper\"", paper);
        Assert.Equal(AugmentPolicy.Paper, ExperimentJson.Deserialize(paper, "paper").Data.AugmentPolicy);
        Assert.NotEqual(ExperimentJson.RunId(Tiny(AugmentPolicy.CropFlip)), ExperimentJson.RunId(Tiny(AugmentPolicy.Paper)));
        var plain = Tiny(AugmentPolicy.CropFlip) with { Data = Tiny(AugmentPolicy.CropFlip).Data with { Augment = false } };
        Assert.Equal(ExperimentJson.RunId(plain), ExperimentJson.RunId(plain with { Data = plain.Data with { AugmentPolicy = AugmentPolicy.Paper, CropPadding = 4 } }));
    }
}
