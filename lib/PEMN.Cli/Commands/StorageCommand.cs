using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using PEMN.Cli.Options;
using PEMN.Runtime;
using PEMN.Storage;
using static TorchSharp.torch;

namespace PEMN.Cli.Commands;

/// <summary>
/// <c>pemn storage</c>: builds the experiment's network on the CPU (model, masking, strategy, seed) and prints its
/// storage report (C = C_w + C_m, other trained parameters, compression against the dense network).
/// </summary>
public static class StorageCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("storage",
            "Storage of a PEMN network in bits: unique random values, 1-bit masks, other trained parameters, compression ratio. " +
            "Takes the same experiment flags as train (--preset, --config, --model, --strategy, --k, --seed, --set ...).");
        var experiment = new ExperimentOptions();
        experiment.AddTo(command);
        var seedStorage = new Option<bool>("--seed-storage") { Description = "Store the random values as one 64-bit seed when they regenerate from it." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (snake_case) instead of a table." };
        var sparseKeep = new Option<double?>("--sparse-keep")
        {
            Description = "Report instead the conventional sparse network of this architecture keeping q in (0, 1] of every layer (CSR indices).",
        };
        var sparseCompression = new Option<double?>("--sparse-compression")
        {
            Description = "Report instead the sparse network of this architecture at compression ratio c in (0, 1) (the largest q reaching it).",
        };
        var sparseIndex = new Option<string>("--sparse-index")
        {
            Description = $"Position encoding of the sparse network (--sparse-keep, --sparse-compression or a sparse_* strategy): {Names.Allowed<SparseIndexEncoding>()} (default {Names.Of(SparseIndexEncoding.NarrowCsr)}; paper_csr is the paper's 2 q p entries of 32 bits).",
        };
        command.Options.Add(seedStorage);
        command.Options.Add(sparseIndex);
        command.Options.Add(json);
        command.Options.Add(sparseKeep);
        command.Options.Add(sparseCompression);
        command.SetAction(parse => Pemn.Guard(() =>
        {
            // Every flag is read and validated before anything is built.
            var config = experiment.Resolve(parse).Config;
            var (keep, compression) = (parse.GetValue(sparseKeep), parse.GetValue(sparseCompression));
            if (keep is not null && compression is not null)
                throw new UsageException("--sparse-keep", "give --sparse-keep or --sparse-compression, not both.");
            if (keep is { } q && (!double.IsFinite(q) || q <= 0 || q > 1))
                throw new UsageException("--sparse-keep", $"{q} is outside the allowed range (0, 1].");
            if (compression is { } c && (!double.IsFinite(c) || c <= 0 || c >= 1))
                throw new UsageException("--sparse-compression", $"{c} is outside the allowed range (0, 1).");
            var encoding = parse.GetValue(sparseIndex) is not { } index ? SparseIndexEncoding.NarrowCsr
                : Names.TryParse<SparseIndexEncoding>(index, out var e) ? e
                : throw new UsageException("--sparse-index", $"'{index}' is not allowed; allowed: {Names.Allowed<SparseIndexEncoding>()}.");
            var report =
                keep is { } k ? StorageMeasurement.RunSparse(config.Model, k, encoding, CPU)
                : compression is { } r ? StorageMeasurement.RunSparseAtCompression(config.Model, r, encoding, CPU)
                : StorageMeasurement.Run(config.Network, parse.GetValue(seedStorage), CPU, encoding);
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(report, CliJson.Options));
            else
                Console.Write(Table(config.Model, report));
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>The report as aligned "name  value" lines.</summary>
    public static string Table(Models.ModelConfig model, StorageReport report)
    {
        var rows = new (string Name, string Value)[]
        {
            ("model", $"{Names.Label(model.Name)} {model.ShortName}, {model.InChannels}x{model.ImageSize}x{model.ImageSize}, {model.Classes} classes"),
            ("scheme", report.Scheme),
            ("keep fraction k", Number(report.KeepFraction)),
            ("weights", Count(report.Weights)),
            ("masked weights", Count(report.MaskedWeights)),
            ("largest layer", Count(report.LargestLayer)),
            ("unique values", Count(report.UniqueValues)),
            ("distinct floats", Count(report.DistinctFloats) + " (float32 bit patterns in the weights)"),
            ("prototype bits (C_w)", Count(report.PrototypeBits) + (report.SeedStored ? " (one seed)" : "")),
            ("mask bits (C_m)", Count(report.MaskBits)),
            ("dense layer bits", Count(report.DenseLayerBits) + " (trained conv/linear weights)"),
            ("weight bits (C)", Count(report.WeightBits) + $" vs {Count(report.DenseWeightBits)} dense"),
            ("compression", Percent(report.CompressionRatio) + " (conv/linear weights: the paper's)"),
            ("other trained params", Count(report.OtherParameters) + $" ({Count(report.OtherBits)} bits)"),
            ("total bits", Count(report.TotalBits) + $" vs {Count(report.DenseBits)} dense"),
            ("compression with other", Percent(report.CompressionWithOtherRatio)),
            ("BN running-stat bits", Count(report.RunningStatsBits)),
            ("inference bits", Count(report.InferenceBits) + " (total + running stats)"),
            ("inference compression", Percent(report.InferenceCompressionRatio)),
        };
        var width = rows.Max(r => r.Name.Length) + 2;
        return string.Concat(rows.Select(r => r.Name.PadRight(width) + r.Value + Environment.NewLine));
    }

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);
    private static string Percent(double value) => value.ToString("P2", CultureInfo.InvariantCulture);
}
