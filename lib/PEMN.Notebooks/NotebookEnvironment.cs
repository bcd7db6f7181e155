using PEMN.Runtime;
using static TorchSharp.torch;

namespace PEMN.Notebooks;

/// <summary>
/// What the shared set-up cell of every notebook (notebooks/setup/Setup.csharp.dib, Setup.fsharp.dib) calls:
/// native libtorch loaded, the FSharp.Core redirect installed, the repository located, and the
/// run's scale and device chosen. Idempotent: re-running the cell is harmless.
/// </summary>
public static class NotebookEnvironment
{
    /// <summary>
    /// The scale <paramref name="value"/> of <c>PEMN_SCALE</c> names (case-insensitive, blanks around it ignored); unset or blank:
    /// <see cref="Configuration.Scales.Default"/>, so interactive use gets real, CPU-sized runs.
    /// </summary>
    /// <exception cref="ArgumentException">Not a scale; the message names the variable, the value and the allowed scales.</exception>
    public static Configuration.Scale ParseScale(string? value) =>
        string.IsNullOrWhiteSpace(value) ? Configuration.Scales.Default : Configuration.Scales.Parse(value.Trim(), ScaleVariable);

    /// <summary>Environment variable choosing the notebook scale: smoke, quick or paper.</summary>
    public const string ScaleVariable = "PEMN_SCALE";
    /// <summary>Environment variable naming the results folder (default: results/ under the repository root; tests use a temporary one).</summary>
    public const string ResultsVariable = "PEMN_RESULTS";
    /// <summary>Environment variable naming the data folder (default: data/ under the repository root).</summary>
    public const string DataVariable = "PEMN_DATA";

    /// <summary>Prepares the process for notebook use and returns where and how big to run.</summary>
    public static NotebookSession Initialize()
    {
        FSharpCoreRedirect.Install();
        var natives = NativeTorchLoader.EnsureLoaded();
        var root = Repository.Find();
        var scale = ParseScale(Environment.GetEnvironmentVariable(ScaleVariable));
        var data = Environment.GetEnvironmentVariable(DataVariable);
        var device = cuda.is_available() ? CUDA : CPU;
        return new NotebookSession(
            root,
            scale,
            device,
            string.IsNullOrWhiteSpace(data) ? Path.Combine(root, "data") : Path.GetFullPath(data),
            Environment.GetEnvironmentVariable(ResultsVariable) is { Length: > 0 } results ? Path.GetFullPath(results) : Path.Combine(root, "results"),
            natives);
    }
}

/// <summary>The answer of <see cref="NotebookEnvironment.Initialize"/>.</summary>
/// <param name="RepoRoot">The repository root (holds PEMN.Notebooks.sln).</param>
/// <param name="Scale">How much work the notebook does (<c>PEMN_SCALE</c>).</param>
/// <param name="Device">CUDA when available, else CPU.</param>
/// <param name="DataDirectory">Where data sets live (<c>PEMN_DATA</c>, default data/).</param>
/// <param name="ResultsDirectory">Where runs write results (results/).</param>
/// <param name="NativeLibraries">The native libraries loaded by absolute path.</param>
public sealed record NotebookSession(
    string RepoRoot,
    Configuration.Scale Scale,
    Device Device,
    string DataDirectory,
    string ResultsDirectory,
    IReadOnlyList<string> NativeLibraries)
{
    /// <summary>The experiment preset of this scale (smoke, quick or paper) that notebooks start from.</summary>
    public Configuration.ExperimentConfig Preset => Configuration.ExperimentPresets.Get(Scale);

    /// <summary>The scale's name in lower case, as PEMN_SCALE spells it; also the results sub-folder of a scale.</summary>
    public string ScaleName => Runtime.Names.Of(Scale);

    /// <summary>results/&lt;experiment&gt;/&lt;scale&gt;/: where a notebook's runs and tables go, so scales never mix.</summary>
    public string ResultsFor(string experiment) => Path.Combine(ResultsDirectory, experiment, ScaleName);

    /// <summary>One line for the set-up cell's output.</summary>
    public override string ToString() =>
        $"PEMN notebook: scale={ScaleName}, device={Device.type}, torch threads={get_num_threads()}, allocator={PEMN.Runtime.Machine.Allocator}, root={RepoRoot}";
}
