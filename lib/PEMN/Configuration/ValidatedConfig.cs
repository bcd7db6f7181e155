using System.Text.Json;
using System.Text.Json.Serialization;

namespace PEMN.Configuration;

/// <summary>
/// An experiment config that passed every check of <see cref="ExperimentConfig.Validate"/>, the only way to make one: the
/// type the runner, the trainer and the sweeps take, so that a config is checked once, where it is made (the command
/// line, a plan, a sweep file), and every rule lives in <see cref="ExperimentConfig.Validate"/> alone.
/// </summary>
[JsonConverter(typeof(Json))]
public sealed class ValidatedConfig
{
    internal ValidatedConfig(ExperimentConfig config) => Config = config;

    /// <summary>The config.</summary>
    public ExperimentConfig Config { get; }

    /// <summary>The config, where an <see cref="ExperimentConfig"/> is expected (edit it, and validate the edited copy again).</summary>
    public static implicit operator ExperimentConfig(ValidatedConfig validated) => validated.Config;

    /// <summary>The network this experiment trains (<see cref="ExperimentConfig.Network"/>).</summary>
    public Strategies.NetworkSpec Network => Config.Network;

    /// <inheritdoc/>
    public override string ToString() => Config.ToString();

    /// <summary>In JSON a checked config is its config: written as one, and checked again when read.</summary>
    private sealed class Json : JsonConverter<ValidatedConfig>
    {
        public override ValidatedConfig Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            (JsonSerializer.Deserialize<ExperimentConfig>(ref reader, options) ?? throw new JsonException("A config is null.")).Validate();

        public override void Write(Utf8JsonWriter writer, ValidatedConfig value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.Config, options);
    }
}
