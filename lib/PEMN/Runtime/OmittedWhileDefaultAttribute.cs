namespace PEMN.Runtime;

/// <summary>
/// Marks a config field added after runs were recorded: JSON (config.json, the runs table, packed files, and the canonical form
/// that run ids hash) leaves it out while it holds its type's default (false, 0, null), so everything recorded before the
/// field existed keeps its bytes, its columns and its run id; a file without the field reads as the default. Overrides by path
/// (flags, --set, sweep grids) still reach it (Configuration.ExperimentJson.ToEditableNode lists every field).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OmittedWhileDefaultAttribute : Attribute;
