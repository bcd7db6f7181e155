using System.Text.RegularExpressions;
using PEMN.Storage;

namespace PEMN.FileFormat;

/// <summary>What the bytes of a PEMN file are spent on; every byte belongs to exactly one part.</summary>
public enum PemnFilePart
{
    /// <summary>Magic, version, section count, file length, table of contents, SHA-256.</summary>
    [Runtime.Name("container")]
    Container,
    /// <summary>The configuration JSON (what rebuilds the model).</summary>
    [Runtime.Name("config")]
    Config,
    /// <summary>Layer paths and tensor names, with their length prefixes.</summary>
    [Runtime.Name("names")]
    Names,
    /// <summary>Table counts, shapes, prototype sources and lengths, layer indices, offsets, scales, kept counts, codings, payload lengths, dtypes.</summary>
    [Runtime.Name("descriptors")]
    Descriptors,
    /// <summary>
    /// C_w: stored prototype values (float32), or a regenerated prototype's recipe (generator, seed, drawn shape, SHA-256); a sparse
    /// layer's kept values (float32).
    /// </summary>
    [Runtime.Name("values")]
    Values,
    /// <summary>C_m: the mask payloads (bitmap or context-coded), of masked layers and of sparse layers (their positions).</summary>
    [Runtime.Name("masks")]
    Masks,
    /// <summary>RP rand permutations: prototype, generator, seed, length, SHA-256.</summary>
    [Runtime.Name("permutations")]
    Permutations,
    /// <summary>Data of the other tensors the optimiser trains: norm affine, embeddings, dense weights.</summary>
    [Runtime.Name("trained_tensors")]
    TrainedTensors,
    /// <summary>Data of BatchNorm running means and variances.</summary>
    [Runtime.Name("running_statistics")]
    RunningStatistics,
    /// <summary>Data of int64 tensors: BatchNorm num_batches_tracked.</summary>
    [Runtime.Name("counters")]
    Counters,
}

/// <summary>One part of a file set beside the storage accounting's price for it.</summary>
/// <param name="Part">What is compared, e.g. "masks (C_m)".</param>
/// <param name="AccountingBits">The accounting's bits (<see cref="StorageReport"/>); 0 where it prices nothing.</param>
/// <param name="FileBits">The bits the file spends on it.</param>
/// <param name="Why">Why the two differ, or that they agree.</param>
public sealed record PemnFileComparison(string Part, long AccountingBits, long FileBits, string Why);

/// <summary>The storage of one mask in a file.</summary>
/// <param name="Path">The layer's path.</param>
/// <param name="Entries">Mask entries (the layer's weights, or positions of a sparse layer).</param>
/// <param name="Kept">Entries kept.</param>
/// <param name="Coding">How the payload codes the mask.</param>
/// <param name="Bytes">Payload bytes.</param>
/// <param name="Form">A masked layer's mask (it selects random values) or a sparse layer's (the positions of its stored values).</param>
public sealed record PemnFileMask(string Path, long Entries, long Kept, MaskCoding Coding, long Bytes, PemnLayerForm Form = PemnLayerForm.Masked)
{
    /// <summary>Payload bits per mask entry (per weight; for a sparse layer, per position).</summary>
    public double BitsPerWeight => Entries == 0 ? 0 : 8.0 * Bytes / Entries;

    /// <summary>Payload bits per kept entry: what a sparse layer pays for the position of each value it stores (0 when nothing is kept).</summary>
    public double BitsPerKept => Kept == 0 ? 0 : 8.0 * Bytes / Kept;

    /// <summary>H(k) of the kept fraction: the bits per entry of a mask keeping it at random positions.</summary>
    public double EntropyBitsPerWeight => PemnFileReport.Entropy(Entries == 0 ? 0 : (double)Kept / Entries);
}

