using System.Text.Json;
using PEMN.Runtime;

namespace PEMN.Cli;

/// <summary>The one JSON style of every <c>--json</c> output: snake_case names, enums by their canonical names.</summary>
public static class CliJson
{
    /// <summary>Serializer options for CLI output.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new NamesJsonConverter() },
    };
}
