using System.Text.RegularExpressions;
using PEMN.Data;
using PEMN.Masking;
using PEMN.Models;
using PEMN.Runtime;
using PEMN.Strategies;
using PEMN.Training;

namespace PEMN.Configuration;

/// <summary>
/// One experiment: data, model, masking, strategy, training, device and threads. Validated in one place
/// (<see cref="Validate"/>) before anything runs; saved as config.json next to its results.
/// </summary>
/// <param name="Name">A label (the preset's name); not part of the run id.</param>
/// <param name="Data">Images and augmentation.</param>
/// <param name="Model">Architecture and sizes.</param>
/// <param name="Masking">k, weight init and norm mode of masked layers (ignored by Dense); a sparse baseline's q is its keep fraction.</param>
/// <param name="Strategy">Dense, Mask, One-layer, MP or RP, or a sparse baseline, and its settings.</param>
/// <param name="Training">Optimiser, schedule, epochs, batch, seed.</param>
/// <param name="Device">"cpu", "cuda" or "cuda:N".</param>
/// <param name="Threads">torch.set_num_threads before the run; 0 leaves libtorch's default. Not part of the run id.</param>
public sealed partial record ExperimentConfig(
    string Name = "custom",
    DataConfig? Data = null,
    ModelConfig? Model = null,
    MaskingOptions? Masking = null,
    StrategyConfig? Strategy = null,
    TrainingConfig? Training = null,
    [property: System.Text.Json.Serialization.JsonPropertyOrder(1)] string Device = "cpu",
    [property: System.Text.Json.Serialization.JsonPropertyOrder(1)] int Threads = 0)
{
    /// <summary>A thread count above this is a typo.</summary>
    public const int MaxThreads = 1024;

    /// <summary>Default of <see cref="MaxBatchActivations"/>: 2^31 values (8 GiB of float32); the paper's ConvMixer-256/8 at batch 512 makes 2^25.</summary>
    public const long DefaultMaxBatchActivations = 1L << 31;

    /// <summary>Most values of the largest activation tensor of a batch (batch size x <see cref="ModelConfig.ActivationsPerImage"/>).</summary>
    public static long MaxBatchActivations => SizeLimits.Scaled(DefaultMaxBatchActivations);

    /// <summary>Images and augmentation.</summary>
    public DataConfig Data { get; init; } = Data ?? new DataConfig();
    /// <summary>Architecture and sizes.</summary>
    public ModelConfig Model { get; init; } = Model ?? new ModelConfig();
    /// <summary>k, weight init and norm mode.</summary>
    public MaskingOptions Masking { get; init; } = Masking ?? new MaskingOptions();
    /// <summary>The strategy.</summary>
    public StrategyConfig Strategy { get; init; } = Strategy ?? new StrategyConfig();
    /// <summary>Training settings.</summary>
    public TrainingConfig Training { get; init; } = Training ?? new TrainingConfig();

    /// <summary>True when the weights are trained (no masks).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsDense => Strategy.Name == StrategyName.Dense;

    /// <summary>True when the weights are trained: Dense and the sparse baselines (which train the weights they keep).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool TrainsWeights => Strategy.Name.TrainsWeights();

    /// <summary>The peak learning rate this experiment uses: dense_lr_max when weights are trained, lr_max when masks are.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double LrMax => Training.EffectiveLrMax(TrainsWeights);

    /// <summary>The network this experiment trains: model, masking, strategy, seeded with training.seed.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public NetworkSpec Network => new(Model, Masking, Strategy, Training.Seed);

    /// <summary>
    /// The same experiment on <paramref name="dataset"/>, with the model's image channels, image size and classes set to
    /// the data set's (<see cref="DataSetCatalog"/>) when the catalog knows them: a data set and a model that do not fit
    /// are no experiment.
    /// </summary>
    public ExperimentConfig WithDataSet(DataSetName dataset) => this with
    {
        Data = Data with { Dataset = dataset },
        Model = DataSetCatalog.Get(dataset).Shape is { } shape
            ? Model with { InChannels = shape.Channels, ImageSize = shape.Size, Classes = shape.Classes }
            : Model,
    };

    /// <summary>
    /// The experiment's meaning only: the same config without its label, thread count, memory format, device and data folder, and
    /// with every field that does not apply at its default (the strategy's, the model's and the data's unused fields,
    /// the masking of a dense run, all masking but q of a sparse baseline) and the peak learning rate the run uses in place of the lr_max / dense_lr_max pair.
    /// Two configs with equal canonical forms are the same experiment and share a run id.
    /// </summary>
    public ExperimentConfig Canonical() => this with
    {
        Name = "",
        Device = "cpu",
        Threads = 0,
        Data = Data.Canonical(),
        Model = Model.Canonical(),
        // Dense uses no masking field; a sparse baseline only its keep fraction q (its layers draw dense weights and
        // always have affine norms), so a sparse run's id ignores masking.weight_init and masking.norm.
        Masking = IsDense ? new MaskingOptions()
            : Strategy.Name.IsSparse() ? new MaskingOptions(KeepFraction: Masking.KeepFraction)
            : Masking,
        Strategy = Strategy.Canonical(),
        // The memory format changes only the order of sums, as the thread count does.
        Training = Training with { LrMax = LrMax, DenseLrMax = null, MemoryFormat = default },
    };

    /// <summary>
    /// This config, checked: throws on the first invalid field, naming it (dotted, as in config.json), its value and the
    /// allowed range. Every rule of a config lives here.
    /// </summary>
    public ValidatedConfig Validate()
    {
        if (string.IsNullOrWhiteSpace(Name)) throw new ArgumentException("name is empty; allowed: any non-empty label.", "name");
        Section("data", () => Data.Validate());
        Section("model", () => Model.Validate());
        Section("masking", () => Masking.Validate());
        Section("strategy", () => Strategy.Validate());
        Training.Validate();
        // A batch of the model's largest activation: one tensor of this many values exists per block during training.
        if (Model.ActivationsPerImage() * Training.BatchSize is var batchActivations and > 0 && batchActivations > MaxBatchActivations)
            throw new ArgumentOutOfRangeException("training.batch_size", Training.BatchSize, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"training.batch_size = {Training.BatchSize} with activations of {Model.ActivationsPerImage():N0} values per image makes {batchActivations:N0} per tensor; " +
                $"allowed: at most {MaxBatchActivations:N0} ({SizeLimits.Advice})."));
        if (!IsDense) SmallestMaskedLayer.CheckKeepFraction(Model, Masking.KeepFraction);
        if (!DevicePattern().IsMatch(Device))
            throw new ArgumentException($"device = '{Device}' is not allowed; allowed: cpu, cuda, cuda:N.", "device");
        if (Threads < 0 || Threads > MaxThreads)
            throw new ArgumentOutOfRangeException("threads", Threads, $"threads = {Threads} is outside the allowed range [0, {MaxThreads}] (0: libtorch's default).");
        if (DataSetCatalog.Get(Data.Dataset).Shape is { } shape)
        {
            Match("model.in_channels", Model.InChannels, shape.Channels);
            Match("model.image_size", Model.ImageSize, shape.Size);
            Match("model.classes", Model.Classes, shape.Classes);
        }
        return new ValidatedConfig(this);

        void Match(string field, long value, long expected)
        {
            if (value != expected)
                throw new ArgumentException($"{field} = {value} does not fit data.dataset = {Names.Of(Data.Dataset)}; allowed: {expected}.", field);
        }
    }

    /// <summary>Re-throws a section's own validation error with the dotted field name (model.dim, masking.keep_fraction).</summary>
    private static void Section(string section, Action validate)
    {
        try
        {
            validate();
        }
        catch (ArgumentException e) when (e.ParamName is { } param && !param.StartsWith(section + ".", StringComparison.Ordinal))
        {
            var field = $"{section}.{ExperimentJson.FieldName(param)}";
            var message = ConfigError.Describe(e);
            // The section's own name of the field (Ratio, keep fraction k) becomes its JSON path: one name in the message.
            message = message.StartsWith(param + " ", StringComparison.Ordinal) ? field + message[param.Length..] : $"{field}: {message}";
            throw new ArgumentException(message, field, e);
        }
    }

    [GeneratedRegex("^(cpu|cuda(:[0-9]+)?)$")]
    private static partial Regex DevicePattern();
}
