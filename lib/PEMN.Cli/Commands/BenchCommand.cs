using System.CommandLine;

namespace PEMN.Cli.Commands;

/// <summary><c>pemn bench</c>: benchmarks that print numbers (never timed unit tests).</summary>
public static class BenchCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("bench", "Benchmarks that print timings (masks: mask computation and masked vs dense training step).");
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var masks = new Command("masks", "Mask computation (full sort vs selection) and a training step masked vs dense, ConvMixer-256/8, 3x32x32, batch 64.");
        masks.Options.Add(json);
        masks.SetAction(parse => { Console.WriteLine(parse.GetValue(json)); return 0; });
        command.Subcommands.Add(masks);
        command.Subcommands.Add(BenchDataCommand.Create());
        return command;
    }
}
