using System.Text.Json;
using PEMN.Configuration;
using PEMN.Runs;
using PEMN.Runtime;
using PEMN.Strategies;

namespace PEMN.Sweeps;

/// <summary>
/// Runs that two figure plans share (the same canonical config, so the same run id, e.g. Fig. 5's dense ConvMixer and
/// the strategy ladder's) are trained once: every plan keeps its own folder (results/&lt;plan folder&gt;/&lt;scale&gt;/, which
/// its notebook and tables read alone), and a run that is complete in another plan's folder at the same scale is copied
/// in instead of trained again: its records (provenance.json too, so its row of the table keeps the commit, machine and
/// date it was trained at), its checkpoint when there is one (a parent's trained weights), and <see cref="SourceFile"/>
/// naming where it came from.
/// A run that is the parent of a run still to train is copied only with its trained weights (else it is trained here).
/// </summary>
public static class RunReuse
{
    /// <summary>Written into a copied run folder: where the run was trained.</summary>
    public const string SourceFile = "copied-from.json";

    /// <summary>What <see cref="SourceFile"/> holds.</summary>
    /// <param name="Source">The run folder it was copied from, relative to the results folder.</param>
    /// <param name="CopiedAt">When (UTC, ISO 8601).</param>
    public sealed record CopyRecord(string Source, string CopiedAt);

    /// <summary>
    /// The folder of a complete run <paramref name="runId"/> in another plan's folder at <paramref name="scale"/> under
    /// <paramref name="results"/>, or null: one where it was trained if there is one (not itself a copy), else the first in
    /// folder-name order.
    /// </summary>
    /// <param name="results">The results folder (results/ of the repository).</param>
    /// <param name="scale">The scale sub-folder.</param>
    /// <param name="outDirectory">This plan's output folder (results/&lt;folder&gt;/&lt;scale&gt;), not searched.</param>
    /// <param name="runId">The run id.</param>
    public static string? FindElsewhere(string results, Scale scale, string outDirectory, string runId)
    {
        if (!Directory.Exists(results)) return null;
        var own = Path.GetFullPath(outDirectory).TrimEnd(Path.DirectorySeparatorChar);
        var found = new List<string>();
        foreach (var folder in Directory.GetDirectories(results).Order(StringComparer.Ordinal))
        {
            var other = Path.GetFullPath(Path.Combine(folder, Names.Of(scale)));
            if (other == own) continue;
            var run = RunsLocation.At(other).Run(runId);
            // Complete means its records read back whole and describe this run (a damaged one is not copied).
            if (Directory.Exists(run.Path) && run.Inspect().Status == RunStatus.Complete) found.Add(run.Path);
        }
        return found.FirstOrDefault(f => !File.Exists(Path.Combine(f, SourceFile))) ?? found.FirstOrDefault();
    }

    /// <summary>
    /// The runs of <paramref name="plan"/> that are new in the plan's folder (the folder of <paramref name="csvPath"/>) and
    /// complete in another plan's folder, with that folder: what <see cref="CopyInto"/> copies and <c>pemn plan --dry-run</c> lists.
    /// </summary>
    public static IReadOnlyList<(SweepRunner.PlannedRun Run, string Source)> Copyable(SweepPlan plan, string csvPath, string results, Scale scale)
    {
        var outDirectory = RunsLocation.OfTable(csvPath).Directory;
        var described = SweepRunner.Describe(plan, csvPath);
        // The parents of children still to train: a copy is useful only with its trained weights (its final checkpoint).
        var parents = described.Where(p => p.Status != RunStatus.Complete && p.Config.Strategy.Name.NeedsParent())
            .Select(p => ExperimentJson.RunId(ParentRun.ConfigOf(p.Config)!)).ToHashSet();
        var list = new List<(SweepRunner.PlannedRun, string)>();
        foreach (var planned in described.Where(p => p.Status == RunStatus.New).DistinctBy(p => p.RunId))
        {
            if (FindElsewhere(results, scale, outDirectory, planned.RunId) is not { } source) continue;
            if (parents.Contains(planned.RunId) && ParentRun.FinalCheckpoint(source, planned.Config.Training.Epochs) is null) continue;
            list.Add((planned, source));
        }
        return list;
    }

    /// <summary>
    /// Copies into the plan's folder (the folder of <paramref name="csvPath"/>) every run of <see cref="Copyable"/> and
    /// brings the plan's runs table up to date; returns (run id, source folder) of each copy. Each copy is made under the
    /// target run's lock with metrics.json last, the records' own rules, so it is never mistaken for a complete run
    /// half-way and never races a process that trains the same run.
    /// </summary>
    public static IReadOnlyList<(string RunId, string Source)> CopyInto(SweepPlan plan, string csvPath, string results, Scale scale,
        CancellationToken cancellation = default)
    {
        var outDirectory = RunsLocation.OfTable(csvPath).Directory;
        var copied = new List<(string, string)>();
        foreach (var (planned, source) in Copyable(plan, csvPath, results, scale))
        {
            cancellation.ThrowIfCancellationRequested();
            var target = RunsLocation.At(outDirectory).Run(planned.Config);
            Directory.CreateDirectory(target.Path);
            using (var held = FileLock.TryAcquire(target.LockPath))
            {
                // Another process took the run meanwhile, or it is no longer new: leave it to the runner.
                if (held is null || target.Inspect(lockHeld: true).Status != RunStatus.New) continue;
                target.DeleteTemporaries();
                CopyRecords(source, target.Path);
                AtomicFile.WriteAllText(Path.Combine(target.Path, SourceFile), ExperimentJson.Serialize(new CopyRecord(
                    Path.GetRelativePath(results, source), DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture))));
                // metrics.json last: its presence marks the run complete.
                AtomicFile.WriteAllText(target.MetricsPath, File.ReadAllText(Path.Combine(source, RunFolder.MetricsFile)));
            }
            copied.Add((planned.RunId, source));
        }
        // The copies' rows come from their records, provenance included: the commit, machine and date they were trained at.
        if (copied.Count > 0) RunsTable.Rebuild(outDirectory, Path.GetFullPath(csvPath), copied.Select(c => c.Item1), cancellation);
        return copied;
    }

    /// <summary>The record of a copied run folder, or null when it was trained in place.</summary>
    public static CopyRecord? ReadRecord(string runDirectory)
    {
        var path = Path.Combine(runDirectory, SourceFile);
        return File.Exists(path) ? JsonSerializer.Deserialize<CopyRecord>(File.ReadAllText(path), ExperimentJson.Options) : null;
    }

    /// <summary>Every file of a run folder (its checkpoint included) except its lock and metrics.json, which the caller writes last.</summary>
    private static void CopyRecords(string source, string target)
    {
        foreach (var file in Directory.GetFiles(source))
        {
            var name = Path.GetFileName(file);
            if (name is RunFolder.LockFile or RunFolder.MetricsFile) continue;
            File.Copy(file, Path.Combine(target, name), overwrite: true);
        }
        foreach (var folder in Directory.GetDirectories(source))
            CopyTree(folder, Path.Combine(target, Path.GetFileName(folder)));
    }

    private static void CopyTree(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        foreach (var folder in Directory.GetDirectories(source)) CopyTree(folder, Path.Combine(target, Path.GetFileName(folder)));
    }
}
