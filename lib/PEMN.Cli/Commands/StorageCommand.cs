using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using PEMN.Cli.Options;
using PEMN.Storage;
using static TorchSharp.torch;

namespace PEMN.Cli.Commands;

/// <summary>
/// <c>pemn storage</c>: builds a model on the CPU, applies a strategy and prints its storage report
/// (C = C_w + C_m, other trained parameters, compression against the dense network).
/// </summary>
public static class StorageCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("storage", "Storage of a PEMN network in bits: unique random values, 1-bit masks, other trained parameters, compression ratio.");
        var model = new ModelOptions();
        var mask = new MaskOptions();
        var strategy = new StrategyOptions();
        var seed = new Option<long>("--seed") { Description = "Seed of the random weights and of the strategy.", DefaultValueFactory = _ => 0 };
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
        model.AddTo(command);
        mask.AddTo(command);
        strategy.AddTo(command);
        command.Options.Add(seed);
        command.Options.Add(seedStorage);
        command.Options.Add(json);
        command.Options.Add(sparseKeep);
        command.Options.Add(sparseCompression);
        command.SetAction(parse =>
        {
            // Every flag is read and validated before anything is built.
            Models.ModelConfig modelConfig;
            Masking.MaskingOptions masking;
            Strategies.StrategyConfig strategyConfig;
            try
            {
                modelConfig = model.Read(parse);
                masking = mask.Read(parse);
                strategyConfig = strategy.Read(parse);
                ReadSparse(parse.GetValue(sparseKeep), parse.GetValue(sparseCompression));
            }
            catch (FlagException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return FlagException.ExitCode;
            }
            var (keep, compression) = (parse.GetValue(sparseKeep), parse.GetValue(sparseCompression));
            var report =
                keep is { } q ? StorageMeasurement.RunSparse(modelConfig, q, CPU)
                : compression is { } c ? StorageMeasurement.RunSparseAtCompression(modelConfig, c, CPU)
                : StorageMeasurement.Run(modelConfig, masking, strategyConfig, parse.GetValue(seed), parse.GetValue(seedStorage), CPU);
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(report, CliJson.Options));
            else
                Console.Write(Table(modelConfig, report));
            return 0;
        });
        return command;
    }

    private static void ReadSparse(double? keep, double? compression)
    {
        if (keep is not null && compression is not null)
            throw new FlagException("--sparse-keep", "give --sparse-keep or --sparse-compression, not both.");
        if (keep is { } q && (!double.IsFinite(q) || q <= 0 || q > 1))
            throw new FlagException("--sparse-keep", $"{q} is outside the allowed range (0, 1].");
        if (compression is { } c && (!double.IsFinite(c) || c <= 0 || c >= 1))
            throw new FlagException("--sparse-compression", $"{c} is outside the allowed range (0, 1).");
    }

    /// <summary>The report as aligned "name  value" lines.</summary>
    public static string Table(Models.ModelConfig model, StorageReport report)
    {
        var rows = new (string Name, string Value)[]
        {
            ("model", $"{model.Name} dim {model.Dim} depth {model.Depth} kernel {model.Kernel} patch {model.Patch}, {model.InChannels}x{model.ImageSize}x{model.ImageSize}, {model.Classes} classes"),
            ("scheme", report.Scheme),
            ("keep fraction k", Number(report.KeepFraction)),
            ("weights", Count(report.Weights)),
            ("masked weights", Count(report.MaskedWeights)),
            ("largest layer", Count(report.LargestLayer)),
            ("unique values", Count(report.UniqueValues)),
            ("distinct floats", Count(report.DistinctFloats) + " (float32 bit patterns in the weights)"),
            ("prototype bits (C_w)", Count(report.PrototypeBits) + (report.SeedStored ? " (one seed)" : "")),
            ("mask bits (C_m)", Count(report.MaskBits)),
            ("other trained params", Count(report.OtherParameters)),
            ("other bits", Count(report.OtherBits)),
            ("total bits", Count(report.TotalBits)),
            ("BN running-stat bits", Count(report.RunningStatsBits)),
            ("inference bits", Count(report.InferenceBits) + " (total + running stats)"),
            ("dense bits", Count(report.DenseBits)),
            ("compression ratio", report.CompressionRatio.ToString("P2", CultureInfo.InvariantCulture)),
        };
        var width = rows.Max(r => r.Name.Length) + 2;
        return string.Concat(rows.Select(r => r.Name.PadRight(width) + r.Value + Environment.NewLine));
    }

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);
}
