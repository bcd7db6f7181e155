namespace PEMN.Runtime;

/// <summary>
/// Marks a config field added after runs were recorded: the canonical JSON that run ids hash (Experiments.ExperimentJson.Canonical)
/// leaves the field out while it holds its type's default (false, 0, null), so every run recorded before the field existed
/// keeps its id and its folder. Config files (config.json, the runs table) still write the field, so flags, --set and sweep
/// grids reach it like any other.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OmitDefaultFromRunIdAttribute : Attribute;
