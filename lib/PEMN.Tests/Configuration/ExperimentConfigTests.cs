using System.Text.Json.Nodes;
using PEMN.Configuration;
using PEMN.Data;
using PEMN.Masking;
using PEMN.Models;
using PEMN.Runs;
using PEMN.Runtime;
using PEMN.Strategies;
using PEMN.Training;

namespace PEMN.Tests.Configuration;

public class ExperimentConfigTests
{
    private static readonly ExperimentConfig Smoke = ExperimentPresets.Smoke;

    public static TheoryData<string, string> BadFields => new()
    {
        { "name", """ "" """ },
        { "data.dataset", "\"imagenet\"" },
        { "data.per_class", "0" },
        { "data.total", "-5" },
        { "data.test_per_class", "0" },
        { "data.crop_padding", "99" },
        { "data.std", "[0.5, 0.5]" },
        { "model.dim", "0" },
        { "model.depth", "-1" },
        { "model.kernel", "0" },
        { "model.patch", "0" },
        { "model.in_channels", "0" },
        { "model.image_size", "0" },
        { "model.classes", "1" },
        { "masking.keep_fraction", "1.5" },
        { "masking.keep_fraction", "0" },
        { "strategy.name", "\"banana\"" },
        { "training.lr_max", "-0.1" },
        { "training.weight_decay", "2" },
        { "training.epochs", "0" },
        { "training.batch_size", "0" },
        { "training.label_smoothing", "1.5" },
        { "training.clip_norm", "-1" },
        { "training.optimizer", "\"adam\"" },
        { "training.schedule", "\"step\"" },
        { "device", "\"gpu\"" },
        { "threads", "-1" },
    };

    [Fact]
    public void RandomVectorPaddingRatioOutsideOpenUnitIntervalIsNamed()
    {
        var rp = Smoke with { Strategy = new StrategyConfig(StrategyName.RandomVectorPadding, Ratio: 1) };
        var e = Assert.ThrowsAny<ArgumentException>(() => rp.Validate());
        Assert.Equal("strategy.ratio", e.ParamName);
        Assert.Contains("(0, 1)", e.Message);
    }

    [Theory]
    [MemberData(nameof(BadFields))]
    public void EachBadFieldIsNamedInTheError(string path, string json)
    {
        var e = Assert.ThrowsAny<Exception>(() =>
            ConfigOverrides.Apply(Smoke, [new(path, JsonNode.Parse(json))]).Validate());
        Assert.Contains(path.Split('.')[^1], e.Message);
        if (e is ArgumentException a && a.ParamName is not null) Assert.Equal(path, a.ParamName);
    }

    [Fact]
    public void SectionErrorsCarryTheDottedFieldAndTheValue()
    {
        var e = Assert.Throws<ArgumentException>(() => (Smoke with { Model = Smoke.Model with { Classes = 1 } }).Validate());
        Assert.Equal("model.classes", e.ParamName);
        Assert.StartsWith("model.classes must be >= 2.", ConfigError.Describe(e));
        Assert.Contains("It is 1.", ConfigError.Describe(e));
        Assert.DoesNotContain("(Parameter", ConfigError.Describe(e));
    }

    [Fact]
    public void ModelMustFitTheDataset()
    {
        var e = Assert.Throws<ArgumentException>(() => (ExperimentPresets.Quick with { Model = ExperimentPresets.Quick.Model with { InChannels = 3 } }).Validate());
        Assert.Equal("model.in_channels", e.ParamName);
        Assert.Contains("allowed: 1", e.Message);
    }

    [Fact]
    public void PerClassAndTotalAreExclusive()
    {
        var e = Assert.Throws<ArgumentException>(() => (Smoke with { Data = Smoke.Data with { Total = 100 } }).Validate());
        Assert.Equal("data.total", e.ParamName);
    }

    [Fact]
    public void PresetsAreValidAndRoundTripThroughJson()
    {
        foreach (var name in ExperimentPresets.Names)
        {
            var preset = ExperimentPresets.Get(name).Validate();
            var json = ExperimentJson.Serialize(preset);
            var back = ExperimentJson.Deserialize(json);
            Assert.Equal(ExperimentJson.Canonical(preset), ExperimentJson.Canonical(back));
            Assert.Equal(ExperimentJson.RunId(preset), ExperimentJson.RunId(back));
        }
    }

