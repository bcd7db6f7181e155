using System.Text;
using PEMN.Configuration;
using PEMN.Runs;
using PEMN.Runtime;
using PEMN.Training;

namespace PEMN.Fuzz.Targets;

/// <summary>What a clone of someone's results holds: run folders and runs.csv.</summary>
public static class RunsTargets
{
    /// <summary>File names of the run-folder target's parts, in input order.</summary>
    private static readonly string[] RunParts =
        [RunFolder.ConfigFile, RunFolder.HistoryFile, RunFolder.MetricsFile, RunFolder.ProvenanceFile, RunFolder.LockFile,
         Path.Combine(RunFolder.CheckpointFolder, Checkpoint.StateFile)];

    /// <summary>
    /// A run folder made of the input's NUL-separated parts (<see cref="InputParts"/>): config, history, metrics, provenance,
    /// lock and the checkpoint index. The folder is named after the config's run id when the config parses, so that the
    /// fuzzer gets past the id check; inspected (which never throws on damage) and read as a complete run.
    /// </summary>
    public static FuzzTarget RunFolderFiles { get; } = new("runfolder", "run folders: config, history, metrics, provenance, lock, checkpoint index (RunFolder)",
        input =>
        {
            var parts = InputParts.Split(input, RunParts.Length);
            var folder = Path.Combine(Scratch.Folder("runs"), RunId(parts[0]));
            Directory.CreateDirectory(Path.Combine(folder, RunFolder.CheckpointFolder));
            for (var i = 0; i < RunParts.Length; i++)
                if (parts[i] is { } part) File.WriteAllBytes(Path.Combine(folder, RunParts[i]), part);
            var run = new RunFolder(folder);
            run.Inspect();
            run.ReadComplete();
        },
        [typeof(CorruptFileException)]);

    /// <summary>runs.csv (RunsCsv.Read).</summary>
    public static FuzzTarget RunsCsvFile { get; } = new("runscsv", "runs.csv tables (RunsCsv.Read)",
        input => RunsCsv.Read(Scratch.File("runs.csv", input)),
        [typeof(RunsTableException)]);

    /// <summary>The run id of the config in <paramref name="config"/>, or a fixed name when it is no config.</summary>
    private static string RunId(byte[]? config)
    {
        const string NoConfig = "not-a-run";
        if (config is null) return NoConfig;
        try
        {
            return ExperimentJson.RunId(ExperimentJson.Deserialize(Encoding.UTF8.GetString(config), ""));
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return NoConfig;
        }
    }
}
