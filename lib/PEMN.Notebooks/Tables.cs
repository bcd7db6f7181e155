using PEMN.Analysis;
using PEMN.Configuration;
using PEMN.Masking;
using PEMN.Runs;
using PEMN.Storage;
using PEMN.Sweeps;

namespace PEMN.Notebooks;

/// <summary>
/// The workbook's results as compact HTML tables: what the notebooks' formatters (<see cref="HtmlFormatters"/>) show for
/// a storage report, a run, a ladder, a comparison of ladders, masks and the set-up, so that no notebook carries its own
/// table code. Accuracies are best test accuracy in percent (the paper's metric).
/// </summary>
public static partial class Tables
{
    /// <summary>The set-up: its one-line summary (scale, device, threads, root) and the folders it reads and writes.</summary>
    public static HtmlTable Session(NotebookSession session) =>
        new HtmlTable(session.ToString())
            .Column("").Column("")
            .Row("scale", $"{session.ScaleName} (PEMN_SCALE: smoke, quick or paper)")
            .Row("repository", session.RepoRoot)
            .Row("data", session.DataDirectory)
            .Row("results", session.ResultsDirectory);

    /// <summary>
    /// A config as one row per section (data, model, masking, strategy, training): the fields that decide the results and
    /// apply to this config (a ConvMixer's heads, a Mask run's ratio and unset fields are left out), as config.json names
    /// them. <c>ExperimentJson.Serialize(config)</c> gives the whole file.
    /// </summary>
    public static HtmlTable Config(ExperimentConfig config)
    {
        var table = new HtmlTable($"Config '{config.Name}': the fields that apply").Column("section").Column("fields");
        var canonical = config.Canonical();
        var used = ConfigFields.Applying(canonical);
        var fields = ExperimentJson.Flatten(ExperimentJson.ToNode(canonical))
            .Where(f => f.Value.Length > 0 && f.Value != "null" && used.Contains(f.Key))
            .GroupBy(f => f.Key[..f.Key.IndexOf('.')]);
        foreach (var section in fields)
            table.Row(section.Key, string.Join(" · ", section.Select(f => $"{f.Key[(f.Key.IndexOf('.') + 1)..]} {f.Value.Trim('"')}")));
        return table;
    }

    /// <summary>A storage report: the paper's C = C_w + C_m, the other parameters beside it, and the three ratios.</summary>
    public static HtmlTable Storage(StorageReport report) =>
        new HtmlTable($"Storage of {report.Scheme} (k = {Numbers.Short(report.KeepFraction)})")
            .Column("").Column("", Align.Right)
            .Row("conv and linear weights p", Numbers.Count(report.Weights))
            .Row("masked weights", Numbers.Count(report.MaskedWeights))
            .Row("unique random values", Numbers.Count(report.UniqueValues))
            .Row(report.SeedStored ? "C_w: values (stored as a seed)" : "C_w: values", Numbers.Bits(report.PrototypeBits))
            .Row("C_m: masks", Numbers.Bits(report.MaskBits))
            .Row("trained dense weights", Numbers.Bits(report.DenseLayerBits))
            .Row("C = C_w + C_m (+ dense weights)", Numbers.Bits(report.WeightBits))
            .Row("dense network's weights (32 p)", Numbers.Bits(report.DenseWeightBits))
            .Row("compression of the weights (the paper's)", Numbers.Percent(report.CompressionRatio, 1))
            .Row("other trained parameters (norms, embeddings)", $"{Numbers.Count(report.OtherParameters)} ({Numbers.Bits(report.OtherBits)})")
            .Row("compression with them", Numbers.Percent(report.CompressionWithOtherRatio, 1))
            .Row("compression for inference (+ BN statistics)", Numbers.Percent(report.InferenceCompressionRatio, 1));

    /// <summary>Several storage reports side by side, one row each (e.g. every strategy of one model).</summary>
    public static HtmlTable Storage(IEnumerable<StorageReport> reports)
    {
        var table = new HtmlTable("Storage")
            .Column("scheme").Column("unique values", Align.Right).Column("C_w", Align.Right).Column("C_m", Align.Right)
            .Column("C", Align.Right).Column("compression", Align.Right);
        foreach (var r in reports)
            table.Row(r.Scheme, Numbers.Count(r.UniqueValues), Numbers.Bits(r.PrototypeBits + r.DenseLayerBits), Numbers.Bits(r.MaskBits),
                Numbers.Bits(r.WeightBits), Numbers.Percent(r.CompressionRatio, 1));
        return table;
    }

    /// <summary>One training run: what it reached, in how long, and whether it was trained now or reused.</summary>
    public static HtmlTable Run(RunOutcome run)
    {
        var m = run.Metrics;
        var status = run.StatusBefore switch
        {
            RunStatus.Complete => "complete already: reused, nothing trained",
            RunStatus.Partial => "resumed from its checkpoint",
            _ => "trained now",
        };
        return new HtmlTable($"Run {run.RunId}")
            .Column("").Column("", Align.Right)
            .Row("status", status)
            .Row("best test accuracy", $"{Numbers.Percent(m.BestTestAccuracy)} (epoch {m.BestEpoch})")
            .Row("final test accuracy", Numbers.Percent(m.FinalTestAccuracy))
            .Row("final training loss / accuracy", $"{Numbers.Fixed(m.FinalTrainLoss, 3)} / {Numbers.Percent(m.FinalTrainAccuracy)}")
            .Row("epochs", m.Epochs.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Row("training time", $"{Numbers.Duration(m.Seconds)} ({Numbers.Fixed(m.ImagesPerSecond, 0)} images/s)")
            .Row("trained values", Numbers.Count(m.TrainableParameters))
            .Row("lr_max", Numbers.Short(m.LrMax))
            .Row("folder", run.RunDirectory);
    }

    /// <summary>
    /// A ladder from its results: per rung the unique values, compression, mean ± sd over seeds and every seed's accuracy
    /// (columns named by seed); a rung that is the same network as another is grey and says so; a note gives the runs
    /// and their training time.
    /// </summary>
    public static HtmlTable Ladder(IReadOnlyList<LadderResult> results, string? caption = null) =>
        Ladder(new NamedLadder("", results), caption);

    /// <summary>A named ladder (<see cref="Ladder(IReadOnlyList{LadderResult}, string?)"/>, captioned by its model).</summary>
    public static HtmlTable Ladder(NamedLadder ladder, string? caption = null)
    {
        var seeds = ladder.Seeds;
        var table = LadderColumns(caption ?? (ladder.Model.Length == 0 ? "Strategy ladder" : $"Strategy ladder, {ladder.Model}"),
            seeds.Select(s => $"seed {s}"));
        foreach (var row in ladder.Summary)
            table.Row(LadderRow(row), muted: row.SameAs is not null);
        var trained = ladder.Results.DistinctBy(r => r.RunId).ToList();
        var reused = trained.Count(r => r.Reused);
        var dates = trained.Select(r => r.TrainedAt).Where(d => d.Length >= 10).Select(d => d[..10]).Distinct().Order().ToList();
        table.Note($"{trained.Count} run(s), {Numbers.Duration(ladder.TrainingSeconds)} of training in all" +
            (reused == trained.Count ? ", all reused from earlier runs" : reused > 0 ? $", {reused} reused" : "") +
            (dates.Count == 0 ? "" : $"; trained {(dates.Count == 1 ? "on " + dates[0] : $"{dates[0]} to {dates[^1]}")}") + ".");
        AddSameAsNote(table, ladder.Summary);
        return table;
    }

    /// <summary>A ladder from its summary rows (seed columns numbered, as the rows do not carry the seeds).</summary>
    public static HtmlTable Ladder(IReadOnlyList<LadderSummary> summary, string? caption = null)
    {
        var count = summary.Count == 0 ? 0 : summary.Max(r => r.PerSeed.Count);
        var table = LadderColumns(caption ?? "Strategy ladder", Enumerable.Range(1, count).Select(i => $"run {i}"));
        foreach (var row in summary)
        {
            var cells = LadderRow(row);
            while (cells.Count < 4 + count) cells.Add("");
            table.Row(cells, muted: row.SameAs is not null);
        }
        AddSameAsNote(table, summary);
        return table;
    }

    /// <summary>Ladders of several models side by side: per rung each model's unique values and mean ± sd.</summary>
    public static HtmlTable Compare(IReadOnlyList<NamedLadder> ladders)
    {
        var table = new HtmlTable("Strategy ladders side by side: best test accuracy, % (mean ± sd over seeds)").Column("rung");
        foreach (var ladder in ladders)
            table.Column($"{ladder.Model}: values", Align.Right).Column($"{ladder.Model}: accuracy", Align.Right);
        var summaries = ladders.Select(l => l.Summary.ToDictionary(r => r.Strategy)).ToList();
        foreach (var strategy in ladders.SelectMany(l => l.Summary.Select(r => r.Strategy)).Distinct())
        {
            var cells = new List<string> { strategy.Label() };
            foreach (var summary in summaries)
            {
                if (!summary.TryGetValue(strategy, out var row)) { cells.Add(""); cells.Add(""); continue; }
                cells.Add(UniqueValues(row));
                cells.Add(row.SameAs is null ? MeanSd(row) : $"= {row.SameAs}");
            }
            table.Row(cells);
        }
        foreach (var ladder in ladders)
            table.Note($"{ladder.Model}: seeds {string.Join(", ", ladder.Seeds)}, {ladder.Runs} run(s), {Numbers.Duration(ladder.TrainingSeconds)} of training.");
        return table;
    }

    /// <summary>Gaps to Dense (<see cref="LadderComparison.GapsToDense"/>): per rung and model the mean, Dense and the gap in points.</summary>
    public static HtmlTable Gaps(IReadOnlyList<LadderGap> gaps)
    {
        var table = new HtmlTable("Gap to Dense, accuracy points (on the seeds all ladders share)")
            .Column("rung").Column("model").Column("unique values", Align.Right).Column("accuracy", Align.Right)
            .Column("Dense", Align.Right).Column("gap", Align.Right).Column("seeds", Align.Right).Column("seed sd", Align.Right)
            .Column("note");
        foreach (var g in gaps)
            table.Row([g.Label, g.Model, Numbers.Count(g.UniqueValues), Numbers.Points(g.Mean), Numbers.Points(g.DenseMean),
                Numbers.SignedPoints(g.Gap), g.Seeds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                g.SeedSd > 0 ? Numbers.Points(g.SeedSd) : "", g.SameAs is null ? "" : $"same network as {g.SameAs}"], muted: g.SameAs is not null);
        return table;
    }

    /// <summary>Masks layer by layer: shape, k, fraction kept, the |score| threshold and which layer's values it shares.</summary>
    public static HtmlTable Masks(IReadOnlyList<LayerMaskSummary> layers)
    {
        var table = new HtmlTable("Masks per layer")
            .Column("layer").Column("shape").Column("weights", Align.Right).Column("k", Align.Right).Column("kept", Align.Right)
            .Column("threshold |S|", Align.Right).Column("same values as");
        foreach (var l in layers)
            table.Row(l.Path, Numbers.Shape(l.Shape), Numbers.Count(l.Weights), Numbers.Short(l.KeepFraction), Numbers.Percent(l.FractionKept, 1),
                Numbers.Short(l.Threshold), l.SameValuesAs ?? "");
        return table;
    }

    /// <summary>Mask overlaps beside chance: shared kept (A's kept that B keeps too), Jaccard and agreement.</summary>
    public static HtmlTable Overlaps(IReadOnlyList<MaskPairOverlap> pairs)
    {
        var table = new HtmlTable("Mask overlap, measured vs two independent random masks (chance)")
            .Column("layer A").Column("layer B").Column("shape")
            .Column("shared kept", Align.Right).Column("chance", Align.Right)
            .Column("Jaccard", Align.Right).Column("chance", Align.Right)
            .Column("agreement", Align.Right).Column("chance", Align.Right);
        foreach (var p in pairs)
            table.Row(p.PathA, p.PathB == p.PathA ? "(same layer)" : p.PathB, Numbers.Shape(p.Shape),
                Numbers.Percent(p.Overlap.SharedKept, 1), Numbers.Percent(p.Chance.SharedKept, 1),
                Numbers.Fixed(p.Overlap.Jaccard, 3), Numbers.Fixed(p.Chance.Jaccard, 3),
                Numbers.Percent(p.Overlap.Agreement, 1), Numbers.Percent(p.Chance.Agreement, 1));
        return table;
    }

    /// <summary>Trained networks loaded from run folders: run, strategy, seed, epochs and where the trained state came from.</summary>
    public static HtmlTable Trained(IEnumerable<TrainedRun> runs)
    {
        var table = new HtmlTable("Trained networks")
            .Column("run").Column("strategy").Column("seed", Align.Right).Column("epochs", Align.Right).Column("trained state from");
        foreach (var run in runs)
            table.Row(run.RunId, run.Config.Strategy.Label(), run.Config.Training.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
                run.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture),
                run.HasTrainedScores ? "its checkpoint (trained scores)" : $"{TrainedRun.PackedFile} (masks; its scores are the masks)");
        return table;
    }

    /// <summary>
    /// Networks as files (<see cref="FileTradeOff"/>): per file its k or q, its bytes part by part, the masks' bits per entry beside
    /// H(k), and the accuracy its network scores (final) beside the run's best.
    /// </summary>
    public static HtmlTable Files(IReadOnlyList<FilePoint> points)
    {
        var table = new HtmlTable("Networks as files: bytes on disk and accuracy")
            .Column("series").Column("point").Column("k or q", Align.Right).Column("file, bytes", Align.Right)
            .Column("values", Align.Right).Column("masks / positions", Align.Right).Column("other tensors", Align.Right).Column("overhead", Align.Right)
            .Column("bits per mask entry", Align.Right).Column("H(k)", Align.Right)
            .Column("final accuracy", Align.Right).Column("best accuracy", Align.Right);
        foreach (var p in points)
            table.Row(p.Series, p.Label, p.IsDense ? "" : Numbers.Short(p.Keep), Numbers.Count(p.FileBytes), Numbers.Count(p.ValueBytes),
                Numbers.Count(p.MaskBytes), Numbers.Count(p.TensorBytes), Numbers.Count(p.OverheadBytes),
                p.IsDense ? "" : Numbers.Fixed(p.MaskBitsPerWeight, 3), p.IsDense ? "" : Numbers.Fixed(p.EntropyBitsPerWeight, 3),
                Numbers.Percent(p.FinalTestAccuracy), Numbers.Percent(p.BestTestAccuracy));
        table.Note("final accuracy: after the last epoch, what the file's network scores; best accuracy: the run's best epoch (the paper's metric).");
        return table;
    }

    /// <summary>A plan's packed files: per run its status, size and, when packed now, the accuracy its network scored against the run's record.</summary>
    public static HtmlTable RunFiles(IEnumerable<RunFile> files)
    {
        var table = new HtmlTable($"Packed networks ({TrainedRun.PackedFile} in each run folder)")
            .Column("run").Column("file").Column("bytes", Align.Right).Column("file's network scores", Align.Right).Column("run recorded (final)", Align.Right);
        foreach (var f in files)
            table.Row(f.RunId, Runtime.Names.Of(f.Status).Replace('_', ' '), f.HasFile ? Numbers.Count(f.Bytes) : "",
                f.Accuracy is { } a ? Numbers.Percent(a) : "", f.Recorded is { } r ? Numbers.Percent(r) : "");
        return table;
    }

    /// <summary>A layer seen up close, in numbers (the heat map draws its matrices).</summary>
    public static HtmlTable LayerView(LayerMaskView view) =>
        new HtmlTable($"Layer {view.Path}")
            .Column("").Column("", Align.Right)
            .Row("shape", Numbers.Shape(view.Shape))
            .Row("k / kept", $"{Numbers.Short(view.KeepFraction)} / {Numbers.Percent(view.FractionKept, 1)}")
            .Row("threshold: smallest |score| kept", Numbers.Short(view.Threshold))
            .Row("shown block (rows x columns)", $"{view.Rows} x {view.Columns}");

    private static HtmlTable LadderColumns(string caption, IEnumerable<string> seedHeaders)
    {
        var table = new HtmlTable(caption)
            .Column("rung").Column("unique values", Align.Right).Column("compression", Align.Right)
            .Column("accuracy, % (mean ± sd)", Align.Right);
        foreach (var header in seedHeaders) table.Column(header, Align.Right);
        return table;
    }

    private static List<string> LadderRow(LadderSummary row)
    {
        var cells = new List<string> { row.Label, UniqueValues(row), Numbers.Percent(row.CompressionRatio, 1) };
        cells.Add(row.SameAs is null ? MeanSd(row) : $"= {row.SameAs}");
        // A rung that is another rung's network has that rung's run: its numbers are not shown twice.
        cells.AddRange(row.PerSeed.Select(a => row.SameAs is null ? Numbers.Points(a) : ""));
        return cells;
    }

    private static string UniqueValues(LadderSummary row) => row.UniqueValues == 0 ? "(trained)" : Numbers.Count(row.UniqueValues);

    private static string MeanSd(LadderSummary row) =>
        row.PerSeed.Count < 2 ? Numbers.Points(row.Mean) : $"{Numbers.Points(row.Mean)} ± {Numbers.Points(row.Sd)}";

    private static void AddSameAsNote(HtmlTable table, IReadOnlyList<LadderSummary> summary)
    {
        foreach (var row in summary.Where(r => r.SameAs is not null))
            table.Note($"{row.Label} builds the same network as {row.SameAs} ({Numbers.Count(row.UniqueValues)} unique value(s)): one run, shown once.");
    }
}
