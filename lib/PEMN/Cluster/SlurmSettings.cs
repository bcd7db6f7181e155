using System.Text.RegularExpressions;

namespace PEMN.Cluster;

/// <summary>
/// What a Slurm job array asks of the cluster: sbatch's resource options, and how the array is cut and throttled.
/// Every field is optional but the limits: what is not given is left to the cluster's defaults.
/// </summary>
/// <param name="Partition">sbatch --partition (e.g. a GPU partition).</param>
/// <param name="Time">sbatch --time, per task: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS.</param>
/// <param name="CpusPerTask">sbatch --cpus-per-task; also each task's torch thread count (config threads, not part of the run id).</param>
/// <param name="GpusPerTask">sbatch --gpus-per-task (the points' device must be cuda to use them).</param>
/// <param name="MemPerCpu">sbatch --mem-per-cpu, e.g. 4G.</param>
/// <param name="Account">sbatch --account.</param>
/// <param name="Throttle">At most this many tasks of an array run at once (sbatch --array=...%N).</param>
/// <param name="MaxArraySize">The cluster's MaxArraySize: array indices stay below it and a larger plan is cut into several arrays.</param>
/// <param name="Extra">Further sbatch options, each one "--name=value" (e.g. --constraint=a100, --qos=long).</param>
public sealed partial record SlurmSettings(
    string? Partition = null,
    string? Time = null,
    int? CpusPerTask = null,
    int? GpusPerTask = null,
    string? MemPerCpu = null,
    string? Account = null,
    int? Throttle = null,
    int MaxArraySize = SlurmSettings.DefaultMaxArraySize,
    IReadOnlyList<string>? Extra = null)
{
    /// <summary>Slurm's default MaxArraySize is 1001 (indices 0 to 1000); 1000 stays inside it on any default cluster.</summary>
    public const int DefaultMaxArraySize = 1000;

    /// <summary>Throws on the first invalid field, naming it (snake_case), the value and what is allowed.</summary>
    public SlurmSettings Validate()
    {
        Word("partition", Partition);
        Word("account", Account);
        Word("mem_per_cpu", MemPerCpu);
        if (MemPerCpu is not null && !MemoryPattern().IsMatch(MemPerCpu))
            throw new ArgumentException($"mem_per_cpu = '{MemPerCpu}' is not allowed; allowed: a size such as 4000, 4G or 512M.", "mem_per_cpu");
        if (Time is not null && !TimePattern().IsMatch(Time))
            throw new ArgumentException($"time = '{Time}' is not allowed; allowed: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS (e.g. 90, 2:00:00, 1-00).", "time");
        AtLeast("cpus_per_task", CpusPerTask, 1);
        AtLeast("gpus_per_task", GpusPerTask, 1);
        AtLeast("throttle", Throttle, 1);
        AtLeast("max_array_size", MaxArraySize, 1);
        foreach (var option in Extra ?? [])
            if (!ExtraPattern().IsMatch(option))
                throw new ArgumentException($"sbatch option '{option}' is not allowed; allowed: one option as --name or --name=value, without spaces or newlines.", "extra");
        return this;
    }

    /// <summary>The #SBATCH lines of these settings (the array, output and job name are the job folder's).</summary>
    public IEnumerable<string> Directives()
    {
        if (Partition is not null) yield return $"--partition={Partition}";
        if (Account is not null) yield return $"--account={Account}";
        if (Time is not null) yield return $"--time={Time}";
        if (CpusPerTask is { } cpus) yield return $"--cpus-per-task={cpus}";
        if (GpusPerTask is { } gpus) yield return $"--gpus-per-task={gpus}";
        if (MemPerCpu is not null) yield return $"--mem-per-cpu={MemPerCpu}";
        foreach (var option in Extra ?? []) yield return option;
    }

    private static void Word(string field, string? value)
    {
        if (value is not null && (value.Length == 0 || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '\'' or '"' or '#')))
            throw new ArgumentException($"{field} = '{value}' is not allowed; allowed: a non-empty name without spaces or quotes.", field);
    }

    private static void AtLeast(string field, int? value, int min)
    {
        if (value < min) throw new ArgumentOutOfRangeException(field, value, $"{field} = {value} is outside the allowed range [{min}, inf).");
    }

    [GeneratedRegex(@"^(\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d{1,2}|\d+-\d{1,2}:\d{1,2}|\d+-\d{1,2}:\d{1,2}:\d{1,2})$")]
    private static partial Regex TimePattern();

    [GeneratedRegex(@"^\d+[KMGT]?$")]
    private static partial Regex MemoryPattern();

    [GeneratedRegex(@"^--[a-z][a-z0-9-]*(=[^\s'""]+)?$")]
    private static partial Regex ExtraPattern();
}
