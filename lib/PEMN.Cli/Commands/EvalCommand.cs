using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using PEMN.Cli.Options;
using PEMN.Configuration;
using PEMN.Data;
using PEMN.Runs;
using PEMN.Runtime;
using PEMN.Training;
using static TorchSharp.torch;

namespace PEMN.Cli.Commands;

/// <summary>
/// <c>pemn eval FILE [--dataset NAME] [--data-dir DIR] [--device D] [--threads N] [--json]</c>: loads the network of a PEMN
/// file and measures its accuracy on a data set's test split through the library's data pipeline (<see cref="ExperimentData"/>,
/// <see cref="Trainer.Evaluate"/>). Without --dataset it is the file's own data config (its subsets and normalisation), so a
/// packed run scores what the run recorded after its last epoch.
/// </summary>
public static class EvalCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("eval",
            "Load a .pemn file and print the accuracy of its network on a data set's test split (default: the data set, subsets and " +
            "normalisation of the run it was packed from, whose recorded final test accuracy it prints beside).");
        var file = PemnFileArguments.File();
        var onDisk = Names.Allowed<DataSetName>();
        var dataset = new Option<string>("--dataset")
        {
            Description = $"Evaluate on this data set's whole test split instead of the file's data config (its images must fit the model). One of: {onDisk}.",
        };
        var dataDir = new Option<string?>("--data-dir") { Description = $"Data root holding <dataset>/ (default: ${DataLocator.EnvironmentVariable}, else data/ in the repository). [data.data_dir]" };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
        var threads = new Option<int?>("--threads") { Description = "torch.set_num_threads (default: the run's threads setting)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object: file, dataset, images, accuracy, recorded_final_test_accuracy, run_id." };
        command.Arguments.Add(file);
        command.Options.Add(dataset);
        command.Options.Add(dataDir);
        command.Options.Add(device);
        command.Options.Add(threads);
        command.Options.Add(json);
        command.SetAction(parse => Pemn.Guard(() =>
        {
            // Every flag is checked before the file is read or anything is built.
            DataSetName? name = null;
            if (parse.GetValue(dataset) is { } text)
                name = Names.TryParse<DataSetName>(text, out var n) ? n : throw new UsageException("--dataset", $"'{text}' is not allowed; allowed: {onDisk}.");
            if (parse.GetValue(threads) is { } t && (t < 1 || t > ExperimentConfig.MaxThreads))
                throw new UsageException("--threads", $"{t} is outside the allowed range [1, {ExperimentConfig.MaxThreads}].");
            Device target;
            try
            {
                target = ExperimentRunner.ResolveDevice(parse.GetValue(device)!);
            }
            catch (ArgumentException e)
            {
                throw new UsageException("--device", ConfigError.Describe(e));
            }
            var path = Path.GetFullPath(parse.GetValue(file)!);
            var packed = FileFormat.PemnFile.Read(PemnFileArguments.Read(path));
            var config = RunPacking.ConfigOf(packed);
            var experiment = config.Experiment;
            var data = name is { } d && d != experiment.Data.Dataset ? new DataConfig(d, Augment: false) : experiment.Data;
            if (parse.GetValue(dataDir) is { } dir) data = data with { DataDir = Path.GetFullPath(dir) };
            try
            {
                experiment = (experiment with { Data = data }).Validate();
            }
            catch (ArgumentException e)
            {
                throw new UsageException("--dataset", ConfigError.Describe(e));
            }
            var count = parse.GetValue(threads) ?? experiment.Threads;
            if (count > 0) set_num_threads(count);

            var (_, network) = RunPacking.Load(packed, target);
            using (network)
            {
                var (train, test) = new ExperimentData().Load(experiment, target);
                try
                {
                    var accuracy = Trainer.Evaluate(network.Model, test);
                    Print(path, experiment, config, test.Count, accuracy, parse.GetValue(json));
                }
                finally
                {
                    (train as IDisposable)?.Dispose();
                    (test as IDisposable)?.Dispose();
                }
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static void Print(string path, ExperimentConfig experiment, PackedRunConfig config, long images, double accuracy, bool json)
    {
        // The run's record applies only to the data it was measured on.
        var recorded = experiment.Data == config.Experiment.Data with { DataDir = experiment.Data.DataDir } ? config.Run?.FinalTestAccuracy : null;
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                file = path,
                dataset = Names.Of(experiment.Data.Dataset),
                images,
                accuracy,
                recorded_final_test_accuracy = recorded,
                run_id = config.Run?.Id,
            }, CliJson.Options));
            return;
        }
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Format(c, "accuracy {0:P2} ({1:N0} test images of {2}) for {3}", accuracy, images, Names.Of(experiment.Data.Dataset), path));
        if (recorded is { } r)
            Console.WriteLine(string.Format(c, "  the run {0} recorded {1:P2} after its last epoch", config.Run!.Id, r));
    }
}
