using System.Globalization;
using System.Text;
using PEMN.Configuration;
using PEMN.FileFormat;
using PEMN.Runs;
using PEMN.Strategies;
using PEMN.Sweeps;
using static TorchSharp.torch;

namespace PEMN.Analysis;

/// <summary>One trained network as a file on disk: a point of the trade-off between accuracy and bytes.</summary>
/// <param name="Series">"Mask" and "RP 1e-2" (the k sweep), a sparse baseline's label ("Random", ...), or "Dense".</param>
/// <param name="Label">The point: "k = 0.05", "Random 90 %", "Dense".</param>
/// <param name="Keep">k (PEMN), q (sparse) or 1 (dense).</param>
/// <param name="RunId">The run the file was packed from.</param>
/// <param name="FileBytes">The file's length: the real storage.</param>
/// <param name="ValueBytes">Stored values: PEMN's random values, a sparse network's kept weights (C_w); 0 for dense.</param>
/// <param name="MaskBytes">Mask payloads: PEMN's masks, a sparse network's positions (C_m); 0 for dense.</param>
/// <param name="TensorBytes">Every other tensor's data: norm parameters, running statistics, counters, and a dense network's weights.</param>
/// <param name="OverheadBytes">What carries no number: container, configuration, names, descriptors (and a permutation's record).</param>
/// <param name="MaskBitsPerWeight">Mask payload bits per mask entry (PEMN: per weight; sparse: per position); 0 for dense.</param>
/// <param name="BestTestAccuracy">Best test accuracy over the run's epochs (the paper's metric).</param>
/// <param name="FinalTestAccuracy">Test accuracy after the last epoch: what the file's network scores.</param>
public sealed record FilePoint(string Series, string Label, double Keep, string RunId, long FileBytes, long ValueBytes, long MaskBytes,
    long TensorBytes, long OverheadBytes, double MaskBitsPerWeight, double BestTestAccuracy, double FinalTestAccuracy)
{
    /// <summary>H(k) (or H(q)): the bits per entry of a mask keeping that fraction at random positions; 0 for dense.</summary>
    public double EntropyBitsPerWeight => PemnFileReport.Entropy(Keep);

    /// <summary>Whether it is a PEMN network (masks over random values).</summary>
    public bool IsPemn => !IsDense && !IsSparse;

    /// <summary>Whether it is the dense baseline (read from the file: a dense network's packed kind, not its series' name).</summary>
    public bool IsDense { get; init; }

    /// <summary>Whether it is a sparse baseline.</summary>
    public bool IsSparse { get; init; }
}

/// <summary>The points of a trade-off that have files, and the runs that have none here (their checkpoints are elsewhere).</summary>
/// <param name="Points">One point per run with a file, in the runs' order.</param>
/// <param name="Missing">Run ids of complete runs without a file here.</param>
public sealed record FileTradeOffPoints(IReadOnlyList<FilePoint> Points, IReadOnlyList<string> Missing);

/// <summary>
/// The trade-off the k sweep measures: accuracy against real bytes on disk. The k sweep's PEMN files (<see cref="PEMN.Plans.FigurePlans.KeepSweep"/>),
/// and Fig. 5's dense network and sparse baselines packed the same way (version-2 files), read part by part
/// (<see cref="PemnFileReport"/>), compared in bytes and summarised in sentences.
/// </summary>
public static class FileTradeOff
{
    /// <summary>
    /// The point of the file at <paramref name="path"/>, a run of series <paramref name="series"/>; its k or q is the file's own
    /// (its experiment's masking.keep_fraction; 1 for a dense network).
    /// </summary>
    /// <exception cref="PemnFileException">The file is not a valid PEMN file of an experiment.</exception>
    public static FilePoint Read(string path, string series, string label, string runId, double best, double final)
    {
        var report = PemnFileReport.Of(File.ReadAllBytes(path));
        var config = RunPacking.ConfigOf(report.Network);
        var keep = config.Kind == PackedKind.Dense ? 1 : config.Experiment.Masking.KeepFraction;
        long Part(PemnFilePart p) => report.Parts[p];
        return new FilePoint(series, label, keep, runId, report.FileBytes, Part(PemnFilePart.Values), Part(PemnFilePart.Masks),
            Part(PemnFilePart.TrainedTensors) + Part(PemnFilePart.RunningStatistics) + Part(PemnFilePart.Counters),
            report.OverheadBytes + Part(PemnFilePart.Permutations), report.MaskBitsPerWeight, best, final)
        {
            IsSparse = report.Network.SparseLayers.Count > 0,
            IsDense = config.Kind == PackedKind.Dense,
        };
    }

    /// <summary>The k sweep's points: one per trained run of <paramref name="results"/> (a points part's results) with a file in <paramref name="files"/>.</summary>
    public static FileTradeOffPoints KeepSweep(IReadOnlyList<PointResult> results, IReadOnlyList<RunFile> files)
    {
        var byRun = files.ToDictionary(f => f.RunId);
        var points = new List<FilePoint>();
        var missing = new List<string>();
        foreach (var r in results.Where(r => r.SameAs is null).DistinctBy(r => r.RunId))
        {
            if (!byRun.TryGetValue(r.RunId, out var file) || !file.HasFile) { missing.Add(r.RunId); continue; }
            points.Add(Read(file.FilePath, r.Series, r.Label, r.RunId, r.BestTestAccuracy, r.FinalTestAccuracy));
        }
        return new FileTradeOffPoints(points, missing);
    }

