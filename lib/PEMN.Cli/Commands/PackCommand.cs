using System.CommandLine;
using System.Globalization;
using PEMN.Cli.Options;
using PEMN.FileFormat;
using PEMN.Runs;

namespace PEMN.Cli.Commands;

/// <summary>
/// <c>pemn pack RUN_DIR -o FILE.pemn [--force] [--seed-storage]</c>: packs a complete run (config.json and the model state
/// in checkpoint/) into a PEMN file (lib/PEMN/FileFormat/FileFormat.md). An incomplete run is a usage error naming its folder;
/// an existing output is refused without --force.
/// </summary>
public static class PackCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("pack",
            "Pack a complete run (its config.json and the trained model state in checkpoint/) into a .pemn file: the random values, " +
            "one mask per masked layer (bitmap or entropy-coded, whichever is smaller), every other tensor, the config and a SHA-256. " +
            "Dense runs are stored as plain networks (every weight a float32 tensor), sparse baselines as sparse layers (the kept positions coded as a mask, " +
            "the kept weights as float32; format version 2). The file loads back bit for bit (pemn eval, pemn unpack).");
        var run = new Argument<string>("RUN_DIR") { Description = $"A complete run folder: <out>/{RunsLocation.RunsFolderName}/<run id> with {ExperimentRunner.ConfigFile}, {ExperimentRunner.MetricsFile} and {ExperimentRunner.CheckpointFolder}/." };
        var output = PemnFileArguments.Output($"The {PemnFile.Extension} file to write.");
        var force = PemnFileArguments.Force();
        var seedStorage = new Option<bool>("--seed-storage")
        {
            Description = "Store each prototype as a seed recipe (generator, seed, shape, SHA-256) where drawing it again here gives its values bit for bit; " +
                "smaller, but it loads only where libtorch draws the same numbers (checked by the SHA-256). Default: float32 values, which load anywhere.",
        };
        command.Arguments.Add(run);
        command.Options.Add(output);
        command.Options.Add(force);
        command.Options.Add(seedStorage);
        command.SetAction(parse => Pemn.Guard(() =>
        {
            var dir = Path.TrimEndingDirectorySeparator(Path.GetFullPath(parse.GetValue(run)!));
            if (RunPacking.IncompleteReason(dir) is { } reason) throw new UsageException("RUN_DIR", reason + ".");
            var path = PemnFileArguments.Writable(parse.GetValue(output)!, parse.GetValue(force), "--output");
            var packed = RunPacking.PackRun(dir, new PemnPackOptions(parse.GetValue(seedStorage)));
            var bytes = PemnFile.Write(packed);
            Runtime.AtomicFile.Write(path, tmp => File.WriteAllBytes(tmp, bytes));
            foreach (var line in Summary(path, PemnFileReport.Of(bytes), RunPacking.ConfigOf(packed))) Console.WriteLine(line);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static IEnumerable<string> Summary(string path, PemnFileReport report, PackedRunConfig config)
    {
        var e = config.Experiment;
        var c = CultureInfo.InvariantCulture;
        var run = config.Run is { } r
            ? $"; run {r.Id}" + (r.FinalTestAccuracy is { } a ? string.Format(c, ", final test accuracy {0:P2}", a) : "")
            : "";
        var tensors = report.Parts[PemnFilePart.TrainedTensors] + report.Parts[PemnFilePart.RunningStatistics] + report.Parts[PemnFilePart.Counters];
        var masks = report.Masks.Count == 0 ? "no masks" : string.Format(c, "masks {0:N0} B ({1:0.000} bits per weight)", report.Parts[PemnFilePart.Masks], report.MaskBitsPerWeight);
        yield return string.Format(c, "wrote {0}: {1:N0} bytes (format version {2}, checksum {3})", path, report.FileBytes, report.Version, report.Checksum);
        if (config.Kind == PackedKind.Sparse)
        {
            yield return $"  {e.Strategy.Label()}, {e.Model.ShortName}, q = {e.Masking.KeepFraction.ToString(c)}{run}";
            yield return string.Format(c, "  kept values {0:N0} B ({1:N0}), positions {2:N0} B ({3:0.00} bits per kept value in all), other tensors {4:N0} B, overhead {5:N0} B " +
                "(pemn info FILE shows every part)", report.Parts[PemnFilePart.Values], report.KeptValues, report.Parts[PemnFilePart.Masks],
                report.SparseBitsPerKeptValue, tensors, report.OverheadBytes);
            yield break;
        }
        yield return $"  {e.Strategy.Label()}, {e.Model.ShortName}, k = {e.Masking.KeepFraction.ToString(c)}{run}";
        yield return string.Format(c, "  values {0:N0} B ({1:N0} unique{2}), {3}, other tensors {4:N0} B, overhead {5:N0} B (pemn info FILE shows every part)",
                report.Parts[PemnFilePart.Values], report.UniqueValues, report.RegeneratedPrototypes > 0 ? $", {report.RegeneratedPrototypes} as seeds" : "",
                masks, tensors, report.OverheadBytes + report.Parts[PemnFilePart.Permutations]);
    }
}
