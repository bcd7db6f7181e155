using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using PEMN.Configuration;
using PEMN.Data;
using PEMN.Masking;
using PEMN.Models;
using PEMN.Runtime;
using PEMN.Strategies;
using PEMN.Training;

namespace PEMN.Cli.Options;

/// <summary>
/// The one option system of every command that describes an experiment (train, ladder, storage, bench): a base
/// (--preset or --config FILE, else the command's default), one flag per config field, and --set path=value for any
/// field. A flag is the field's JSON name in kebab case (--lr-max is training.lr_max), with the paper's short names as
/// aliases (--k, --width); enum values take any spelling of <see cref="Names"/> (rp, random_vector_padding, ...).
/// Every flag is a typed edit of its field (<see cref="ConfigEdit"/>); --set is the JSON edge (<see cref="ConfigOverrides"/>).
/// Flags and --set are one batch on the base (<see cref="ConfigEdit.ApplyAll"/>: --set after the flags); the result is
/// validated once, and an error names the flag, the value and the allowed values.
/// </summary>
public sealed class ExperimentOptions
{
    private readonly ExperimentConfig defaultBase;
    private readonly List<Field> fields = [];

    private sealed record Field(Option Option, string Path, Func<ParseResult, ConfigEdit> Edit);

    /// <summary>
    /// Whether the command trains several strategies from one base (the ladder): then a strategy field applies when any of
    /// them uses it, and none is refused for the base's own strategy.
    /// </summary>
    public bool SweepsStrategies { get; init; }

    /// <summary>Base preset.</summary>
    public Option<string> Preset { get; } = new("--preset")
    {
        Description = $"Base preset: {string.Join(", ", ExperimentPresets.Names)}.",
    };

    /// <summary>Base config file.</summary>
    public Option<string> Config { get; } = new("--config") { Description = "Base config JSON file (instead of --preset)." };

