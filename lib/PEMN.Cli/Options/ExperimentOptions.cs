using System.CommandLine;
using System.Text.Json.Nodes;
using PEMN.Experiments;

namespace PEMN.Cli.Options;

/// <summary>
/// Command-line flags for an experiment config: a base (--preset or --config FILE), one flag per common field,
/// and --set path=value for any field. Every flag is an override by JSON path (<see cref="ConfigOverrides"/>),
/// applied in the order: base, flags, --set; the result is validated once.
/// </summary>
public sealed class ExperimentOptions
{
    private readonly List<(Option Option, string Path, Func<ParseResult, JsonNode?> Value)> fields = [];

    /// <summary>Base preset.</summary>
    public Option<string> Preset { get; } = new("--preset")
    {
        Description = $"Base preset: {string.Join(", ", ExperimentPresets.Names)} (default: library defaults).",
    };

    /// <summary>Base config file.</summary>
    public Option<FileInfo> Config { get; } = new("--config") { Description = "Base config JSON file (overrides --preset)." };

    /// <summary>Any field by JSON path.</summary>
    public Option<string[]> Set { get; } = new("--set")
    {
        Description = "Set any config field by JSON path, e.g. --set training.label_smoothing=0.1 (repeatable; applied last).",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Creates the options.</summary>
    public ExperimentOptions()
    {
        Text("--name", "name", "Label of the run (not part of the run id).");
        // Data
        Choice("--dataset", "data.dataset", "Image set.", Names<DatasetName>());
        Number<int>("--per-class", "data.per_class", "Training subset: first N images of each class.");
        Number<int>("--total", "data.total", "Training subset: first N images.");
        Number<int>("--test-per-class", "data.test_per_class", "Test subset: first N images of each class.");
        Text("--data-dir", "data.data_dir", "Folder of the dataset files.");
        Flag("--augment", "data.augment", "Random crop and flip of training images (--augment false to disable).");
        Number<int>("--crop-padding", "data.crop_padding", "Padding before the random crop, pixels.");
        Choice("--augmentation", "data.policy", "Augmentation recipe: crop and flip, or the authors' paper recipe.", Names<AugmentPolicy>());
        // Model (names shared with the storage command's model flags).
        Choice("--model", "model.name", "Architecture.", Names<PEMN.Models.ModelName>());
        Number<long>("--dim", "model.dim", "Width (channels).");
        Number<long>("--depth", "model.depth", "Blocks.");
        Number<long>("--kernel", "model.kernel", "Depthwise kernel size (ConvMixer).");
        Number<long>("--patch", "model.patch", "Patch size.");
        Number<long>("--in-channels", "model.in_channels", "Image channels.");
        Number<long>("--classes", "model.classes", "Classes.");
        Number<long>("--image-size", "model.image_size", "Image side, pixels.");
        Choice("--activation", "model.activation", "Non-linearity.", Names<PEMN.Models.Activation>());
        Number<long>("--heads", "model.heads", "Attention heads (ViT).");
        Number<long>("--mlp-ratio", "model.mlp_ratio", "MLP hidden width over dim (ViT).");
        Choice("--pooling", "model.pooling", "Class token or mean pooling (ViT).", Names<PEMN.Models.Pooling>());
        Number<long>("--width", "model.width_multiplier", "Width multiplier of ResNet's 16/32/64 channels.");
        // Masking and strategy
        Number<double>("--k", "masking.keep_fraction", "Keep fraction k of every mask, in (0, 1].");
        // The same name tables as `pemn storage`, so every command spells these values alike.
        Choice("masking.weight_init", "Frozen weight init.", MaskOptions.WeightInits);
        Choice("masking.norm", "Norm layers: learnable affine (learn) or non-affine (not-learn).", MaskOptions.Norms);
        Choice("strategy.name", "Strategy.", StrategyOptions.Strategies);
        Number<double>("--ratio", "strategy.ratio", "RP ratio r in (0, 1).");
        Choice("strategy.pad_mode", "RP tiling.", StrategyOptions.PadModes);
        Flag("--rescale", "strategy.rescale", "Rescale each layer's values to its Kaiming std.");
        // Training
        Choice("--optimizer", "training.optimizer", "Optimiser.", Names<PEMN.Training.OptimizerKind>());
        Number<double>("--lr-max", "training.lr_max", "Peak learning rate (for every strategy unless --dense-lr-max).");
        Number<double>("--dense-lr-max", "training.dense_lr_max", "Peak learning rate of dense runs.");
        Number<double>("--weight-decay", "training.weight_decay", "Weight decay.");
        Flag("--nesterov", "training.nesterov", "Nesterov momentum (SGD).");
        Choice("--schedule", "training.schedule", "Learning-rate schedule.", Names<PEMN.Training.ScheduleKind>());
        Number<int>("--epochs", "training.epochs", "Epochs.");
        Number<int>("--batch-size", "training.batch_size", "Batch size.");
        Number<double>("--label-smoothing", "training.label_smoothing", "Label smoothing in [0, 1).");
        Number<double>("--clip-norm", "training.clip_norm", "Clip the gradient's global L2 norm.");
        Number<long>("--seed", "training.seed", "Seed of weights, scores, data order and augmentation.");
        Text("--device", "device", "cpu, cuda or cuda:N.");
        Number<int>("--threads", "threads", "torch.set_num_threads (0: libtorch default).");
    }

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Preset);
        command.Options.Add(Config);
        foreach (var (option, _, _) in fields) command.Options.Add(option);
        command.Options.Add(Set);
    }

    /// <summary>The validated config the command line describes.</summary>
    public ExperimentConfig Resolve(ParseResult parse)
    {
        var config = parse.GetValue(Config) is { } file
            ? ExperimentJson.Deserialize(File.ReadAllText(file.FullName), file.FullName)
            : parse.GetValue(Preset) is { } preset ? ExperimentPresets.Get(preset) : new ExperimentConfig();
        var overrides = new List<KeyValuePair<string, JsonNode?>>();
        foreach (var (option, path, value) in fields)
            if (parse.GetResult(option) is { Implicit: false }) overrides.Add(new(path, value(parse)));
        overrides.AddRange((parse.GetValue(Set) ?? []).Select(ConfigOverrides.Parse));
        return ConfigOverrides.Apply(config, overrides).Validate();
    }

    private static string[] Names<T>() where T : struct, Enum => ExperimentJson.EnumNames<T>();

    private void Number<T>(string name, string path, string description) where T : struct
    {
        var option = new Option<T>(name) { Description = $"{description} [{path}]" };
        fields.Add((option, path, parse => JsonValue.Create(parse.GetValue(option))));
    }

    private void Flag(string name, string path, string description)
    {
        var option = new Option<bool>(name) { Description = $"{description} [{path}]" };
        fields.Add((option, path, parse => JsonValue.Create(parse.GetValue(option))));
    }

    private void Text(string name, string path, string description)
    {
        var option = new Option<string>(name) { Description = $"{description} [{path}]" };
        fields.Add((option, path, parse => JsonValue.Create(parse.GetValue(option))));
    }

    private void Choice<T>(string path, string description, NamedChoices<T> table) where T : struct, Enum =>
        Choice(table.Flag, path, description, table.Names.ToArray(), v => ExperimentJson.EnumName(table.Parse(v)));

    private void Choice(string name, string path, string description, string[] allowed, Func<string, string>? map = null)
    {
        var option = new Option<string>(name) { Description = $"{description} [{path}]" };
        option.AcceptOnlyFromAmong(allowed);
        fields.Add((option, path, parse => JsonValue.Create((map ?? (v => v))(parse.GetValue(option)!))));
    }
}
