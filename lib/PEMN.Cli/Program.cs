// A worker of --workers leaves the terminal's process group first (WorkerProcesses).
PEMN.Cli.Commands.WorkerProcesses.DetachIfWorker();
// Freed tensors go back to the system (NativeMemory): a training process holds half the memory.
PEMN.Runtime.NativeMemory.ReturnFreedTensors();
return await PEMN.Cli.Pemn.RunAsync(args);
