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
/// Every flag is an override by JSON path (<see cref="ConfigOverrides"/>), applied in the order: base, flags, --set;
/// the result is validated once, and an error names the flag, the value and the allowed values.
/// </summary>
public sealed class ExperimentOptions
{
    private readonly ExperimentConfig defaultBase;
    private readonly List<Field> fields = [];

    private sealed record Field(Option Option, string Path, Func<ParseResult, JsonNode?> Value);

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
        Text("name", "Label of the run (not part of the run id).");
        // Data
        Choice<DataSetName>("data.dataset", "Image set.", flag: "--dataset");
        Number<int>("data.per_class", "Training subset: first N images of each class.");
        Number<int>("data.total", "Training subset: first N images.");
        Number<int>("data.test_per_class", "Test subset: first N images of each class.");
        Text("data.data_dir", "Folder of the data set files.");
        Flag("data.augment", "Augment training images (--augment false to disable).");
        Number<int>("data.crop_padding", "Padding before the random crop, pixels (crop_flip recipe).");
        Choice<AugmentPolicy>("data.augment_policy", "Augmentation recipe.");
        // Model
        Add(new Option<string>("--model")
        {
            Description = $"Architecture: {Names.Allowed<ModelName>()}, or {string.Join(", ", ModelConfig.DepthAliases.Keys)} (name and depth).",
        }, "model.name", parse => JsonValue.Create(ModelValue(parse)));
        Number<long>("model.dim", "Width (channels; ConvMixer, ViT).");
        Number<long>("model.depth", "Blocks (ConvMixer, ViT) or layers (ResNet: 6n + 2).");
        Number<long>("model.kernel", "Depthwise kernel size (ConvMixer).");
        Number<long>("model.patch", "Patch size (ConvMixer, ViT).");
        Number<long>("model.in_channels", "Image channels.");
        Number<long>("model.classes", "Classes.");
        Number<long>("model.image_size", "Image side, pixels.");
        Choice<Activation>("model.activation", "Non-linearity (ConvMixer).");
        Number<long>("model.heads", "Attention heads (ViT).");
        Number<long>("model.mlp_ratio", "MLP hidden width over dim (ViT).");
        Choice<Pooling>("model.pooling", "Class token or mean pooling (ViT).");
        Number<long>("model.width_multiplier", "Width multiplier of ResNet's 16/32/64 channels.", "--width");
        // Masking and strategy
        Number<double>("masking.keep_fraction", "Keep fraction of every layer, in (0, 1]: k of every mask (PEMN), q of a sparse_* baseline.", "--k");
        Choice<WeightInit>("masking.weight_init", "Frozen weight init.");
        Choice<NormMode>("masking.norm", "Norm layers: learnable affine or not (the authors' learn / not-learn).");
        Choice<StrategyName>("strategy.name", "Which random values fill the frozen weights, or a sparse baseline (sparse_*: trained weights under a fixed mask).", flag: "--strategy");
        Number<double>("strategy.ratio", $"RP ratio r in {StrategyConfig.RatioRange}: the vector holds floor(N r) + 1 values.");
        Choice<PadMode>("strategy.pad_mode", "RP tiling: plain copies or a seeded permutation.");
        Flag("strategy.rescale", "MP/RP: rescale each layer's values to its own Kaiming std.");
        Flag("strategy.include_linear", "One-layer: linear layers share prototypes too (always on a ViT).");
        Flag("strategy.sign_symmetric", "RP: tile the vector followed by its negation, [u, -u] (both signs of every stored value, no storage cost).");
        // Training
        Choice<OptimizerKind>("training.optimizer", "Optimiser.");
        Number<double>("training.lr_max", "Peak learning rate (for every strategy unless --dense-lr-max).");
        Number<double>("training.dense_lr_max", "Peak learning rate of dense runs.");
        Number<double>("training.weight_decay", "Weight decay.");
        Flag("training.nesterov", "Nesterov momentum (SGD).");
        Choice<ScheduleKind>("training.schedule", "Learning-rate schedule.");
        Number<int>("training.epochs", "Epochs.");
        Number<int>("training.batch_size", "Batch size.");
        Number<double>("training.label_smoothing", "Label smoothing in [0, 1).");
        Number<double>("training.clip_norm", "Clip the gradient's global L2 norm.");
        Number<long>("training.seed", "Seed of weights, scores, data order and augmentation.");
        Choice<Precision>("training.precision", "fp32, or bf16 mixed precision (convolutions and matrix products in bfloat16, libtorch's autocast; part of the run id).");
        Choice<MemoryFormat>("training.memory_format", "Layout of convolutions while training: channels_last (NHWC, fast on CPUs) or contiguous (NCHW, how runs before it trained); not part of the run id.");
        Text("device", "cpu, cuda or cuda:N.");
        Number<int>("threads", "torch.set_num_threads (0: libtorch's default; not part of the run id).");
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

