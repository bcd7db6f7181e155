using System.Globalization;
using PEMN.FileFormat;
using PEMN.Runtime;
using PEMN.Storage;

namespace PEMN.Runs;

/// <summary>
/// What <c>pemn info</c> says about a PEMN file, as library code so that notebooks show the same report: the file's bytes
/// part by part (<see cref="PemnFileReport"/>), the experiment its configuration describes, and the file beside the storage
/// accounting of that network (<see cref="PemnFileReport.Compare"/>). A file whose configuration is not an experiment's (a
/// hand-made file) is described without experiment and accounting.
/// </summary>
/// <param name="Path">Where the file is (as given).</param>
/// <param name="Report">What its bytes are spent on.</param>
/// <param name="Config">The experiment it was packed from, or null.</param>
/// <param name="ConfigError">Why the configuration is not an experiment's, or null.</param>
/// <param name="Comparison">The file beside the accounting, or null without an experiment.</param>
public sealed record PemnFileInfo(string Path, PemnFileReport Report, PackedRunConfig? Config, string? ConfigError,
    IReadOnlyList<PemnFileComparison>? Comparison)
{
    /// <summary>Reads and describes the file at <paramref name="path"/>.</summary>
    /// <exception cref="PemnFileException">The file is not a valid PEMN file.</exception>
    public static PemnFileInfo Read(string path)
    {
        using var stream = File.OpenRead(path);
        return Of(path, PemnFile.ReadAll(stream));
    }

    /// <summary>Describes the file <paramref name="bytes"/>, found at <paramref name="path"/>.</summary>
    /// <exception cref="PemnFileException">The bytes are not a valid PEMN file.</exception>
    public static PemnFileInfo Of(string path, byte[] bytes)
    {
        var report = PemnFileReport.Of(bytes);
        PackedRunConfig? config = null;
        string? configError = null;
        try
        {
            config = RunPacking.ConfigOf(report.Network);
        }
        catch (PemnFileException e)
        {
            configError = e.Message;
        }
        return new PemnFileInfo(path, report, config, configError, config is null ? null : report.Compare(Accounting(config, report)));
    }

    /// <summary>
    /// The storage accounting of the file's network: C_w as one seed when every prototype is a recipe (the accounting's seed
    /// form); a sparse network's positions in the encoding of the figures' baselines (<see cref="SparseStorage.BaselineEncoding"/>).
    /// </summary>
    public static StorageReport Accounting(PackedRunConfig config, PemnFileReport report) =>
        StorageMeasurement.Run(config.Experiment.Network,
            seedStorage: report.Network.Prototypes.Count > 0 && report.RegeneratedPrototypes == report.Network.Prototypes.Count,
            sparseIndex: SparseStorage.BaselineEncoding);

    /// <summary>The sections as <c>pemn info</c> lists them: header and table of contents, each section, the checksum.</summary>
    public IEnumerable<(string Name, long Offset, long Bytes)> Sections()
    {
        yield return ("header+toc", 0, Report.Sections.Count == 0 ? PemnFile.HeaderBytes : Report.Sections[0].Offset);
        foreach (var s in Report.Sections) yield return (SectionName(s.Kind), s.Offset, s.Length);
        yield return ("checksum", Report.FileBytes - PemnFile.ChecksumBytes, PemnFile.ChecksumBytes);
    }

    /// <summary>A section kind as <c>pemn info</c> names it ("config", ..., "sparse_layers").</summary>
    public static string SectionName(PemnSectionKind kind) => kind == PemnSectionKind.SparseLayers ? "sparse_layers" : kind.ToString().ToLowerInvariant();

    /// <summary>"stored" or "regenerated".</summary>
    public static string SourceName(PrototypeSource source) => source == PrototypeSource.Stored ? "stored" : "regenerated";

    /// <summary>"bitmap" or "context".</summary>
    public static string CodingName(MaskCoding coding) => coding == MaskCoding.Bitmap ? "bitmap" : "context";

    /// <summary>The report, line by line, as <c>pemn info</c> prints it.</summary>
    public IEnumerable<string> Lines()
    {
        var c = CultureInfo.InvariantCulture;
        var report = Report;
        var n = report.Network;
        yield return $"file            {Path}";
        yield return string.Format(c, "bytes           {0:N0} (format version {1}; checksum {2})", report.FileBytes, report.Version, report.Checksum);
        if (Config is { Experiment: var e })
        {
            yield return $"strategy        {e.Strategy.Label()} ({Names.Of(e.Strategy.Name)}), stored as {Names.Of(Config.Kind)}";
            yield return $"model           {Names.Label(e.Model.Name)} {e.Model.ShortName}, {e.Model.InChannels}x{e.Model.ImageSize}x{e.Model.ImageSize}, {e.Model.Classes} classes; seed {e.Training.Seed}";
            var keep = Config.Kind == PackedKind.Sparse ? "q" : "k";
            yield return $"data set        {Names.Of(e.Data.Dataset)}; keep fraction {keep} {e.Masking.KeepFraction.ToString(c)}";
            if (Config.Run is { } r)
                yield return $"run             {r.Id}" + (r.FinalTestAccuracy is { } a ? string.Format(c, ", final test accuracy {0:P2}", a) : "");
        }
        else
        {
            yield return $"config          not an experiment's ({ConfigError})";
        }
        var sources = n.Prototypes.GroupBy(p => p.Source).Select(g => $"{g.Count()} {SourceName(g.Key)}");
        yield return string.Format(c, "unique values   {0:N0} in {1} prototype(s){2}", report.UniqueValues, n.Prototypes.Count,
            n.Prototypes.Count == 0 ? "" : $" ({string.Join(", ", sources)})");
        if (n.SparseLayers.Count > 0)
            yield return string.Format(c, "kept values     {0:N0} of {1:N0} weights in {2} sparse layer(s): {3:0.00} bits per kept value (32 for the value, {4:0.00} for its position)",
                report.KeptValues, n.SparseLayers.Sum(l => l.Mask.Length), n.SparseLayers.Count, report.SparseBitsPerKeptValue,
                report.SparseBitsPerKeptValue - StorageReport.FloatBits);
        if (n.Permutations.Count > 0)
            yield return $"permutations    {string.Join(", ", n.Permutations.Select(p => $"prototype {p.Prototype}: generator {(uint)p.Generator}, seed {p.Seed}, length {p.Length:N0}"))}";
        yield return string.Format(c, "tensors         {0} ({1:N0} values)", n.Tensors.Count, n.Tensors.Sum(t => t.DataLength));

        yield return "";
        yield return "sections        offset      bytes";
        foreach (var s in Sections()) yield return string.Format(c, "  {0,-13} {1,8:N0} {2,10:N0}", s.Name, s.Offset, s.Bytes);

        yield return "";
        yield return "parts           bytes";
        foreach (var (part, bytes) in report.Parts) yield return string.Format(c, "  {0,-18} {1,10:N0}", Names.Of(part), bytes);

        var masked = report.Masks.Where(m => m.Form == PemnLayerForm.Masked).ToList();
        if (masked.Count > 0)
        {
            yield return "";
            var width = Math.Max(10, masked.Max(m => m.Path.Length));
            yield return string.Format(c, "{0} {1,9} {2,9} {3,-8} {4,8} {5,11} {6,6}", "masks".PadRight(width + 2), "entries", "kept", "coding", "bytes", "bits/weight", "H(k)");
            foreach (var m in masked)
                yield return string.Format(c, "  {0} {1,9:N0} {2,9:N0} {3,-8} {4,8:N0} {5,11:0.0000} {6,6:0.000}",
                    m.Path.PadRight(width), m.Entries, m.Kept, CodingName(m.Coding), m.Bytes, m.BitsPerWeight, m.EntropyBitsPerWeight);
            yield return string.Format(c, "  {0} {1,9:N0} {2,9:N0} {3,-8} {4,8:N0} {5,11:0.0000}",
                "total".PadRight(width), masked.Sum(m => m.Entries), masked.Sum(m => m.Kept), "", masked.Sum(m => m.Bytes),
                8.0 * masked.Sum(m => m.Bytes) / Math.Max(1, masked.Sum(m => m.Entries)));
        }

        var sparse = report.Masks.Where(m => m.Form == PemnLayerForm.Sparse).ToList();
        if (sparse.Count > 0)
        {
            yield return "";
            var width = Math.Max(13, sparse.Max(m => m.Path.Length));
            yield return string.Format(c, "{0} {1,9} {2,9} {3,-8} {4,8} {5,13} {6,9} {7,6}",
                "sparse layers".PadRight(width + 2), "positions", "kept", "coding", "bytes", "bits/position", "bits/kept", "H(q)");
            foreach (var m in sparse)
                yield return string.Format(c, "  {0} {1,9:N0} {2,9:N0} {3,-8} {4,8:N0} {5,13:0.0000} {6,9:0.000} {7,6:0.000}",
                    m.Path.PadRight(width), m.Entries, m.Kept, CodingName(m.Coding), m.Bytes, m.BitsPerWeight, m.BitsPerKept, m.EntropyBitsPerWeight);
            var (entries, kept, bytes) = (sparse.Sum(m => m.Entries), sparse.Sum(m => m.Kept), sparse.Sum(m => m.Bytes));
            yield return string.Format(c, "  {0} {1,9:N0} {2,9:N0} {3,-8} {4,8:N0} {5,13:0.0000} {6,9:0.000}",
                "total".PadRight(width), entries, kept, "", bytes, 8.0 * bytes / Math.Max(1, entries), kept == 0 ? 0 : 8.0 * bytes / kept);
        }

        if (Comparison is not null)
        {
            yield return "";
            yield return "file vs accounting (bits)   accounting         file   why";
            foreach (var row in Comparison)
                yield return string.Format(c, "  {0,-22} {1,12:N0} {2,12:N0}   {3}", row.Part, row.AccountingBits, row.FileBits, row.Why);
        }
    }

    /// <summary>The report as text (<see cref="Lines"/>).</summary>
    public override string ToString() => string.Join(Environment.NewLine, Lines());
}
