using System.CommandLine;
using System.Text.Json;
using PEMN.Data;

namespace PEMN.Cli.Commands;

/// <summary>
/// <c>pemn data --dataset NAME [--data-dir DIR] [--json] [--offline]</c>: checks that a data set is in place
/// and readable; prints where it was found, split sizes, classes and image shape. A missing or corrupt
/// file prints the error training would get and exits 1.
/// </summary>
public static class DataCommand
{
    /// <summary>Exit code when the data set is missing or unreadable.</summary>
    public const int DataErrorExitCode = 1;

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("data", "Check that a data set is in place and readable (downloads missing official files when the network is reachable).");
        var dataset = new Option<string>("--dataset") { Description = $"One of: {string.Join(", ", DataSetNames.All)}.", Required = true };
        var dataDir = new Option<string?>("--data-dir") { Description = $"Data root holding <dataset>/ (default: ${DataLocator.EnvironmentVariable}, else data/ in the repository)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (fields train, test, classes, shape, path)." };
        var offline = new Option<bool>("--offline") { Description = "Never download; report missing files instead." };
        command.Options.Add(dataset);
        command.Options.Add(dataDir);
        command.Options.Add(json);
        command.Options.Add(offline);
        command.SetAction(parse => Run(parse.GetValue(dataset)!, parse.GetValue(dataDir), parse.GetValue(json), parse.GetValue(offline),
            Console.Out, Console.Error));
        return command;
    }

    /// <summary>Runs the check, writing the report to <paramref name="output"/> and errors to <paramref name="error"/>; returns the exit code.</summary>
    public static int Run(string dataset, string? dataDir, bool json, bool offline, TextWriter output, TextWriter error)
    {
        DataSetName name;
        try { name = DataSetNames.Parse(dataset); }
        catch (ArgumentOutOfRangeException e)
        {
            error.WriteLine(e.Message);
            return DataErrorExitCode;
        }
        try
        {
            var splits = DataSets.Load(name, DataLocator.FromEnvironment(dataDir), offline ? null : new HttpDownloader());
            var shape = splits.Train.Shape;
            if (json)
            {
                output.WriteLine(JsonSerializer.Serialize(new
                {
                    dataset = name.Key(),
                    path = splits.Folder,
                    train = splits.Train.Count,
                    test = splits.Test.Count,
                    classes = splits.Train.Classes,
                    shape,
                    classNames = splits.Train.ClassNames,
                }));
            }
            else
            {
                output.WriteLine($"{name.Key()}: found in {splits.Folder}");
                output.WriteLine($"  train {splits.Train.Count:N0}, test {splits.Test.Count:N0} images of {string.Join("x", shape)}");
                output.WriteLine($"  {splits.Train.Classes} classes: {string.Join(", ", splits.Train.ClassNames.Take(10))}{(splits.Train.Classes > 10 ? ", ..." : "")}");
            }
            return 0;
        }
        catch (DataSetException e)
        {
            if (json) output.WriteLine(JsonSerializer.Serialize(new { dataset = name.Key(), error = e.Message }));
            error.WriteLine(e.Message);
            return DataErrorExitCode;
        }
    }
}
