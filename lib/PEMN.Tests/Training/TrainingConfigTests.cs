using PEMN.Training;

namespace PEMN.Tests.Training;

public class TrainingConfigTests
{
    public static TheoryData<string, TrainingConfig> BadConfigs => new()
    {
        { "training.lr_max", new TrainingConfig(LrMax: 0) },
        { "training.lr_max", new TrainingConfig(LrMax: double.NaN) },
        { "training.dense_lr_max", new TrainingConfig(DenseLrMax: -1) },
        { "training.weight_decay", new TrainingConfig(WeightDecay: -0.1) },
        { "training.nesterov", new TrainingConfig(OptimizerKind.AdamW, Nesterov: true) },
        { "training.optimizer", new TrainingConfig((OptimizerKind)7) },
        { "training.schedule", new TrainingConfig(Schedule: (ScheduleKind)9) },
        { "training.epochs", new TrainingConfig(Epochs: 0) },
        { "training.batch_size", new TrainingConfig(BatchSize: 0) },
        { "training.label_smoothing", new TrainingConfig(LabelSmoothing: 1) },
        { "training.clip_norm", new TrainingConfig(ClipNorm: 0) },
    };

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public void EachBadFieldIsNamedWithItsValue(string field, TrainingConfig config)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => config.Validate());
        Assert.Equal(field, e.ParamName);
        Assert.Contains(field, e.Message);
    }

    [Fact]
    public void SgdWithNesterovIsValid() =>
        new TrainingConfig(OptimizerKind.Sgd, Nesterov: true).Validate();

    [Fact]
    public void DenseLrMaxAppliesOnlyToDense()
    {
        var config = new TrainingConfig(LrMax: 0.05, DenseLrMax: 0.01);
        Assert.Equal(0.01, config.EffectiveLrMax(dense: true));
        Assert.Equal(0.05, config.EffectiveLrMax(dense: false));
        Assert.Equal(0.05, (config with { DenseLrMax = null }).EffectiveLrMax(dense: true));
    }
}