    [Fact]
    public void JsonIsSnakeCaseWithEnumStrings()
    {
        var node = ExperimentJson.ToNode(ExperimentPresets.Quick);
        Assert.Equal("fashion_mnist", node["data"]!["dataset"]!.GetValue<string>());
        Assert.Equal("adamw", node["training"]!["optimizer"]!.GetValue<string>());
        Assert.Equal("piecewise", node["training"]!["schedule"]!.GetValue<string>());
        Assert.Equal("kaiming_normal", node["masking"]!["weight_init"]!.GetValue<string>());
        Assert.Equal(0.5, node["masking"]!["keep_fraction"]!.GetValue<double>());
        Assert.Null(node["is_dense"]);
    }

    [Fact]
    public void SavedConfigsHoldOnlyTheRecordsFieldsNotWhatTheyDerive()
    {
        // Derived properties (ModelConfig.ShortName, OneLayerSharesLinear, ExperimentConfig.Network ...) would enter every
        // config.json and the run id's hash without adding meaning.
        var node = ExperimentJson.ToNode(ExperimentPresets.QuickViT);
        Assert.Equal(["name", "dim", "depth", "kernel", "patch", "in_channels", "image_size", "classes", "activation", "heads", "mlp_ratio", "pooling", "width_multiplier"],
            node["model"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["name", "data", "model", "masking", "strategy", "training", "device", "threads"], node.Select(p => p.Key));
    }

    [Fact]
    public void UnknownJsonFieldsAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => ExperimentJson.Deserialize(
            """{ "data": {}, "model": {}, "masking": {}, "strategy": {}, "training": { "lr_mx": 0.1 } }""", "typo.json"));
        Assert.Contains("typo.json", e.Message);
        Assert.Contains("lr_mx", e.Message);
    }

    [Fact]
    public void MissingFieldsTakeTheirDefaultsButMissingOrNullSectionsAreErrors()
    {
        var config = ExperimentJson.Deserialize("""{ "data": {}, "model": {}, "masking": {}, "strategy": {}, "training": { "epochs": 3 } }""");
        Assert.Equal(3, config.Training.Epochs);
        Assert.Equal(new TrainingConfig().LrMax, config.Training.LrMax);
        Assert.Equal(new ModelConfig(), config.Model);
        Assert.Equal(new MaskingOptions(), config.Masking);
        // A section left out or null must not become the paper model silently.
        var missing = Assert.Throws<FormatException>(() => ExperimentJson.Deserialize("""{ "training": { "epochs": 3 } }""", "partial.json"));
        Assert.Contains("partial.json: section 'data' is missing", missing.Message);
        var nulled = Assert.Throws<FormatException>(() => ExperimentJson.Deserialize(
            """{ "data": {}, "model": null, "masking": {}, "strategy": {}, "training": {} }""", "null.json"));
        Assert.Contains("section 'model' is null", nulled.Message);
    }

    [Fact]
    public void RunIdIgnoresLabelAndThreadsButNotResultsRelevantFields()
    {
        var id = ExperimentJson.RunId(Smoke);
        Assert.Equal(id, ExperimentJson.RunId(Smoke with { Name = "other", Threads = 2 }));
        Assert.NotEqual(id, ExperimentJson.RunId(Smoke with { Training = Smoke.Training with { Seed = 1 } }));
        Assert.NotEqual(id, ExperimentJson.RunId(Smoke with { Masking = Smoke.Masking with { KeepFraction = 0.3 } }));
        Assert.StartsWith("mask-convmixer16x2-", id);
    }

    [Fact]
    public void QuickPresetFollowsTheCpuProtocol()
    {
        var quick = ExperimentPresets.Quick;
        Assert.Equal(DataSetName.FashionMnist, quick.Data.Dataset);
        Assert.Equal(1000, quick.Data.PerClass);
        Assert.Null(quick.Data.TestPerClass);
        Assert.Equal([0.2860], quick.Data.Mean!);
        Assert.Equal([0.3530], quick.Data.Std!);
        Assert.Equal((64L, 4L, 5L, 2L), (quick.Model.Dim, quick.Model.Depth, quick.Model.Kernel, quick.Model.Patch));
        Assert.Equal((128, 8, 0.005), (quick.Training.BatchSize, quick.Training.Epochs, quick.Training.WeightDecay));
        Assert.Equal(0.05, quick.LrMax);
        Assert.Equal(0.01, (quick with { Strategy = new StrategyConfig(StrategyName.Dense) }).LrMax);
        Assert.Equal(0.05, (quick with { Strategy = new StrategyConfig(StrategyName.RandomVectorPadding) }).LrMax);
        Assert.Equal([0, 3, 6, 8], LearningRateSchedule.PiecewiseBreakpoints(quick.Training.Epochs));
    }

    [Fact]
    public void PaperPresetFollowsTheAuthorsRecipe()
    {
        var paper = ExperimentPresets.Paper;
        Assert.Equal((256L, 8L), (paper.Model.Dim, paper.Model.Depth));
        Assert.Equal((512, 100, 0.05, 0.005), (paper.Training.BatchSize, paper.Training.Epochs, paper.LrMax, paper.Training.WeightDecay));
        Assert.Equal("cuda", paper.Device);
    }

    [Fact]
    public void ExplicitLrMaxOverrideAppliesToDenseToo()
    {
        var changed = ConfigOverrides.Apply(ExperimentPresets.Quick, [new("training.lr_max", JsonValue.Create(0.02))]);
        Assert.Null(changed.Training.DenseLrMax);
        Assert.Equal(0.02, (changed with { Strategy = new StrategyConfig(StrategyName.Dense) }).LrMax);
        var both = ConfigOverrides.Apply(ExperimentPresets.Quick,
            [new("training.dense_lr_max", JsonValue.Create(0.003)), new("training.lr_max", JsonValue.Create(0.02))]);
        Assert.Equal(0.003, both.Training.DenseLrMax);
    }

    [Fact]
    public void UnknownOverridePathIsNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => ConfigOverrides.Apply(Smoke, [ConfigOverrides.Parse("training.lr=0.1")]));
        Assert.Contains("training.lr", e.Message);
        Assert.Contains("lr_max", e.Message);
    }

    [Fact]
    public void CudaIsCheckedWithAClearError()
    {
        if (TorchSharp.torch.cuda.is_available()) return;
        var e = Assert.Throws<InvalidOperationException>(() => ExperimentRunner.ResolveDevice("cuda"));
        Assert.Contains("torch.cuda.is_available()", e.Message);
        Assert.Equal(TorchSharp.DeviceType.CPU, ExperimentRunner.ResolveDevice("cpu").type);
    }

    [Fact]
    public void KeepFractionMustKeepAWeightOfEveryMaskedLayer()
    {
        // The smoke ConvMixer's smallest masked layer is its stem: 1 channel x 16 x 2 x 2 = 64 weights.
        var smoke = ExperimentPresets.Smoke;
        var (path, weights) = SmallestMaskedLayer.Of(smoke.Model);
        Assert.Equal(("stem.conv", 64L), (path, weights));
        smoke.WithK(1.0 / 64).Validate();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => smoke.WithK(1e-9).Validate());
        Assert.Equal("masking.keep_fraction", e.ParamName);
        Assert.Contains("keeps less than one of the 64 weights of convmixer16x2's smallest masked layer (stem.conv)", e.Message);
        Assert.Contains("[0.01563, 1]", e.Message); // rounded up: the bound shown is allowed
        smoke.WithK(0.01563).Validate();
        // Dense trains every weight: k does not apply.
        (smoke with { Strategy = new PEMN.Strategies.StrategyConfig(PEMN.Strategies.StrategyName.Dense) }).WithK(1e-9).Validate();
    }
}

file static class KeepFractionExtension
{
    public static ExperimentConfig WithK(this ExperimentConfig config, double k) => config with { Masking = config.Masking with { KeepFraction = k } };
}