    /// <summary>The validated config the command line describes.</summary>
    /// <exception cref="UsageException">A flag, value or file is not allowed; the message names it and what is allowed.</exception>
    public ExperimentConfig Resolve(ParseResult parse)
    {
        var config = Base(parse);
        var overrides = new List<KeyValuePair<string, JsonNode?>>();
        var fromSet = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in fields)
            if (parse.GetResult(field.Option) is { Implicit: false }) overrides.Add(new(field.Path, field.Value(parse)));
        foreach (var assignment in parse.GetValue(Set) ?? [])
        {
            try
            {
                var parsed = ConfigOverrides.Parse(assignment);
                overrides.Add(parsed);
                fromSet.Add(parsed.Key);
            }
            catch (ArgumentException e)
            {
                throw new UsageException(Set.Name, ConfigError.Describe(e));
            }
        }
        try
        {
            return RefuseNotApplying(parse, ConfigOverrides.Apply(config, overrides).Validate(), fromSet);
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
    private ExperimentConfig RefuseNotApplying(ParseResult parse, ExperimentConfig config, HashSet<string> fromSet)
    {
        if (SweepsStrategies) return config;
        const string prefix = "strategy.";
        var given = fields.Where(f => parse.GetResult(f.Option) is { Implicit: false }).Select(f => f.Path).Concat(fromSet);
        foreach (var path in given.Where(p => p.StartsWith(prefix, StringComparison.Ordinal) && p != "strategy.name"))
            if (!config.Strategy.Applies(path[prefix.Length..]))
                throw new UsageException(fromSet.Contains(path) ? $"--set {path}" : TypedFlag(parse, path) ?? path,
                    $"{path} does not apply to strategy {Names.Of(config.Strategy.Name)} and would be ignored; " +
                    $"it applies to {string.Join(", ", Enum.GetValues<StrategyName>().Where(n => (config.Strategy with { Name = n }).Applies(path[prefix.Length..])).Select(n => Names.Of(n)))}.");
        return config;
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

    private void Add(Option option, string path, Func<ParseResult, JsonNode?> value)
    {
        option.Description = $"{option.Description} [{path}]";
        fields.Add(new Field(option, path, value));
    }

    private void Number<T>(string path, string description, params string[] aliases) where T : struct
    {
        var option = new Option<T>(FlagName(path), aliases) { Description = description };
        Add(option, path, parse =>
        {
            var value = parse.GetValue(option);
            // NaN and infinities parse as doubles but are no value of any field (and JSON cannot carry them).
            if (value is double number && !double.IsFinite(number))
                throw new UsageException(TypedFlag(parse, path) ?? option.Name,
                    $"{number.ToString(CultureInfo.InvariantCulture)} is not allowed for {path}; allowed: a finite number ({description.TrimEnd('.')}).");
            return JsonValue.Create(value);
        });
    }

    private void Flag(string path, string description)
    {
        var option = new Option<bool>(FlagName(path)) { Description = description };
        Add(option, path, parse => JsonValue.Create(parse.GetValue(option)));
    }

    private void Text(string path, string description)
    {
        var option = new Option<string>(FlagName(path)) { Description = description };
        Add(option, path, parse => JsonValue.Create(parse.GetValue(option)));
    }

    private void Choice<T>(string path, string description, string? flag = null) where T : struct, Enum
    {
        var option = new Option<string>(flag ?? FlagName(path)) { Description = $"{description} One of: {Names.Allowed<T>()}." };
        Add(option, path, parse =>
        {
            var text = parse.GetValue(option);
            return Names.TryParse<T>(text, out var value)
                ? JsonValue.Create(Names.Of(value))
                : throw new UsageException(TypedFlag(parse, path) ?? option.Name, $"'{text}' is not allowed; allowed: {Names.Allowed<T>()}.");
        });
    }

    private string ModelValue(ParseResult parse)
    {
        var option = fields.Single(f => f.Path == "model.name").Option;
        var text = parse.GetValue((Option<string>)option);
        if (text is not null && ModelConfig.DepthAliases.ContainsKey(text)) return text.ToLower(CultureInfo.InvariantCulture);
        return Names.TryParse<ModelName>(text, out var name)
            ? Names.Of(name)
            : throw new UsageException(option.Name, $"'{text}' is not allowed; allowed: {Names.Allowed<ModelName>()}, {string.Join(", ", ModelConfig.DepthAliases.Keys)}.");
    }
}
