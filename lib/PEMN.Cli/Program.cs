using System.CommandLine;
using PEMN.Cli.Commands;

var root = new RootCommand("pemn: Parameter-Efficient Masking Networks workbench (train, sweep, storage, data, bench).");
foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);
return await root.Parse(args).InvokeAsync();
