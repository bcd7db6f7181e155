using System.CommandLine;
using System.Text.Json;
using PEMN.Cli.Options;
using PEMN.Data;
using PEMN.Runtime;

namespace PEMN.Cli.Commands;

/// <summary>
/// <c>pemn data --dataset NAME [--data-dir DIR] [--json] [--offline]</c>: checks that a data set is in place
/// and readable; prints where it was found, split sizes, classes and image shape. A missing or corrupt
/// file prints the error training would get and exits <see cref="ExitCodes.Data"/>.
/// </summary>
public static class DataCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("data", "Check that a data set is in place and readable (downloads missing official files when the network is reachable).");
        var onDisk = Enum.GetValues<DataSetName>().Where(n => DataSetCatalog.Get(n).OnDisk).Select(Names.Of);
        var dataset = new Option<string>("--dataset") { Description = $"One of: {string.Join(", ", onDisk)} (hyphens or underscores).", Required = true };
        var dataDir = new Option<string?>("--data-dir") { Description = $"Data root holding <dataset>/ (default: ${DataLocator.EnvironmentVariable}, else data/ in the repository). [data.data_dir]" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (fields dataset, path, train, test, classes, shape, class_names)." };
        var offline = new Option<bool>("--offline") { Description = "Never download; report missing files instead." };
        command.Options.Add(dataset);
        command.Options.Add(dataDir);
        command.Options.Add(json);
        command.Options.Add(offline);
        command.SetAction(parse => Pemn.Guard(() =>
        {
            var name = Names.TryParse<DataSetName>(parse.GetValue(dataset), out var n) && DataSetCatalog.Get(n).OnDisk
                ? n
                : throw new UsageException("--dataset", $"'{parse.GetValue(dataset)}' is not allowed; allowed: {string.Join(", ", onDisk)}.");
            return Run(name, parse.GetValue(dataDir), parse.GetValue(json), parse.GetValue(offline));
        }));
        return command;
    }

    private static int Run(DataSetName name, string? dataDir, bool json, bool offline)
    {
        try
        {
            var splits = DataSets.Load(name, DataLocator.FromEnvironment(dataDir), offline ? null : new HttpDownloader());
            var shape = splits.Train.Shape;
            if (json)
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    dataset = Names.Of(name),
                    path = splits.Folder,
                    train = splits.Train.Count,
                    test = splits.Test.Count,
                    classes = splits.Train.Classes,
                    shape,
                    class_names = splits.Train.ClassNames,
                }));
            }
            else
            {
                Console.WriteLine($"{Names.Of(name)}: found in {splits.Folder}");
                Console.WriteLine($"  train {splits.Train.Count:N0}, test {splits.Test.Count:N0} images of {string.Join("x", shape)}");
                Console.WriteLine($"  {splits.Train.Classes} classes: {string.Join(", ", splits.Train.ClassNames.Take(10))}{(splits.Train.Classes > 10 ? ", ..." : "")}");
            }
            return ExitCodes.Ok;
        }
        catch (DataSetException e) when (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { dataset = Names.Of(name), error = e.Message }));
            throw;
        }
    }
}
