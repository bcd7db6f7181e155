using System.CommandLine;

namespace PEMN.Cli.Commands;

/// <summary>Every sub-command of <c>pemn</c>, in the order <c>pemn --help</c> lists them.</summary>
public static class CommandCatalog
{
    /// <summary>Creates the sub-commands.</summary>
    public static IEnumerable<Command> All() =>
    [
        TrainCommand.Create(),
        SweepCommand.Create(),
        LadderCommand.Create(),
        StorageCommand.Create(),
        PackCommand.Create(),
        InfoCommand.Create(),
        EvalCommand.Create(),
        UnpackCommand.Create(),
        BenchCommand.Create(),
        DataCommand.Create(),
        PlanCommand.Create(),
        MigrateCommand.Create(),
    ];
}
