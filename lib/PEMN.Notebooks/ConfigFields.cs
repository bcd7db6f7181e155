using System.Reflection;
using System.Text.Json;
using PEMN.Configuration;

namespace PEMN.Notebooks;

/// <summary>
/// Which fields of a config apply to it, found by asking the config itself: a field applies when changing it changes
/// the config's canonical form (<see cref="ExperimentConfig.Canonical"/> resets what a model family, strategy or data
/// set does not use). So the notebooks' config table shows a ConvMixer without ViT heads, a Mask run without an RP
/// ratio, and stays right when a field is added.
/// </summary>
public static class ConfigFields
{
    /// <summary>The dotted JSON paths ("model.dim", "training.lr_max") of the section fields that apply to <paramref name="config"/>.</summary>
    public static IReadOnlySet<string> Applying(ExperimentConfig config)
    {
        var canonical = ExperimentJson.Canonical(config);
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var section in typeof(ExperimentConfig).GetProperties().Where(p => p.CanWrite && IsSection(p.PropertyType)))
        {
            var value = section.GetValue(config)!;
            var sectionName = ExperimentJson.FieldName(section.Name);
            foreach (var field in section.PropertyType.GetProperties().Where(p => p.CanWrite && p.GetIndexParameters().Length == 0))
            {
                var path = $"{sectionName}.{ExperimentJson.FieldName(field.Name)}";
                // A field this probe cannot change is shown: better one field too many than a hidden one.
                if (Perturb(field.GetValue(value), field.PropertyType) is not { } changed) { used.Add(path); continue; }
                var copy = Clone(value);
                field.SetValue(copy, changed);
                var probe = Clone(config);
                section.SetValue(probe, copy);
                if (Differs(canonical, (ExperimentConfig)probe)) used.Add(path);
            }
        }
        return used;
    }

    private static bool IsSection(Type type) => type.Namespace?.StartsWith("PEMN", StringComparison.Ordinal) == true && !type.IsEnum && type.IsClass;

    private static bool Differs(string canonical, ExperimentConfig probe)
    {
        try { return ExperimentJson.Canonical(probe) != canonical; }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or JsonException) { return true; }
    }

    /// <summary>Another value of the same type (null when there is none to try: the field is then shown).</summary>
    private static object? Perturb(object? value, Type type)
    {
        var inner = Nullable.GetUnderlyingType(type) ?? type;
        return value switch
        {
            null when inner == typeof(long) => 1L,
            null when inner == typeof(int) => 1,
            null when inner == typeof(double) => 0.5,
            null => null,
            long l => l + 1,
            int i => i + 1,
            double d => d * 1.5 + 0.25,
            bool b => !b,
            string text => text + "x",
            Enum e => NextEnum(e),
            double[] a => a.Select(v => v + 1).ToArray(),
            _ => null,
        };
    }

    private static object? NextEnum(Enum value)
    {
        var values = Enum.GetValues(value.GetType());
        if (values.Length < 2) return null;
        var index = Array.IndexOf(values, value);
        return values.GetValue((index + 1) % values.Length);
    }

    private static object Clone(object record) =>
        record.GetType().GetMethod("<Clone>$", BindingFlags.Public | BindingFlags.Instance)?.Invoke(record, null)
        ?? throw new InvalidOperationException($"{record.GetType().Name} is not a record.");
}
