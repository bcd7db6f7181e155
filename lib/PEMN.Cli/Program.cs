return await PEMN.Cli.Pemn.RunAsync(args);
