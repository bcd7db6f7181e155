using PEMN.Configuration;
using PEMN.FileFormat;
using PEMN.Runs;
using PEMN.Runtime;
using PEMN.Sweeps;
using static TorchSharp.torch;

namespace PEMN.Plans;

/// <summary>
/// Packs a plan's runs into files beside their records: every complete run that still has its checkpoint gets
/// <c>&lt;run folder&gt;/network.pemn</c> (<see cref="RunPacking.PackRun"/>), which can be committed where the checkpoint is not,
/// so figures that read files (the k sweep's bytes on disk) and notebooks that open trained networks work from a clone.
/// A file is written only after its network, loaded back from the bytes, scored exactly the run's recorded final test
/// accuracy on the run's own test split: the proof that the file is the trained network. Packing where the run was trained
/// (the same libtorch, threads and data) is what makes that equality hold.
/// </summary>
public static class PlanPacking
{
    /// <summary>
    /// Packs every run of <paramref name="plan"/> at <paramref name="scale"/> (its folder under <paramref name="results"/>) that is
    /// complete and has its checkpoint and no file yet; reports every run, in the plan's order.
    /// </summary>
    /// <exception cref="PackCheckException">A file's network does not score its run's recorded accuracy, or a file is another run's.</exception>
    public static IReadOnlyList<RunFile> Pack(FigurePlan plan, Scale scale, string results, Device? device = null,
        Action<RunFile>? onRun = null, CancellationToken cancellation = default)
    {
        var outDirectory = plan.Location(results, scale).Directory;
        var files = new List<RunFile>();
        foreach (var config in plan.Runs(scale).Runs)
        {
            cancellation.ThrowIfCancellationRequested();
            var file = PackRun(RunsLocation.At(outDirectory).Run(config).Path, results, device);
            onRun?.Invoke(file);
            files.Add(file);
        }
        return files;
    }

    /// <summary>
    /// The packed file of the run folder <paramref name="runDirectory"/>: the one it has (checked to be this run's), else packed
    /// now from its checkpoint and checked by evaluation, else (a run copied from another plan's folder) the file of the folder
    /// it was copied from, under <paramref name="results"/>.
    /// </summary>
    /// <exception cref="PackCheckException">The file's network does not score the run's recorded final test accuracy, or the file is another run's.</exception>
    public static RunFile PackRun(string runDirectory, string? results = null, Device? device = null)
    {
        var folder = new RunFolder(runDirectory);
        if (folder.Inspect().Status != RunStatus.Complete)
            return new RunFile(folder.RunId, folder.Path, RunFileStatus.Incomplete, 0, null, null);
        var info = RunPacking.RunInfo(folder.Path);
        var target = Path.Combine(folder.Path, TrainedRun.PackedFile);
        if (File.Exists(target))
            return Checked(folder, info, target, RunFileStatus.Present);
        if (RunPacking.IncompleteReason(folder.Path) is null)
        {
            var bytes = PemnFile.Write(RunPacking.PackRun(folder.Path));
            var accuracy = Evaluate(bytes, folder.ReadConfig(), device);
            if (accuracy != info.FinalTestAccuracy)
                throw new PackCheckException(folder.Path,
                    $"Run {folder.RunId}: its packed network scores {Percent(accuracy)} on the run's test split, the run recorded {Percent(info.FinalTestAccuracy)} " +
                    "after its last epoch; no file was written. The checkpoint is not the state that was measured (or this machine computes otherwise: " +
                    "pack where the run was trained, with the threads it was trained with).");
            AtomicFile.Write(target, tmp => File.WriteAllBytes(tmp, bytes));
            return new RunFile(folder.RunId, folder.Path, RunFileStatus.Written, bytes.LongLength, accuracy, info.FinalTestAccuracy);
        }
        if (results is not null && RunReuse.ReadRecord(folder.Path) is { } copy)
        {
            var source = Path.Combine(Path.GetFullPath(results), copy.Source, TrainedRun.PackedFile);
            if (File.Exists(source))
            {
                var checkedSource = Checked(folder, info, source, RunFileStatus.Copied);
                AtomicFile.Write(target, tmp => File.Copy(source, tmp, overwrite: true));
                return checkedSource;
            }
        }
        return new RunFile(folder.RunId, folder.Path, RunFileStatus.NoCheckpoint, 0, null, info.FinalTestAccuracy);
    }

    /// <summary>
    /// Accuracy of the network in the file <paramref name="bytes"/> on the test split of <paramref name="experiment"/>'s data (the
    /// run's own subsets and normalisation), on <paramref name="device"/> (null: the CPU): what <c>pemn eval</c> measures.
    /// </summary>
    public static double Evaluate(byte[] bytes, ExperimentConfig experiment, Device? device = null)
    {
        var target = device ?? CPU;
        var (_, network) = RunPacking.Load(PemnFile.Read(bytes), target);
        using (network)
        {
            var (train, test) = new ExperimentData().Load(experiment, target);
            try
            {
                return Training.Trainer.Evaluate(network.Model, test);
            }
            finally
            {
                (train as IDisposable)?.Dispose();
                (test as IDisposable)?.Dispose();
            }
        }
    }

    /// <summary>The file at <paramref name="path"/> as this run's: it reads, names the run and its recorded final accuracy.</summary>
    private static RunFile Checked(RunFolder folder, PackedRunInfo info, string path, RunFileStatus status)
    {
        var bytes = File.ReadAllBytes(path);
        var run = RunPacking.ConfigOf(PemnFile.Read(bytes)).Run;
        if (run?.Id != info.Id || run.FinalTestAccuracy != info.FinalTestAccuracy)
            throw new PackCheckException(folder.Path,
                $"Run {folder.RunId}: {path} is the file of run {run?.Id ?? "(none)"} (final test accuracy {Percent(run?.FinalTestAccuracy)}), not of this run " +
                $"({info.Id}, {Percent(info.FinalTestAccuracy)}). Delete it and pack the plan again where the run's checkpoint is.");
        return new RunFile(folder.RunId, folder.Path, status, bytes.LongLength, null, info.FinalTestAccuracy);
    }

    private static string Percent(double? accuracy) =>
        accuracy is { } a ? a.ToString("P2", System.Globalization.CultureInfo.InvariantCulture) : "nothing";
}
