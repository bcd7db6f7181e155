using System.CommandLine;
using PEMN.Configuration;
using PEMN.Runs;
using PEMN.Runtime;
using static TorchSharp.torch;

namespace PEMN.Cli.Commands;

/// <summary>
/// <c>pemn unpack FILE -o MODEL.bin [--config-out CONFIG.json] [--force]</c>: loads a PEMN file and saves its network as a
/// TorchSharp state_dict checkpoint, which <c>PemnNetwork.Build(spec).Model.load(MODEL.bin)</c> reads (spec: the file's
/// experiment, which --config-out writes as a config file).
/// </summary>
public static class UnpackCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("unpack",
            "Load a .pemn file and save its network as a TorchSharp state_dict checkpoint (model.save), which PemnNetwork.Build(spec).Model.load(path) " +
            "reads; masked layers' scores hold their masks (1 kept, 0 dropped), so the top-k of the scores is the stored mask. " +
            "--config-out also writes the experiment config (pemn train --config reads it; its network spec builds the model).");
        var file = PemnFileArguments.File();
        var output = PemnFileArguments.Output("The checkpoint file to write (e.g. model.bin).");
        var configOut = new Option<string>("--config-out") { Description = "Also write the file's experiment config (config.json format) here." };
        var force = PemnFileArguments.Force();
        command.Arguments.Add(file);
        command.Options.Add(output);
        command.Options.Add(configOut);
        command.Options.Add(force);
        command.SetAction(parse => Pemn.Guard(() =>
        {
            var path = PemnFileArguments.Writable(parse.GetValue(output)!, parse.GetValue(force), "--output");
            var configPath = parse.GetValue(configOut) is { } c ? PemnFileArguments.Writable(c, parse.GetValue(force), "--config-out") : null;
            var input = Path.GetFullPath(parse.GetValue(file)!);
            var (config, network) = RunPacking.Load(FileFormat.PemnFile.Read(PemnFileArguments.Read(input)));
            using (network)
            {
                using (NewDisposeScope()) AtomicFile.Write(path, tmp => network.Model.save(tmp));
                if (configPath is not null) ExperimentJson.Save(config.Experiment, configPath);
                var tensors = network.Model.state_dict().Count;
                Console.WriteLine($"wrote {path}: TorchSharp state_dict of {config.Experiment.Strategy.Label()} {config.Experiment.Model.ShortName} ({tensors} tensors)");
                if (configPath is not null) Console.WriteLine($"wrote {configPath}: its experiment config");
                Console.WriteLine("  PemnNetwork.Build(config.Network).Model.load(path) reads it; masked layers' scores hold their masks (1 kept, 0 dropped)");
            }
            return ExitCodes.Ok;
        }));
        return command;
    }
}
