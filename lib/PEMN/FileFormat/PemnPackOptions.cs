namespace PEMN.FileFormat;

/// <summary>How <see cref="PemnPacking.Pack"/> stores a network's random values.</summary>
/// <param name="SeedStorage">
/// Store a prototype as a regeneration recipe (value generator, seed, shape, SHA-256: about 60 bytes) instead of its
/// float32 values, where drawing it again on this machine gives its values bit for bit; prototypes that do not
/// regenerate are stored. Off by default: the generators are libtorch's, unspecified, so a file with recipes loads
/// only where libtorch draws the same numbers (the loader checks the digest and refuses otherwise), while stored
/// values load everywhere.
/// </param>
public sealed record PemnPackOptions(bool SeedStorage = false);
