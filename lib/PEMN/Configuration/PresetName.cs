using PEMN.Runtime;

namespace PEMN.Configuration;

/// <summary>Which configuration of a scale a preset is: the scale's ConvMixer, or the same data and training for another model.</summary>
public enum PresetVariant
{
    /// <summary>The scale's ConvMixer (its preset is named by the scale alone: "quick").</summary>
    [Name("convmixer")] ConvMixer,
    /// <summary>The ViT of the scale ("quick_vit").</summary>
    [Name("vit")] ViT,
    /// <summary>The CIFAR ResNet of the scale ("quick_resnet").</summary>
    [Name("resnet")] ResNet,
    /// <summary>The ConvMixer at twice the width (the width/depth comparison).</summary>
    Wide,
    /// <summary>The ConvMixer at twice the depth (the width/depth comparison).</summary>
    Deep,
}

/// <summary>
/// A preset's name: a scale and a variant, spelled "quick" or "quick_vit" (both parts through <see cref="Names"/>, so
/// "Quick-ViT" is the same preset). The one vocabulary of --preset, sweep grids' "preset" and the plans' bases.
/// </summary>
public sealed record PresetName(Scale Scale, PresetVariant Variant = PresetVariant.ConvMixer)
{
    /// <summary>Every preset, by scale and in order of cost.</summary>
    public static IReadOnlyList<PresetName> All { get; } =
        Enum.GetValues<Scale>().SelectMany(s => Enum.GetValues<PresetVariant>().Select(v => new PresetName(s, v))).ToList();

    /// <summary>"quick", "quick_vit", ...: the scale, then the variant unless it is the ConvMixer.</summary>
    public override string ToString() =>
        Variant == PresetVariant.ConvMixer ? Names.Of(Scale) : $"{Names.Of(Scale)}_{Names.Of(Variant)}";

    /// <summary>The preset spelled <paramref name="text"/>; the error names <paramref name="field"/> and every allowed preset.</summary>
    /// <exception cref="ArgumentException">Not a preset.</exception>
    public static PresetName Parse(string? text, string field = "preset")
    {
        var parts = (text ?? "").Trim().Replace('-', '_').Split('_', 2);
        var variant = PresetVariant.ConvMixer;
        // The ConvMixer's preset has one spelling, the scale alone.
        if (Names.TryParse<Scale>(parts[0], out var scale)
            && (parts.Length == 1 || (Names.TryParse(parts[1], out variant) && variant != PresetVariant.ConvMixer)))
            return new PresetName(scale, variant);
        throw new ArgumentException($"{field} = '{text}' is not allowed; allowed: {string.Join(", ", All)}.", field);
    }
}
