using PEMN.Configuration;
using PEMN.Runtime;

namespace PEMN.Runs;

/// <summary>
/// Where runs live: a folder holding <c>runs/&lt;run id&gt;/</c> and the runs table that lists them (<c>runs.csv</c> in
/// that folder unless another table is named). The one way from a results root to a plan's folder at a scale, and from
/// there to a run's folder: no caller joins these paths by hand. A command's <c>--out</c> is always this folder.
/// </summary>
public sealed record RunsLocation
{
    /// <summary>The folder of run folders inside the location.</summary>
    public const string RunsFolderName = "runs";
    /// <summary>The runs table's file name when none is named.</summary>
    public const string TableName = "runs.csv";

    private RunsLocation(string directory, string table)
    {
        Directory = Path.GetFullPath(directory);
        Table = Path.GetFullPath(table);
    }

    /// <summary>The folder holding <c>runs/</c> (a command's <c>--out</c>), as a full path.</summary>
    public string Directory { get; }

    /// <summary>The runs table, as a full path.</summary>
    public string Table { get; }

    /// <summary>The folder of run folders: &lt;location&gt;/runs.</summary>
    public string RunsDirectory => Path.Combine(Directory, RunsFolderName);

    /// <summary>The location <paramref name="directory"/>, listed by <paramref name="table"/> (default &lt;directory&gt;/runs.csv).</summary>
    public static RunsLocation At(string directory, string? table = null) =>
        new(directory, table ?? Path.Combine(directory, TableName));

    /// <summary>The location a runs table belongs to: the table's own folder holds the runs it lists.</summary>
    public static RunsLocation OfTable(string csvPath) =>
        new(Path.GetDirectoryName(Path.GetFullPath(csvPath)) ?? ".", csvPath);

    /// <summary>A plan's runs at a scale under a results root: &lt;results&gt;/&lt;plan folder&gt;/&lt;scale&gt;.</summary>
    public static RunsLocation OfPlan(string results, string planFolder, Scale scale) =>
        At(Path.Combine(results, planFolder, Names.Of(scale)));

    /// <summary>The folder of run <paramref name="runId"/>: &lt;location&gt;/runs/&lt;run id&gt;.</summary>
    public RunFolder Run(string runId) => new(Path.Combine(RunsDirectory, runId));

    /// <summary>The folder of the run of <paramref name="config"/> (its run id, <see cref="ExperimentJson.RunId"/>).</summary>
    public RunFolder Run(ExperimentConfig config) => Run(ExperimentJson.RunId(config));

    /// <summary>A run folder's path relative to the location (runs/&lt;run id&gt;), as records written inside it name it.</summary>
    public static string RelativeRunPath(string runId) => Path.Combine(RunsFolderName, runId);
}