    /// <summary>
    /// A compression panel's dense network and sparse baselines (Fig. 5's runs) as points, each run with a file in
    /// <paramref name="files"/>; its PEMN points are left out (the k sweep has them, at every k).
    /// </summary>
    public static FileTradeOffPoints Baselines(CompressionResult result, IReadOnlyList<RunFile> files)
    {
        var byRun = files.ToDictionary(f => f.RunId);
        var points = new List<FilePoint>();
        var missing = new List<string>();
        foreach (var p in result.Points.Where(p => p.Method != CompressionMethod.Pemn).DistinctBy(p => p.RunId))
        {
            if (!byRun.TryGetValue(p.RunId, out var file) || !file.HasFile) { missing.Add(p.RunId); continue; }
            points.Add(Read(file.FilePath, Runtime.Names.Label(p.Method), p.Label, p.RunId, p.BestTestAccuracy, p.FinalTestAccuracy));
        }
        return new FileTradeOffPoints(points, missing);
    }

    /// <summary>
    /// Bytes of the dense network of <paramref name="config"/>'s model as a float32 TorchSharp checkpoint (<c>model.save</c>, the
    /// state_dict a run's checkpoint holds besides the optimiser): what a trained network costs without any compression.
    /// </summary>
    public static long DenseCheckpointBytes(ExperimentConfig config)
    {
        using var noGrad = no_grad();
        using var dense = PemnNetwork.Build(config.Network with { Strategy = new StrategyConfig(StrategyName.Dense) });
        var path = Path.Combine(Path.GetTempPath(), $"pemn-dense-{Guid.NewGuid():N}.bin");
        try
        {
            dense.Model.save(path);
            return new FileInfo(path).Length;
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// What the points show, in sentences: the masks' bits per weight at each k against H(k), the smallest PEMN file, the dense
    /// file against it, and each sparse baseline against the most accurate PEMN file no larger than it (final test accuracy: what
    /// the files' networks score).
    /// </summary>
    public static string Describe(IReadOnlyList<FilePoint> points)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        var pemn = points.Where(p => p.IsPemn).ToList();
        foreach (var series in pemn.GroupBy(p => p.Series))
        {
            var bits = series.OrderBy(p => p.Keep).Select(p => string.Format(c, "{0:0.000} at k = {1} (H = {2:0.000})", p.MaskBitsPerWeight, p.Keep, p.EntropyBitsPerWeight));
            text.AppendLine($"{series.Key}: the masks cost {string.Join(", ", bits)} bits per weight.");
        }
        if (pemn.Count > 0)
        {
            var worst = pemn.MaxBy(p => p.MaskBitsPerWeight - p.EntropyBitsPerWeight)!;
            var belowOneBit = pemn.Where(p => p.MaskBitsPerWeight < 1).Select(p => p.Keep).Distinct().Order().ToList();
            text.AppendLine(string.Format(c, "Largest excess over H(k): {0:+0.000;-0.000} bits per weight ({1}, {2}). Masks below the bitmap's 1 bit per weight: {3}.",
                worst.MaskBitsPerWeight - worst.EntropyBitsPerWeight, worst.Series, worst.Label,
                belowOneBit.Count == 0 ? "none" : "at k = " + string.Join(", ", belowOneBit.Select(k => k.ToString(c)))));
            var smallest = pemn.MinBy(p => p.FileBytes)!;
            var best = pemn.MaxBy(p => p.FinalTestAccuracy)!;
            text.AppendLine(string.Format(c, "Smallest PEMN file: {0} {1}, {2:N0} bytes at {3}; most accurate: {4} {5}, {6:N0} bytes at {7}.",
                smallest.Series, smallest.Label, smallest.FileBytes, Percent(smallest.FinalTestAccuracy),
                best.Series, best.Label, best.FileBytes, Percent(best.FinalTestAccuracy)));
            if (points.FirstOrDefault(p => p.IsDense) is { } dense)
                text.AppendLine(string.Format(c, "Dense: {0:N0} bytes at {1}, {2:0.0} times the smallest PEMN file and {3:0.0} times the most accurate one.",
                    dense.FileBytes, Percent(dense.FinalTestAccuracy), dense.FileBytes / (double)smallest.FileBytes, dense.FileBytes / (double)best.FileBytes));
        }
        var sparse = points.Where(p => p.IsSparse).OrderBy(p => p.Series).ThenBy(p => p.FileBytes).ToList();
        var wins = 0;
        foreach (var s in sparse)
        {
            var rival = pemn.Where(p => p.FileBytes <= s.FileBytes).MaxBy(p => p.FinalTestAccuracy);
            if (rival is null)
            {
                text.AppendLine(string.Format(c, "{0} ({1:N0} bytes, {2}): no PEMN file is that small.", s.Label, s.FileBytes, Percent(s.FinalTestAccuracy)));
                continue;
            }
            var won = rival.FinalTestAccuracy > s.FinalTestAccuracy;
            wins += won ? 1 : 0;
            // A kept value is 4 bytes: its bits per kept value are the value's 32 and its position's share of the masks.
            var kept = s.ValueBytes / sizeof(float);
            text.AppendLine(string.Format(c, "{0} ({1:N0} bytes, {2:0.0} bits per kept value): {3}; the best PEMN file no larger, {4} {5} ({6:N0} bytes), scores {7}{8}.",
                s.Label, s.FileBytes, kept == 0 ? 0 : 8.0 * (s.ValueBytes + s.MaskBytes) / kept, Percent(s.FinalTestAccuracy),
                rival.Series, rival.Label, rival.FileBytes, Percent(rival.FinalTestAccuracy), won ? ": PEMN is more accurate" : ": the sparse network is at least as accurate"));
        }
        if (sparse.Count > 0)
            text.AppendLine($"At equal or smaller bytes on disk, a PEMN file is more accurate than {wins} of {sparse.Count} sparse files.");
        return text.ToString().TrimEnd();
    }

    private static string Percent(double fraction) => fraction.ToString("P2", CultureInfo.InvariantCulture);
}