    /// <summary>Any field by JSON path.</summary>
    public Option<string[]> Set { get; } = new("--set")
    {
        Description = "Set any config field by JSON path, e.g. --set training.label_smoothing=0.1 (repeatable; applied last).",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Creates the options.</summary>
    /// <param name="defaultBase">The base config when neither --preset nor --config is given (default: the library defaults).</param>
    /// <param name="defaultBaseDescription">How the help text names that base.</param>
    public ExperimentOptions(ExperimentConfig? defaultBase = null, string defaultBaseDescription = "the library defaults: the paper's ConvMixer-256/8 on CIFAR-10")
    {
        this.defaultBase = defaultBase ?? new ExperimentConfig();
        Preset.Description += $" Default: {defaultBaseDescription}.";
        Text("name", "Label of the run (not part of the run id).", (c, v) => c with { Name = v });
        // Data
        Choice<DataSetName>("data.dataset", "Image set.", ConfigEdit.DataSet, flag: "--dataset");
        Number<int>("data.per_class", "Training subset: first N images of each class.", (c, v) => c with { Data = c.Data with { PerClass = v } });
        Number<int>("data.total", "Training subset: first N images.", (c, v) => c with { Data = c.Data with { Total = v } });
        Number<int>("data.test_per_class", "Test subset: first N images of each class.", (c, v) => c with { Data = c.Data with { TestPerClass = v } });
        Text("data.data_dir", "Folder of the data set files.", (c, v) => c with { Data = c.Data with { DataDir = v } });
        Flag("data.augment", "Augment training images (--augment false to disable).", (c, v) => c with { Data = c.Data with { Augment = v } });
        Number<int>("data.crop_padding", "Padding before the random crop, pixels (crop_flip recipe).", (c, v) => c with { Data = c.Data with { CropPadding = v } });
        Choice<AugmentPolicy>("data.augment_policy", "Augmentation recipe.", (c, v) => c with { Data = c.Data with { AugmentPolicy = v } });
        // Model
        var model = new Option<string>("--model")
        {
            Description = $"Architecture: {ModelConfig.AllowedNames} (the last ones name and depth).",
        };
        Add(model, ConfigEdit.ModelNamePath, parse => ConfigEdit.ModelName(parse.GetValue(model) ?? ""));
        Number<long>("model.dim", "Width (channels; ConvMixer, ViT).", (c, v) => c with { Model = c.Model with { Dim = v } });
        Number<long>("model.depth", "Blocks (ConvMixer, ViT) or layers (ResNet: 6n + 2).", (c, v) => c with { Model = c.Model with { Depth = v } });
        Number<long>("model.kernel", "Depthwise kernel size (ConvMixer).", (c, v) => c with { Model = c.Model with { Kernel = v } });
        Number<long>("model.patch", "Patch size (ConvMixer, ViT).", (c, v) => c with { Model = c.Model with { Patch = v } });
        Number<long>("model.in_channels", "Image channels.", (c, v) => c with { Model = c.Model with { InChannels = v } });
        Number<long>("model.classes", "Classes.", (c, v) => c with { Model = c.Model with { Classes = v } });
        Number<long>("model.image_size", "Image side, pixels.", (c, v) => c with { Model = c.Model with { ImageSize = v } });
        Choice<Activation>("model.activation", "Non-linearity (ConvMixer).", (c, v) => c with { Model = c.Model with { Activation = v } });
        Number<long>("model.heads", "Attention heads (ViT).", (c, v) => c with { Model = c.Model with { Heads = v } });
        Number<long>("model.mlp_ratio", "MLP hidden width over dim (ViT).", (c, v) => c with { Model = c.Model with { MlpRatio = v } });
        Choice<Pooling>("model.pooling", "Class token or mean pooling (ViT).", (c, v) => c with { Model = c.Model with { Pooling = v } });
        Number<long>("model.width_multiplier", "Width multiplier of ResNet's 16/32/64 channels.", (c, v) => c with { Model = c.Model with { WidthMultiplier = v } }, "--width");
        // Masking and strategy
        Number<double>("masking.keep_fraction", "Keep fraction of every layer, in (0, 1]: k of every mask (PEMN), q of a sparse_* baseline.",
            (c, v) => c with { Masking = c.Masking with { KeepFraction = v } }, "--k");
        Choice<WeightInit>("masking.weight_init", "Frozen weight init.", (c, v) => c with { Masking = c.Masking with { WeightInit = v } });
        Choice<NormMode>("masking.norm", "Norm layers: learnable affine or not (the authors' learn / not-learn).", (c, v) => c with { Masking = c.Masking with { Norm = v } });
        Choice<StrategyName>("strategy.name", "Which random values fill the frozen weights, or a sparse baseline (sparse_*: trained weights under a fixed mask).",
            (c, v) => c with { Strategy = c.Strategy with { Name = v } }, flag: "--strategy");
        Number<double>("strategy.ratio", $"RP ratio r in {StrategyConfig.RatioRange}: the vector holds floor(N r) + 1 values.", (c, v) => c with { Strategy = c.Strategy with { Ratio = v } });
        Choice<PadMode>("strategy.pad_mode", "RP tiling: plain copies or a seeded permutation.", (c, v) => c with { Strategy = c.Strategy with { PadMode = v } });
        Flag("strategy.rescale", "MP/RP: rescale each layer's values to its own Kaiming std.", (c, v) => c with { Strategy = c.Strategy with { Rescale = v } });
        Flag("strategy.include_linear", "One-layer: linear layers share prototypes too (always on a ViT).", (c, v) => c with { Strategy = c.Strategy with { IncludeLinear = v } });
        Flag("strategy.sign_symmetric", "RP: tile the vector followed by its negation, [u, -u] (both signs of every stored value, no storage cost).",
            (c, v) => c with { Strategy = c.Strategy with { SignSymmetric = v } });
        // Training
        Choice<OptimizerKind>("training.optimizer", "Optimiser.", (c, v) => c with { Training = c.Training with { Optimizer = v } });
        Number<double>("training.lr_max", "Peak learning rate (for every strategy unless --dense-lr-max).", ConfigEdit.LrMax);
        Number<double>("training.dense_lr_max", "Peak learning rate of dense runs.", (c, v) => c with { Training = c.Training with { DenseLrMax = v } });
        Number<double>("training.weight_decay", "Weight decay.", (c, v) => c with { Training = c.Training with { WeightDecay = v } });
        Flag("training.nesterov", "Nesterov momentum (SGD).", (c, v) => c with { Training = c.Training with { Nesterov = v } });
        Choice<ScheduleKind>("training.schedule", "Learning-rate schedule.", (c, v) => c with { Training = c.Training with { Schedule = v } });
        Number<int>("training.epochs", "Epochs.", (c, v) => c with { Training = c.Training with { Epochs = v } });
        Number<int>("training.batch_size", "Batch size.", (c, v) => c with { Training = c.Training with { BatchSize = v } });
        Number<double>("training.label_smoothing", "Label smoothing in [0, 1).", (c, v) => c with { Training = c.Training with { LabelSmoothing = v } });
        Number<double>("training.clip_norm", "Clip the gradient's global L2 norm.", (c, v) => c with { Training = c.Training with { ClipNorm = v } });
        Number<long>("training.seed", "Seed of weights, scores, data order and augmentation.", (c, v) => c with { Training = c.Training with { Seed = v } });
        Choice<Precision>("training.precision", "fp32, or bf16 mixed precision (convolutions and matrix products in bfloat16, libtorch's autocast; part of the run id).",
            (c, v) => c with { Training = c.Training with { Precision = v } });
        Choice<MemoryFormat>("training.memory_format", "Layout of convolutions while training: channels_last (NHWC, fast on CPUs) or contiguous (NCHW, how runs before it trained); not part of the run id.",
            (c, v) => c with { Training = c.Training with { MemoryFormat = v } });
        Text("device", "cpu, cuda or cuda:N.", (c, v) => c with { Device = v });
        Number<int>("threads", "torch.set_num_threads (0: libtorch's default; not part of the run id).", (c, v) => c with { Threads = v });
    }

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Preset);
        command.Options.Add(Config);
        foreach (var field in fields) command.Options.Add(field.Option);
        command.Options.Add(Set);
    }

    /// <summary>The flag of a config field (e.g. "--k" for masking.keep_fraction), or null when it has none.</summary>
    public string? FlagOf(string path) => fields.FirstOrDefault(f => f.Path == path)?.Option.Name;

    /// <summary>Whether the command line sets <paramref name="path"/> by its flag or by --set.</summary>
    public bool IsGiven(ParseResult parse, string path) =>
        fields.Any(f => f.Path == path && parse.GetResult(f.Option) is { Implicit: false })
        || (parse.GetValue(Set) ?? []).Any(a => a.Split('=')[0].Trim() == path);

    /// <summary>The config the command line describes, validated (once, here).</summary>
    /// <exception cref="UsageException">A flag, value or file is not allowed; the message names it and what is allowed.</exception>
    public ValidatedConfig Resolve(ParseResult parse)
    {
        var config = Base(parse);
        var fromSet = new HashSet<string>(StringComparer.Ordinal);
        var assignments = new List<KeyValuePair<string, JsonNode?>>();
        foreach (var assignment in parse.GetValue(Set) ?? [])
        {
            try
            {
                var parsed = ConfigOverrides.Parse(assignment);
                assignments.Add(parsed);
                fromSet.Add(parsed.Key);
            }
            catch (ArgumentException e)
            {
                throw new UsageException(Set.Name, ConfigError.Describe(e));
            }
        }
        try
        {
            var edits = fields.Where(f => parse.GetResult(f.Option) is { Implicit: false }).Select(f => f.Edit(parse))
                .Concat(assignments.Select(a => ConfigOverrides.AtPath(a.Key, a.Value)));
            return RefuseNotApplying(parse, ConfigEdit.ApplyAll(config, edits).Validate(), fromSet);
        }
        catch (ArgumentException e)
        {
            var path = e.ParamName ?? "";
            var flag = fromSet.Contains(path) ? $"--set {path}" : TypedFlag(parse, path) ?? SourceOf(parse);
            throw new UsageException(flag, ConfigError.Describe(e));
        }
        catch (FormatException e)
        {
            throw new UsageException(fromSet.Count > 0 ? Set.Name : SourceOf(parse), e.Message);
        }
    }

    /// <summary>
    /// Returns <paramref name="config"/> unless the command line set a strategy field that does not apply to its strategy
    /// (<see cref="StrategyConfig.Applies"/>: --ratio with mask, say), which would otherwise be ignored without a word.
    /// </summary>
    private ValidatedConfig RefuseNotApplying(ParseResult parse, ValidatedConfig validated, HashSet<string> fromSet)
    {
        if (SweepsStrategies) return validated;
        var config = validated.Config;
        const string prefix = "strategy.";
        var given = fields.Where(f => parse.GetResult(f.Option) is { Implicit: false }).Select(f => f.Path).Concat(fromSet);
        foreach (var path in given.Where(p => p.StartsWith(prefix, StringComparison.Ordinal) && p != "strategy.name"))
            if (!config.Strategy.Applies(path[prefix.Length..]))
                throw new UsageException(fromSet.Contains(path) ? $"--set {path}" : TypedFlag(parse, path) ?? path,
                    $"{path} does not apply to strategy {Names.Of(config.Strategy.Name)} and would be ignored; " +
                    $"it applies to {string.Join(", ", Enum.GetValues<StrategyName>().Where(n => (config.Strategy with { Name = n }).Applies(path[prefix.Length..])).Select(n => Names.Of(n)))}.");
        return validated;
    }

    private ExperimentConfig Base(ParseResult parse)
    {
        if (parse.GetValue(Config) is { } file)
        {
            if (parse.GetValue(Preset) is not null)
                throw new UsageException(Config.Name, "give --config or --preset, not both.");
            if (Directory.Exists(file)) throw new UsageException(Config.Name, $"'{file}' is a folder; allowed: a config JSON file.");
            if (!File.Exists(file)) throw new UsageException(Config.Name, $"'{file}' does not exist; allowed: a config JSON file.");
            try
            {
                return ExperimentJson.Deserialize(File.ReadAllText(file), file);
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                throw new UsageException(Config.Name, ConfigError.Describe(e));
            }
        }
        if (parse.GetValue(Preset) is { } preset)
        {
            try { return ExperimentPresets.Get(preset); }
            catch (ArgumentException e) { throw new UsageException(Preset.Name, ConfigError.Describe(e)); }
        }
        return defaultBase;
    }

    /// <summary>The flag of <paramref name="path"/> as the user typed it (--k or --keep-fraction), when it was given.</summary>
    private string? TypedFlag(ParseResult parse, string path) =>
        fields.Where(f => f.Path == path).Select(f => parse.GetResult(f.Option)).FirstOrDefault(r => r is { Implicit: false }) is { } result
            ? result.IdentifierToken?.Value ?? result.Option.Name
            : null;

    private string SourceOf(ParseResult parse) =>
        parse.GetValue(Config) is not null ? Config.Name : parse.GetValue(Preset) is not null ? Preset.Name : "config";

    private static string FlagName(string path) => "--" + path.Split('.')[^1].Replace('_', '-');

    private void Add(Option option, string path, Func<ParseResult, ConfigEdit> edit)
    {
        option.Description = $"{option.Description} [{path}]";
        fields.Add(new Field(option, path, edit));
    }

    private void Number<T>(string path, string description, Func<ExperimentConfig, T, ExperimentConfig> set, params string[] aliases) where T : struct =>
        Number<T>(path, description, v => new ConfigEdit(path, c => set(c, v)), aliases);

    private void Number<T>(string path, string description, Func<T, ConfigEdit> edit, params string[] aliases) where T : struct
    {
        var option = new Option<T>(FlagName(path), aliases) { Description = description };
        Add(option, path, parse =>
        {
            var value = parse.GetValue(option);
            // NaN and infinities parse as doubles but are no value of any field (and config.json cannot carry them).
            if (value is double number && !double.IsFinite(number))
                throw new UsageException(TypedFlag(parse, path) ?? option.Name,
                    $"{number.ToString(CultureInfo.InvariantCulture)} is not allowed for {path}; allowed: a finite number ({description.TrimEnd('.')}).");
            return edit(value);
        });
    }

    private void Flag(string path, string description, Func<ExperimentConfig, bool, ExperimentConfig> set)
    {
        var option = new Option<bool>(FlagName(path)) { Description = description };
        Add(option, path, parse => new ConfigEdit(path, c => set(c, parse.GetValue(option))));
    }

    private void Text(string path, string description, Func<ExperimentConfig, string, ExperimentConfig> set)
    {
        var option = new Option<string>(FlagName(path)) { Description = description };
        Add(option, path, parse => new ConfigEdit(path, c => set(c, parse.GetValue(option) ?? "")));
    }

    private void Choice<T>(string path, string description, Func<ExperimentConfig, T, ExperimentConfig> set, string? flag = null) where T : struct, Enum =>
        Choice<T>(path, description, v => new ConfigEdit(path, c => set(c, v)), flag);

    private void Choice<T>(string path, string description, Func<T, ConfigEdit> edit, string? flag = null) where T : struct, Enum
    {
        var option = new Option<string>(flag ?? FlagName(path)) { Description = $"{description} One of: {Names.Allowed<T>()}." };
        Add(option, path, parse =>
        {
            var text = parse.GetValue(option);
            return Names.TryParse<T>(text, out var value)
                ? edit(value)
                : throw new UsageException(TypedFlag(parse, path) ?? option.Name, $"'{text}' is not allowed; allowed: {Names.Allowed<T>()}.");
        });
    }
}
