using System.CommandLine;
using System.Text.Json;
using PEMN.FileFormat;
using PEMN.Runs;
using PEMN.Runtime;

namespace PEMN.Cli.Commands;

/// <summary>
/// <c>pemn info FILE [--json]</c>: what a PEMN file holds and what its bytes are spent on (<see cref="PemnFileInfo"/>, the
/// library's report): sections, parts, the masks' bits per weight per layer and in total (with H(k) beside them), a sparse
/// file's bits per kept value and per position, strategy, unique values, and the file set beside the storage accounting of the
/// network its configuration describes. Any valid file is described; a configuration that is not an experiment's (a hand-made
/// file) only leaves out the experiment and the accounting.
/// </summary>
public static class InfoCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("info",
            "Describe a .pemn file: sections and their sizes, strategy, unique values, each mask's coding and bits per weight (and in total, " +
            "with the entropy H(k) of its kept fraction), a sparse baseline's bits per kept value and per position, and the file's bytes " +
            "part by part beside the storage accounting (C_w, C_m, other).");
        var file = PemnFileArguments.File();
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON object: file, bytes, checksum (the SHA-256 the file ends with), kind, strategy, label, model, dataset, keep_fraction, seed, run, unique_values, " +
                "prototypes, permutations, sections, parts, masks (masked and sparse layers'), mask_entries, mask_bits_per_weight, kept_values, sparse_bits_per_kept_value, " +
                "tensors, accounting (null when the config is not an experiment's).",
        };
        command.Arguments.Add(file);
        command.Options.Add(json);
        command.SetAction(parse => Pemn.Guard(() =>
        {
            var path = Path.GetFullPath(parse.GetValue(file)!);
            var info = PemnFileInfo.Of(path, PemnFileArguments.Read(path));
            if (parse.GetValue(json)) Console.WriteLine(Json(info));
            else foreach (var line in info.Lines()) Console.WriteLine(line);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static string Json(PemnFileInfo info)
    {
        var (path, report, config, configError, comparison) = (info.Path, info.Report, info.Config, info.ConfigError, info.Comparison);
        var e = config?.Experiment;
        var n = report.Network;
        return JsonSerializer.Serialize(new
        {
            file = path,
            bytes = report.FileBytes,
            checksum = report.Checksum,
            version = report.Version,
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
            prototypes = n.Prototypes.Select(p => new { source = PemnFileInfo.SourceName(p.Source), length = p.Length, tiled_length = p.TiledLength }),
            permutations = n.Permutations.Select(p => new { prototype = p.Prototype, generator = (uint)p.Generator, seed = p.Seed, length = p.Length }),
            sections = info.Sections().Select(s => new { kind = s.Name, offset = s.Offset, bytes = s.Bytes }),
            parts = report.Parts.ToDictionary(p => Names.Of(p.Key), p => p.Value),
            masks = report.Masks.Select(m => new
            {
                path = m.Path,
                form = m.Form == PemnLayerForm.Sparse ? "sparse" : "masked",
                entries = m.Entries,
                kept = m.Kept,
                coding = PemnFileInfo.CodingName(m.Coding),
                bytes = m.Bytes,
                bits_per_weight = m.BitsPerWeight,
                bits_per_kept = m.BitsPerKept,
                entropy_bits_per_weight = m.EntropyBitsPerWeight,
            }),
            mask_entries = report.MaskEntries,
            mask_bits_per_weight = report.MaskBitsPerWeight,
            kept_values = report.KeptValues,
            sparse_bits_per_kept_value = report.SparseBitsPerKeptValue,
            tensors = new { count = n.Tensors.Count, elements = n.Tensors.Sum(t => t.DataLength) },
            accounting = comparison?.Select(c => new { part = c.Part, accounting_bits = c.AccountingBits, file_bits = c.FileBits, why = c.Why }),
        }, CliJson.Options);
    }
}