/// <summary>
/// The real storage of a PEMN file: its bytes split into <see cref="PemnFilePart"/>s (which sum to the file's length), its
/// masks' bits per weight, and the comparison with the storage accounting (<see cref="Compare"/>).
/// </summary>
/// <param name="FileBytes">The file's length.</param>
/// <param name="Checksum">The file's stored checksum, hex: SHA-256 of every byte before it (not of the whole file, as sha256sum computes); the network's identity.</param>
/// <param name="Parts">Bytes per part; every part is present (0 when empty).</param>
/// <param name="Sections">The table of contents.</param>
/// <param name="Masks">Every mask, in layer order.</param>
/// <param name="UniqueValues">Values of all prototypes (stored or regenerated): the random values the layers are cut from.</param>
/// <param name="RegeneratedPrototypes">Prototypes stored as recipes.</param>
/// <param name="Network">The file's content.</param>
public sealed partial record PemnFileReport(
    long FileBytes,
    string Checksum,
    IReadOnlyDictionary<PemnFilePart, long> Parts,
    IReadOnlyList<PemnSection> Sections,
    IReadOnlyList<PemnFileMask> Masks,
    long UniqueValues,
    int RegeneratedPrototypes,
    PackedNetwork Network)
{
    /// <summary>Mask entries over all layers.</summary>
    public long MaskEntries => Masks.Sum(m => m.Entries);

    /// <summary>Payload bits per mask entry over all layers (0 without masks).</summary>
    public double MaskBitsPerWeight => MaskEntries == 0 ? 0 : 8.0 * Masks.Sum(m => m.Bytes) / MaskEntries;

    /// <summary>The format version of the file.</summary>
    public uint Version => Sections.Count == PemnFile.SectionCountV2 ? PemnFile.Version2 : PemnFile.Version1;

    /// <summary>Values stored by sparse layers (one float32 per kept weight; 0 without sparse layers).</summary>
    public long KeptValues => Network.SparseLayers.Sum(l => l.Values.LongLength);

    /// <summary>
    /// Bits per stored value of the sparse layers: the 32 of the value plus what its position costs in the mask payloads
    /// (0 without sparse layers). The accounting's narrow CSR pays 32 plus about 9-10 on the quick models.
    /// </summary>
    public double SparseBitsPerKeptValue
    {
        get
        {
            var kept = KeptValues;
            var positions = Masks.Where(m => m.Form == PemnLayerForm.Sparse).Sum(m => m.Bytes);
            return kept == 0 ? 0 : StorageReport.FloatBits + 8.0 * positions / kept;
        }
    }

    /// <summary>Bytes that carry no number of the network: container, configuration, names and descriptors.</summary>
    public long OverheadBytes => Parts[PemnFilePart.Container] + Parts[PemnFilePart.Config] + Parts[PemnFilePart.Names] + Parts[PemnFilePart.Descriptors];

    /// <summary>Reads <paramref name="file"/> (validating it) and reports it.</summary>
    /// <exception cref="PemnFileException">The bytes are not a valid PEMN file.</exception>
    public static PemnFileReport Of(ReadOnlySpan<byte> file, PemnLimits? limits = null)
    {
        var (network, layout) = PemnFile.ReadWithLayout(file, limits, fields: true);
        var parts = Enum.GetValues<PemnFilePart>().ToDictionary(p => p, _ => 0L);
        foreach (var field in layout.Fields!) parts[PartOf(field.Name, network)] += field.Size;
        // The layout lists the masked layers' masks, then the sparse layers'.
        var kept = network.Layers.Select(l => l.Mask.CountOnes()).Concat(network.SparseLayers.Select(l => l.Mask.CountOnes())).ToList();
        var masks = layout.Masks.Select((m, i) => new PemnFileMask(m.Path, m.Entries, kept[i], m.Coding, m.PayloadBytes, m.Form)).ToList();
        return new PemnFileReport(file.Length, Convert.ToHexStringLower(file[^PemnFile.ChecksumBytes..]), parts, layout.Sections, masks,
            network.Prototypes.Sum(p => p.Length), network.Prototypes.Count(p => p.Source == PrototypeSource.Regenerated), network);
    }

    /// <summary>
    /// This file beside <paramref name="accounting"/>, the storage accounting of the network it holds, part by part. The
    /// numbers the accounting prices agree exactly when values are stored (32 bits per unique value, per trained value and
    /// per running statistic), except a signed-constant network's values, which the accounting prices at 1 bit each (the sign:
    /// the magnitude follows from the shape) and the file still stores as float32; RP rand's permutation costs the file 56 bytes where the accounting prices a 64-bit seed; masks
    /// differ by byte padding and entropy coding; the rest is what a file needs and the accounting leaves out. The last row is the accounting's inference bits (total + running statistics) against the file.
    /// </summary>
    public IReadOnlyList<PemnFileComparison> Compare(StorageReport accounting)
    {
        long Bits(PemnFilePart part) => 8 * Parts[part];
        var layers = Masks.Count;
        var coded = $"bitmaps padded to whole bytes, or the context coder where it is smaller ({Masks.Count(m => m.Coding == MaskCoding.ContextCoded)} of {layers} layers)";
        var sparse = Network.SparseLayers.Count > 0;
        return
        [
            new("values (C_w)", accounting.PrototypeBits, Bits(PemnFilePart.Values) + Bits(PemnFilePart.Permutations), ValuesWhy(accounting)),
            new(sparse ? "positions (C_m)" : "masks (C_m)", accounting.MaskBits, Bits(PemnFilePart.Masks), layers == 0
                ? "no masks"
                : sparse
                    ? $"the accounting: the kept positions in its index encoding ({accounting.Scheme}); the file: each layer's kept positions as a mask, {coded}"
                    : $"the accounting: 1 bit per masked weight; the file: {coded}"),
            new("trained tensors", accounting.DenseLayerBits + accounting.OtherBits, Bits(PemnFilePart.TrainedTensors),
                "32 bits per value in both: dense layers' weights and the other trained parameters (norm affine, embeddings)"),
            new("running statistics", accounting.RunningStatsBits, Bits(PemnFilePart.RunningStatistics),
                "32 bits per value in both (outside the accounting's total, inside its inference bits)"),
            new("counters", 0, Bits(PemnFilePart.Counters), "BatchNorm num_batches_tracked, int64, kept so the loaded state equals the trained one"),
            new("container", 0, Bits(PemnFilePart.Container), "magic, version, table of contents, SHA-256"),
            new("configuration", 0, Bits(PemnFilePart.Config), "the JSON that rebuilds the model"),
            new("names", 0, Bits(PemnFilePart.Names), "layer paths and tensor names"),
            new("descriptors", 0, Bits(PemnFilePart.Descriptors), "counts, shapes, prototype lengths, layer indices, offsets, scales, kept counts, codings, lengths, dtypes"),
            new("total", accounting.InferenceBits, 8 * FileBytes, "the accounting's inference bits against the file's length"),
        ];
    }

    private string ValuesWhy(StorageReport accounting)
    {
        if (Network.SparseLayers.Count > 0 && Network.Prototypes.Count == 0) return "32 bits per kept value in both";
        // The accounting's bits per stored value: 32, or 1 for signed constants (StorageReport.StoredValueBits); the file stores float32.
        var valueBits = accounting.SeedStored || accounting.UniqueValues == 0 ? StorageReport.FloatBits
            : (accounting.PrototypeBits - StorageReport.SeedBits * Network.Permutations.Count) / accounting.UniqueValues;
        var why = RegeneratedPrototypes > 0
            ? $"{RegeneratedPrototypes} prototype(s) as recipes: generator, seed, drawn shape and SHA-256 each (the accounting: one 64-bit seed)"
            : valueBits == StorageReport.FloatBits
                ? "32 bits per unique value in both"
                : $"the accounting: {valueBits} bit per unique value (a signed constant's sign; its magnitude follows from the shape); the file: 32 (float32)";
        return Parts[PemnFilePart.Permutations] == 0 ? why
            : why + "; RP rand's permutation: the accounting's 64-bit seed, the file's prototype, generator, seed, length and SHA-256";
    }

    /// <summary>H(k) = -k log2 k - (1 - k) log2 (1 - k), 0 at k = 0 and 1.</summary>
    public static double Entropy(double k) =>
        k <= 0 || k >= 1 ? 0 : -k * Math.Log2(k) - (1 - k) * Math.Log2(1 - k);

    private static PemnFilePart PartOf(string field, PackedNetwork network)
    {
        var m = FieldPattern().Match(field);
        if (!m.Success) return PemnFilePart.Descriptors; // "values.count", "layers.count", ...
        var (table, index, name) = (m.Groups["table"].Value, m.Groups["index"].Value, m.Groups["name"].Value);
        return table switch
        {
            "header" or "toc" or "checksum" => PemnFilePart.Container,
            "config" => PemnFilePart.Config,
            "values" when name is "values" or "generator" or "seed" or "rank" or "sha256" || name.StartsWith("shape[", StringComparison.Ordinal) => PemnFilePart.Values,
            "layers" or "sparse" when name == "payload" => PemnFilePart.Masks,
            "sparse" when name == "values" => PemnFilePart.Values,
            "layers" or "sparse" or "tensors" when name is "path" or "pathLength" or "name" or "nameLength" => PemnFilePart.Names,
            "permutations" when index.Length > 0 => PemnFilePart.Permutations,
            "tensors" when name == "data" => TensorPart(network.Tensors[int.Parse(index, System.Globalization.CultureInfo.InvariantCulture)]),
            _ => PemnFilePart.Descriptors,
        };
    }

    private static PemnFilePart TensorPart(PackedTensor tensor) =>
        tensor.DType == TensorDType.Int64 ? PemnFilePart.Counters
        : PemnPacking.IsRunningStatistic(tensor.Name) ? PemnFilePart.RunningStatistics
        : PemnFilePart.TrainedTensors;

    /// <summary>Field names of <see cref="PemnFileLayout.Fields"/>: "table[index].name", "table.name" or "table".</summary>
    [GeneratedRegex(@"^(?<table>[a-z]+)(\[(?<index>[0-9]+)\])?(\.(?<name>.+))?$")]
    private static partial Regex FieldPattern();
}
