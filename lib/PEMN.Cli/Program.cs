// A worker of --workers leaves the terminal's process group first (WorkerProcesses).
PEMN.Cli.Commands.WorkerProcesses.DetachIfWorker();
return await PEMN.Cli.Pemn.RunAsync(args);
