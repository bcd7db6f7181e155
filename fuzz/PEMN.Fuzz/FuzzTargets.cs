using PEMN.Fuzz.Targets;

namespace PEMN.Fuzz;

/// <summary>Every fuzz target, one per reader of outside input, by name.</summary>
public static class FuzzTargets
{
    /// <summary>All targets, in the order of fuzz/README.md.</summary>
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        FileFormatTargets.Pemn,
        ConfigurationTargets.Config,
        ConfigurationTargets.Grid,
        DataTargets.Idx,
        DataTargets.Cifar,
        DataTargets.Jpeg,
        DataTargets.TinyImageNet,
        RunsTargets.RunFolderFiles,
        RunsTargets.RunsCsvFile,
    ];

    /// <summary>The target called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No target has that name; the message lists them.</exception>
    public static FuzzTarget Get(string name) =>
        All.FirstOrDefault(t => t.Name == name)
        ?? throw new ArgumentException($"no fuzz target '{name}'; allowed: {string.Join(", ", All.Select(t => t.Name))}.", nameof(name));
}
