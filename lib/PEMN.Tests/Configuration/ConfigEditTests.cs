using System.Text.Json.Nodes;
using PEMN.Configuration;
using PEMN.Data;
using PEMN.Models;

namespace PEMN.Tests.Configuration;

/// <summary>The typed edits behind flags, --set and grids: the derivation rules and the batch order.</summary>
public class ConfigEditTests
{
    private static readonly ExperimentConfig Quick = ExperimentPresets.Quick;

    private static ExperimentConfig Flags(params string[] args)
    {
        var command = new System.CommandLine.Command("train");
        var options = new PEMN.Cli.Options.ExperimentOptions();
        options.AddTo(command);
        return options.Resolve(command.Parse(["--preset", "quick", .. args])).Config;
    }

    [Fact]
    public void ADataSetSetsTheModelsImageShapeUnlessTheBatchSetsItInAnyOrder()
    {
        var cifar = Quick.WithDataSet(DataSetName.Cifar100);
        Assert.Equal((3L, 32L, 100L), (cifar.Model.InChannels, cifar.Model.ImageSize, cifar.Model.Classes));
        Assert.Equal(DataSetName.Cifar100, cifar.Data.Dataset);
        var classesFirst = ConfigEdit.ApplyAll(Quick, [ConfigOverrides.AtPath("model.classes", JsonValue.Create(7)), ConfigEdit.DataSet(DataSetName.Cifar10)]);
        var classesLast = ConfigEdit.ApplyAll(Quick, [ConfigEdit.DataSet(DataSetName.Cifar10), ConfigOverrides.AtPath("model.classes", JsonValue.Create(7))]);
        Assert.Equal(7, classesFirst.Model.Classes);
        Assert.Equal(ExperimentJson.Serialize(classesFirst), ExperimentJson.Serialize(classesLast));
        Assert.Equal(32, classesFirst.Model.ImageSize);
    }

    [Fact]
    public void APeakLearningRateClearsTheDenseOneUnlessTheBatchSetsIt()
    {
        var dense = Quick with { Training = Quick.Training with { DenseLrMax = 0.003 } };
        Assert.Null(dense.Training.WithLrMax(0.02).DenseLrMax);
        var both = ConfigEdit.ApplyAll(dense, [ConfigOverrides.AtPath("training.dense_lr_max", JsonValue.Create(0.004)), ConfigEdit.LrMax(0.02)]);
        Assert.Equal((0.02, 0.004), (both.Training.LrMax, both.Training.DenseLrMax));
    }

    [Fact]
    public void ANameThatFixesTheDepthSetsItAndRefusesAnotherDepth()
    {
        var resnet = new ModelConfig().WithName("ResNet32");
        Assert.Equal((ModelName.ResNet, 32L), (resnet.Name, resnet.Depth));
        Assert.Equal(8, new ModelConfig().WithName("convmixer").Depth);
        var e = Assert.Throws<ArgumentException>(() => ConfigEdit.ApplyAll(Quick,
            [ConfigOverrides.AtPath("model.depth", JsonValue.Create(56)), ConfigEdit.ModelName("resnet32")]));
        Assert.Equal("model.depth", e.ParamName);
        Assert.Contains("32 and 56", e.Message);
        var bad = Assert.Throws<ArgumentException>(() => ConfigEdit.ModelName("resnet99"));
        Assert.Equal("model.name", bad.ParamName);
        Assert.Contains("resnet56", bad.Message);
    }

    [Fact]
    public void FlagsAndTheirJsonPathsMakeTheSameConfig()
    {
        Assert.Equal(ExperimentJson.Serialize(
            Flags("--dataset", "cifar100", "--model", "resnet20", "--lr-max", "0.02", "--k", "0.3", "--strategy", "rp", "--ratio", "0.01")),
            ExperimentJson.Serialize(Flags("--set", "data.dataset=cifar100", "--set", "model.name=resnet20", "--set", "training.lr_max=0.02",
                "--set", "masking.keep_fraction=0.3", "--set", "strategy.name=rp", "--set", "strategy.ratio=0.01")));
        Assert.Equal(100, Flags("--dataset", "cifar100").Model.Classes);
    }

    [Fact]
    public void ALeafEditNamesAnUnknownPathAndAValueOfTheWrongKind()
    {
        var unknown = Assert.Throws<ArgumentException>(() => ConfigEdit.ApplyAll(Quick, [ConfigOverrides.AtPath("training.lr", JsonValue.Create(1))]));
        Assert.Equal("training.lr", unknown.ParamName);
        var kind = Assert.Throws<ArgumentException>(() => ConfigEdit.ApplyAll(Quick, [ConfigOverrides.AtPath("training.lr_max", JsonValue.Create("fast"))]));
        Assert.Equal("training.lr_max", kind.ParamName);
        Assert.Contains("expected a number", kind.Message);
    }
}
