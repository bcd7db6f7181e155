using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using PEMN.Experiments;
using PEMN.Runtime;
using PEMN.Storage;

namespace PEMN.Cli.Commands;

/// <summary>
/// <c>pemn info FILE [--json]</c>: what a PEMN file holds and what its bytes are spent on: sections, parts, the masks' bits per
/// weight per layer and in total (with H(k) beside them), strategy, unique values, and the file set beside the storage
/// accounting of the network its configuration describes. Any valid file is described; a configuration that is not an
/// experiment's (a hand-made file) only leaves out the experiment and the accounting.
/// </summary>
public static class InfoCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("info",
            "Describe a .pemn file: sections and their sizes, strategy, unique values, each mask's coding and bits per weight (and in total, " +
            "with the entropy H(k) of its kept fraction), and the file's bytes part by part beside the storage accounting (C_w, C_m, other).");
        var file = PemnFileArguments.File();
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON object: file, bytes, checksum (the SHA-256 the file ends with), kind, strategy, label, model, dataset, keep_fraction, seed, run, unique_values, " +
                "prototypes, permutations, sections, parts, masks, mask_entries, mask_bits_per_weight, tensors, accounting (null when the config is not an experiment's).",
        };
        command.Arguments.Add(file);
        command.Options.Add(json);
        command.SetAction(parse => Pemn.Guard(() =>
        {
            var path = Path.GetFullPath(parse.GetValue(file)!);
            var report = PemnFileReport.Of(PemnFileArguments.Read(path));
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
            var comparison = config is null ? null : report.Compare(Accounting(config, report));
            if (parse.GetValue(json)) Console.WriteLine(Json(path, report, config, configError, comparison));
            else foreach (var line in Text(path, report, config, configError, comparison)) Console.WriteLine(line);
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>The accounting of the file's network; C_w as one seed when every prototype is a recipe (the accounting's seed form).</summary>
    private static StorageReport Accounting(PackedRunConfig config, PemnFileReport report) =>
        StorageMeasurement.Run(config.Experiment.Network,
            seedStorage: report.Network.Prototypes.Count > 0 && report.RegeneratedPrototypes == report.Network.Prototypes.Count);

    private static string Json(string path, PemnFileReport report, PackedRunConfig? config, string? configError, IReadOnlyList<PemnFileComparison>? comparison)
    {
        var e = config?.Experiment;
        var n = report.Network;
        return JsonSerializer.Serialize(new
        {
            file = path,
            bytes = report.FileBytes,
            checksum = report.Checksum,
            version = PemnFile.Version,
            kind = config is null ? null : Names.Of(config.Kind),
            strategy = e is null ? null : Names.Of(e.Strategy.Name),
            label = e?.Strategy.Label(),
            model = e?.Model.ShortName,
            dataset = e is null ? null : Names.Of(e.Data.Dataset),
            keep_fraction = e?.Masking.KeepFraction,
            seed = e?.Training.Seed,
            run = config?.Run is { } r ? new { id = r.Id, final_test_accuracy = r.FinalTestAccuracy, best_test_accuracy = r.BestTestAccuracy, epochs = r.Epochs } : null,
            config_error = configError,
            unique_values = report.UniqueValues,
            prototypes = n.Prototypes.Select(p => new { source = SourceName(p.Source), length = p.Length, tiled_length = p.TiledLength }),
            permutations = n.Permutations.Select(p => new { prototype = p.Prototype, generator = (uint)p.Generator, seed = p.Seed, length = p.Length }),
            sections = Sections(report).Select(s => new { kind = s.Name, offset = s.Offset, bytes = s.Bytes }),
            parts = report.Parts.ToDictionary(p => Names.Of(p.Key), p => p.Value),
            masks = report.Masks.Select(m => new
            {
                path = m.Path,
                entries = m.Entries,
                kept = m.Kept,
                coding = CodingName(m.Coding),
                bytes = m.Bytes,
                bits_per_weight = m.BitsPerWeight,
                entropy_bits_per_weight = m.EntropyBitsPerWeight,
            }),
            mask_entries = report.MaskEntries,
            mask_bits_per_weight = report.MaskBitsPerWeight,
            tensors = new { count = n.Tensors.Count, elements = n.Tensors.Sum(t => t.DataLength) },
            accounting = comparison?.Select(c => new { part = c.Part, accounting_bits = c.AccountingBits, file_bits = c.FileBits, why = c.Why }),
        }, CliJson.Options);
    }

    private static IEnumerable<string> Text(string path, PemnFileReport report, PackedRunConfig? config, string? configError, IReadOnlyList<PemnFileComparison>? comparison)
    {
        var c = CultureInfo.InvariantCulture;
        var n = report.Network;
        yield return $"file            {path}";
        yield return string.Format(c, "bytes           {0:N0} (format version {1}; checksum {2})", report.FileBytes, PemnFile.Version, report.Checksum);
        if (config is { Experiment: var e })
        {
            yield return $"strategy        {e.Strategy.Label()} ({Names.Of(e.Strategy.Name)}), stored as {Names.Of(config.Kind)}";
            yield return $"model           {Names.Label(e.Model.Name)} {e.Model.ShortName}, {e.Model.InChannels}x{e.Model.ImageSize}x{e.Model.ImageSize}, {e.Model.Classes} classes; seed {e.Training.Seed}";
            yield return $"data set        {Names.Of(e.Data.Dataset)}; keep fraction k {e.Masking.KeepFraction.ToString(c)}";
            if (config.Run is { } r)
                yield return $"run             {r.Id}" + (r.FinalTestAccuracy is { } a ? string.Format(c, ", final test accuracy {0:P2}", a) : "");
        }
        else
        {
            yield return $"config          not an experiment's ({configError})";
        }
        var sources = n.Prototypes.GroupBy(p => p.Source).Select(g => $"{g.Count()} {SourceName(g.Key)}");
        yield return string.Format(c, "unique values   {0:N0} in {1} prototype(s){2}", report.UniqueValues, n.Prototypes.Count,
            n.Prototypes.Count == 0 ? "" : $" ({string.Join(", ", sources)})");
        if (n.Permutations.Count > 0)
            yield return $"permutations    {string.Join(", ", n.Permutations.Select(p => $"prototype {p.Prototype}: generator {(uint)p.Generator}, seed {p.Seed}, length {p.Length:N0}"))}";
        yield return string.Format(c, "tensors         {0} ({1:N0} values)", n.Tensors.Count, n.Tensors.Sum(t => t.DataLength));

        yield return "";
        yield return "sections        offset      bytes";
        foreach (var s in Sections(report)) yield return string.Format(c, "  {0,-12} {1,8:N0} {2,10:N0}", s.Name, s.Offset, s.Bytes);

        yield return "";
        yield return "parts           bytes";
        foreach (var (part, bytes) in report.Parts) yield return string.Format(c, "  {0,-18} {1,10:N0}", Names.Of(part), bytes);

        if (report.Masks.Count > 0)
        {
            yield return "";
            var width = Math.Max(10, report.Masks.Max(m => m.Path.Length));
            yield return string.Format(c, "{0} {1,9} {2,9} {3,-8} {4,8} {5,11} {6,6}", "masks".PadRight(width + 2), "entries", "kept", "coding", "bytes", "bits/weight", "H(k)");
            foreach (var m in report.Masks)
                yield return string.Format(c, "  {0} {1,9:N0} {2,9:N0} {3,-8} {4,8:N0} {5,11:0.0000} {6,6:0.000}",
                    m.Path.PadRight(width), m.Entries, m.Kept, CodingName(m.Coding), m.Bytes, m.BitsPerWeight, m.EntropyBitsPerWeight);
            yield return string.Format(c, "  {0} {1,9:N0} {2,9:N0} {3,-8} {4,8:N0} {5,11:0.0000}",
                "total".PadRight(width), report.MaskEntries, report.Masks.Sum(m => m.Kept), "", report.Parts[PemnFilePart.Masks], report.MaskBitsPerWeight);
        }

        if (comparison is not null)
        {
            yield return "";
            yield return "file vs accounting (bits)   accounting         file   why";
            foreach (var row in comparison)
                yield return string.Format(c, "  {0,-22} {1,12:N0} {2,12:N0}   {3}", row.Part, row.AccountingBits, row.FileBits, row.Why);
        }
    }

    private static IEnumerable<(string Name, long Offset, long Bytes)> Sections(PemnFileReport report)
    {
        yield return ("header+toc", 0, PemnFile.HeaderBytes + PemnFile.SectionCount * PemnFile.TocEntryBytes);
        foreach (var s in report.Sections) yield return (s.Kind.ToString().ToLowerInvariant(), s.Offset, s.Length);
        yield return ("checksum", report.FileBytes - PemnFile.ChecksumBytes, PemnFile.ChecksumBytes);
    }

    private static string SourceName(PrototypeSource source) => source == PrototypeSource.Stored ? "stored" : "regenerated";

    private static string CodingName(MaskCoding coding) => coding == MaskCoding.Bitmap ? "bitmap" : "context";
}
