using PEMN.Masking;

namespace PEMN.Notebooks;

/// <summary>A named set of mask overlaps, e.g. "One-layer: layers with the same values" or "seed 0 vs seed 1".</summary>
/// <param name="Name">The legend entry.</param>
/// <param name="Pairs">The overlaps (<see cref="MaskInspection.SharedValueOverlaps"/>, <see cref="MaskInspection.CompareLayers"/>).</param>
public sealed record NamedOverlaps(string Name, IReadOnlyList<MaskPairOverlap> Pairs);
