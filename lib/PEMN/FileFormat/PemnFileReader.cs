using System.Security.Cryptography;

namespace PEMN.FileFormat;

/// <summary>
/// Reads the bytes of FileFormat.md. Order of checks: magic, version, declared file length, checksum, table of
/// contents, then each section field by field. Every count and size is compared with the bytes left in its
/// section and with <see cref="PemnLimits"/> before anything of that size is allocated.
/// </summary>
internal static partial class PemnFileReader
{
    /// <summary>Smallest encoded prototype: source, length, tiled length and one stored float.</summary>
    private const int MinPrototypeBytes = 1 + 8 + 8 + 4;

    /// <summary>Smallest encoded layer: a 1-byte path, rank 1, and a 1-byte payload.</summary>
    private const int MinLayerBytes = 2 + 1 + 1 + 8 + 4 + 8 + 4 + 8 + 1 + 8 + 1;

    /// <summary>Encoded permutation (fixed size).</summary>
    private const int PermutationBytes = 4 + 4 + 8 + 8 + PackedRules.DigestBytes;

    /// <summary>Smallest encoded tensor: a 1-byte name, a rank-0 float32 scalar.</summary>
    private const int MinTensorBytes = 2 + 1 + 1 + 1 + 4;

    /// <summary>Smallest encoded sparse layer: a 1-byte path, rank 1, a 1-byte payload and no value (nothing kept).</summary>
    private const int MinSparseLayerBytes = 2 + 1 + 1 + 8 + 8 + 1 + 8 + 1;

    public static PemnFileContents Read(ReadOnlySpan<byte> file, PemnLimits limits, bool recordFields)
    {
        var fields = recordFields ? new List<PemnField>() : null;
        var maxFile = Math.Min(limits.MaxFileBytes, Array.MaxLength);
        if (file.Length > maxFile)
            throw new PemnFileException(PemnFileError.LimitExceeded, "file", -1, $"the file has {file.Length} bytes, more than the limit of {maxFile}");
        var magic = PemnFile.Magic;
        if (file.Length < magic.Length || !file[..magic.Length].SequenceEqual(magic))
            throw new PemnFileException(PemnFileError.NotPemnFile, "header magic", 0,
                $"the file does not start with the PEMN magic {Convert.ToHexString(magic)} (it starts {Convert.ToHexString(file[..Math.Min(file.Length, magic.Length)])})");

        var header = new Cursor(file, 0, file.Length, "header", fields);
        header.Skip("header.magic", magic.Length);
        var version = header.U32("header.version");
        if (version is not (PemnFile.Version1 or PemnFile.Version2))
            throw new PemnFileException(PemnFileError.UnsupportedVersion, "header version", header.LastOffset,
                $"the file is format version {version}; this reader reads versions {PemnFile.Version1} and {PemnFile.Version2}");
        var sectionCount = header.U32("header.sectionCount");
        var sectionCountAt = header.LastOffset;
        var declared = header.U64("header.fileLength");
        if (declared > (ulong)file.Length)
            throw new PemnFileException(PemnFileError.Truncated, "header fileLength", header.LastOffset,
                $"the header declares {declared} bytes, the file has {file.Length}");
        if (declared < (ulong)file.Length)
            throw new PemnFileException(PemnFileError.TrailingBytes, "header fileLength", header.LastOffset,
                $"the header declares {declared} bytes, the file has {file.Length}: {file.Length - (long)declared} bytes follow the checksum");
        var contentEnd = file.Length - PemnFile.ChecksumBytes;
        if (contentEnd < PemnFile.HeaderBytes)
            throw new PemnFileException(PemnFileError.Truncated, "header fileLength", header.LastOffset,
                $"{file.Length} bytes cannot hold the {PemnFile.HeaderBytes}-byte header and the {PemnFile.ChecksumBytes}-byte checksum");
        Span<byte> hash = stackalloc byte[PemnFile.ChecksumBytes];
        SHA256.HashData(file[..contentEnd], hash);
        if (!hash.SequenceEqual(file[contentEnd..]))
            throw new PemnFileException(PemnFileError.ChecksumMismatch, "checksum", contentEnd,
                $"the SHA-256 of bytes 0 to {contentEnd - 1} is {Convert.ToHexString(hash)}, the file stores {Convert.ToHexString(file[contentEnd..])}");

        var sections = ReadTableOfContents(file, version, sectionCount, sectionCountAt, contentEnd, fields);
        string? config = null;
        List<PackedPrototype>? prototypes = null;
        List<PackedLayer>? layers = null;
        List<PackedPermutation>? permutations = null;
        List<PackedTensor>? tensors = null;
        List<PackedSparseLayer> sparse = [];
        var masks = new List<PemnMaskLayout>();
        // Entries of every mask decoded so far, masked and sparse layers together: bounded by PemnLimits.MaxMaskEntries.
        long maskEntries = 0;
        foreach (var s in sections)
        {
            var c = new Cursor(file, (int)s.Offset, (int)(s.Offset + s.Length), s.Kind.ToString(), fields);
            switch (s.Kind)
            {
                case PemnSectionKind.Config: config = ReadConfig(ref c, limits); break;
                case PemnSectionKind.Values: prototypes = ReadValues(ref c, limits); break;
                case PemnSectionKind.Layers: layers = ReadLayers(ref c, limits, prototypes!, masks, ref maskEntries); break;
                case PemnSectionKind.Permutations: permutations = ReadPermutations(ref c, limits, prototypes!); break;
                case PemnSectionKind.Tensors: tensors = ReadTensors(ref c, limits); break;
                case PemnSectionKind.SparseLayers: sparse = ReadSparseLayers(ref c, limits, layers!, masks, ref maskEntries); break;
            }
            c.End();
        }
        fields?.Add(new PemnField("checksum", contentEnd, PemnFile.ChecksumBytes, PemnFieldType.Bytes));
        var network = new PackedNetwork(config!, prototypes!, layers!, permutations!, tensors!, sparse);
        return new PemnFileContents(network, new PemnFileLayout(file.Length, sections, masks, fields, version));
    }

    private static List<PemnSection> ReadTableOfContents(ReadOnlySpan<byte> file, uint version, uint sectionCount, int sectionCountAt, int contentEnd,
        List<PemnField>? fields)
    {
        var count = PemnFile.SectionCountOf(version);
        if (sectionCount != count)
            throw new PemnFileException(PemnFileError.BadTableOfContents, "header sectionCount", sectionCountAt,
                $"a version-{version} file has {count} sections, this one declares {sectionCount}");
        var toc = new Cursor(file, PemnFile.HeaderBytes, contentEnd, "table of contents", fields);
        var sections = new List<PemnSection>(count);
        long expected = PemnFile.HeaderBytes + count * PemnFile.TocEntryBytes;
        for (var i = 0; i < count; i++)
        {
            var kind = toc.U32($"toc[{i}].kind");
            var kindAt = toc.LastOffset;
            if (kind != i + 1)
                throw new PemnFileException(PemnFileError.BadTableOfContents, $"table of contents entry {i} kind", kindAt,
                    $"entry {i} must be section kind {i + 1} ({(PemnSectionKind)(i + 1)}), not {kind}");
            var offset = toc.U64($"toc[{i}].offset");
            if (offset != (ulong)expected)
                throw new PemnFileException(PemnFileError.BadTableOfContents, $"table of contents entry {i} ({(PemnSectionKind)kind}) offset", toc.LastOffset,
                    $"the section must start at byte {expected}, where the previous one ends; it declares {offset}");
            var length = toc.U64($"toc[{i}].length");
            if (length > (ulong)(contentEnd - expected))
                throw new PemnFileException(PemnFileError.BadTableOfContents, $"table of contents entry {i} ({(PemnSectionKind)kind}) length", toc.LastOffset,
                    $"the section declares {length} bytes from byte {expected}; only {contentEnd - expected} bytes precede the checksum");
            sections.Add(new PemnSection((PemnSectionKind)kind, expected, (long)length));
            expected += (long)length;
        }
        if (expected != contentEnd)
            throw new PemnFileException(PemnFileError.BadTableOfContents, "table of contents", PemnFile.HeaderBytes,
                $"the sections end at byte {expected}, but the checksum starts at byte {contentEnd}");
        return sections;
    }

    private static string ReadConfig(ref Cursor c, PemnLimits limits)
    {
        if (c.Remaining > limits.MaxConfigBytes)
            throw c.Error(PemnFileError.LimitExceeded, "json", c.Position, $"the configuration has {c.Remaining} bytes, more than the limit of {limits.MaxConfigBytes}");
        var at = c.Position;
        var bytes = c.Bytes("config.json", c.Remaining);
        var text = PackedRules.DecodeUtf8(bytes) ?? throw c.Error(PemnFileError.InvalidText, "json", at, "the configuration is not valid UTF-8");
        if (PackedRules.ConfigError(text, limits.MaxConfigBytes) is { } error) throw c.Error(PemnFileError.InvalidText, "json", at, error);
        return text;
    }

    private static List<PackedPrototype> ReadValues(ref Cursor c, PemnLimits limits)
    {
        var count = c.Count("values.count", "prototypes", MinPrototypeBytes, limits);
        var prototypes = new List<PackedPrototype>(count);
        for (var i = 0; i < count; i++)
        {
            var name = $"values[{i}]";
            var where = $"prototype {i}";
            var entryAt = c.Position;
            var source = c.U8($"{name}.source");
            if (source != (byte)PrototypeSource.Stored && source != (byte)PrototypeSource.Regenerated)
                throw c.Error(PemnFileError.InvalidField, $"{where} source", c.LastOffset, $"source {source} is neither 1 (stored) nor 2 (regenerated)");
            var length = c.Size($"{name}.length", $"{where} length", limits.MaxElements);
            var tiled = c.Size($"{name}.tiledLength", $"{where} tiled length", limits.MaxElements);
            PackedPrototype prototype;
            if (source == (byte)PrototypeSource.Stored)
            {
                var values = c.Floats($"{name}.values", $"{where} values", length);
                prototype = new PackedPrototype(length, tiled, values, null);
            }
            else
            {
                var generator = c.U32($"{name}.generator");
                var seed = c.U64($"{name}.seed");
                var shape = c.Shape(name, $"{where} recipe", minRank: 1, minDim: 1, limits, out _);
                var digest = c.Bytes($"{name}.sha256", PackedRules.DigestBytes).ToArray();
                prototype = new PackedPrototype(length, tiled, null, new RegenerationRecipe((ValueGenerator)generator, seed, shape, digest));
            }
            if (PackedRules.PrototypeError(prototype, limits) is { } error) throw c.Error(PemnFileError.InvalidField, where, entryAt, error);
            prototypes.Add(prototype);
        }
        return prototypes;
    }

    private static List<PackedLayer> ReadLayers(ref Cursor c, PemnLimits limits, List<PackedPrototype> prototypes, List<PemnMaskLayout> masks,
        ref long maskEntries)
    {
        var count = c.Count("layers.count", "layers", MinLayerBytes, limits);
        var layers = new List<PackedLayer>(count);
        var paths = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var name = $"layers[{i}]";
            var entryAt = c.Position;
            var path = c.String($"{name}.path", $"layer {i} path", limits);
            var where = $"layer {i} ('{path}')";
            if (!paths.Add(path)) throw c.Error(PemnFileError.InvalidField, $"{where} path", entryAt, $"the path '{path}' appears twice");
            var shape = c.Shape(name, where, minRank: 1, minDim: 1, limits, out var elements);
            var prototype = c.U32($"{name}.prototype");
            var offset = c.U64($"{name}.offset");
            var scale = c.F32($"{name}.scale");
            var kept = c.U64($"{name}.kept");
            var keptAt = c.LastOffset;
            if (prototype >= (uint)prototypes.Count)
                throw c.Error(PemnFileError.InvalidField, $"{where} prototype", entryAt, $"prototype index {prototype} is outside [0, {prototypes.Count})");
            var tiled = prototypes[(int)prototype].TiledLength;
            if (elements > tiled || offset > (ulong)(tiled - elements))
                throw c.Error(PemnFileError.InvalidField, $"{where} offset", entryAt,
                    $"offset {offset} + {elements} weights runs past the {tiled} values of prototype {prototype}");
            var (mask, coding, payloadAt, payloadLength) = ReadMask(ref c, name, where, shape, elements, limits, ref maskEntries);
            var ones = mask.CountOnes();
            if ((ulong)ones != kept)
                throw c.Error(PemnFileError.InvalidMask, $"{where} kept", keptAt, $"the layer declares {kept} kept entries, its mask keeps {ones}");
            var layer = new PackedLayer(path, shape, (int)prototype, (long)offset, scale, mask);
            if (PackedRules.LayerError(layer, prototypes, limits, out _) is { } error) throw c.Error(PemnFileError.InvalidField, where, entryAt, error);
            masks.Add(new PemnMaskLayout(path, elements, coding, payloadAt, payloadLength));
            layers.Add(layer);
        }
        return layers;
    }

    private static List<PackedSparseLayer> ReadSparseLayers(ref Cursor c, PemnLimits limits, List<PackedLayer> maskedLayers, List<PemnMaskLayout> masks,
        ref long maskEntries)
    {
        var countAt = c.Position;
        var count = c.Count("sparse.count", "sparse layers", MinSparseLayerBytes, limits);
        // Canonical files: a network without sparse layers is written as version 1, so version 2 holds at least one.
        if (count == 0)
            throw c.Error(PemnFileError.InvalidField, "sparse layers count", countAt,
                $"a version-{PemnFile.Version2} file holds at least one sparse layer; a network without one is a version-{PemnFile.Version1} file");
        var layers = new List<PackedSparseLayer>(count);
        var paths = maskedLayers.Select(l => l.Path).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var name = $"sparse[{i}]";
            var entryAt = c.Position;
            var path = c.String($"{name}.path", $"sparse layer {i} path", limits);
            var where = $"sparse layer {i} ('{path}')";
            if (!paths.Add(path)) throw c.Error(PemnFileError.InvalidField, $"{where} path", entryAt, $"the path '{path}' appears twice (masked and sparse layers share one name space)");
            var shape = c.Shape(name, where, minRank: 1, minDim: 1, limits, out var elements);
            var kept = c.U64($"{name}.kept");
            var keptAt = c.LastOffset;
            var (mask, coding, payloadAt, payloadLength) = ReadMask(ref c, name, where, shape, elements, limits, ref maskEntries);
            var ones = mask.CountOnes();
            if ((ulong)ones != kept)
                throw c.Error(PemnFileError.InvalidMask, $"{where} kept", keptAt, $"the layer declares {kept} kept entries, its mask keeps {ones}");
            // After the mask: kept <= n is proven, and the values are checked against the bytes left before they are allocated.
            var values = c.Floats($"{name}.values", $"{where} values", ones);
            var layer = new PackedSparseLayer(path, shape, mask, values);
            if (PackedRules.SparseLayerError(layer, limits, out _) is { } error) throw c.Error(PemnFileError.InvalidField, where, entryAt, error);
            masks.Add(new PemnMaskLayout(path, elements, coding, payloadAt, payloadLength, PemnLayerForm.Sparse));
            layers.Add(layer);
        }
        return layers;
    }

    /// <summary>
    /// The coding, payload length and payload of a layer's mask, decoded: the payload length is checked against the bytes left,
    /// and the decoder checks the payload can carry <paramref name="elements"/> entries before it allocates the mask; all masks
    /// together are checked against <see cref="PemnLimits.MaxMaskEntries"/> before this one is decoded.
    /// </summary>
    private static (MaskBits Mask, MaskCoding Coding, int PayloadAt, long PayloadLength) ReadMask(ref Cursor c, string name, string where, long[] shape, long elements,
        PemnLimits limits, ref long maskEntries)
    {
        if (elements > limits.MaxMaskEntries - maskEntries)
            throw c.Error(PemnFileError.LimitExceeded, $"{where} shape", c.Position,
                $"this mask's {elements} entries after the {maskEntries} of the masks before it exceed the limit of {limits.MaxMaskEntries} mask entries " +
                $"per file; {Runtime.SizeLimits.Advice}");
        maskEntries += elements;
        var coding = c.U8($"{name}.coding");
        if (coding != (byte)MaskCoding.Bitmap && coding != (byte)MaskCoding.ContextCoded)
            throw c.Error(PemnFileError.InvalidField, $"{where} coding", c.LastOffset, $"mask coding {coding} is neither 1 (bitmap) nor 2 (context-coded)");
        var payloadLength = c.U64($"{name}.payloadLength");
        if (payloadLength > (ulong)c.Remaining)
            throw c.Error(PemnFileError.LimitExceeded, $"{where} payloadLength", c.LastOffset,
                $"the mask payload declares {payloadLength} bytes, the section has {c.Remaining} left");
        var payloadAt = c.Position;
        var payload = c.Bytes($"{name}.payload", (int)payloadLength);
        var mask = MaskCoder.TryDecode((MaskCoding)coding, payload, elements, MaskCoder.RowLength(shape), out var maskError)
            ?? throw c.Error(PemnFileError.InvalidMask, $"{where} payload", payloadAt, maskError!);
        return (mask, (MaskCoding)coding, payloadAt, (long)payloadLength);
    }

    private static List<PackedPermutation> ReadPermutations(ref Cursor c, PemnLimits limits, List<PackedPrototype> prototypes)
    {
        var count = c.Count("permutations.count", "permutations", PermutationBytes, limits);
        var permutations = new List<PackedPermutation>(count);
        for (var i = 0; i < count; i++)
        {
            var name = $"permutations[{i}]";
            var entryAt = c.Position;
            var prototype = c.U32($"{name}.prototype");
            var generator = c.U32($"{name}.generator");
            var seed = c.U64($"{name}.seed");
            var length = c.Size($"{name}.length", $"permutation {i} length", limits.MaxElements);
            var digest = c.Bytes($"{name}.sha256", PackedRules.DigestBytes).ToArray();
            if (prototype >= (uint)prototypes.Count)
                throw c.Error(PemnFileError.InvalidField, $"permutation {i} prototype", entryAt, $"prototype index {prototype} is outside [0, {prototypes.Count})");
            var permutation = new PackedPermutation((int)prototype, (PermutationGenerator)generator, seed, length, digest);
            var previous = i == 0 ? -1 : permutations[i - 1].Prototype;
            if (PackedRules.PermutationError(permutation, previous, prototypes) is { } error)
                throw c.Error(PemnFileError.InvalidField, $"permutation {i}", entryAt, error);
            permutations.Add(permutation);
        }
        return permutations;
    }

    private static List<PackedTensor> ReadTensors(ref Cursor c, PemnLimits limits)
    {
        var count = c.Count("tensors.count", "tensors", MinTensorBytes, limits);
        var tensors = new List<PackedTensor>(count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var name = $"tensors[{i}]";
            var entryAt = c.Position;
            var tensorName = c.String($"{name}.name", $"tensor {i} name", limits);
            var where = $"tensor {i} ('{tensorName}')";
            if (!names.Add(tensorName)) throw c.Error(PemnFileError.InvalidField, $"{where} name", entryAt, $"the name '{tensorName}' appears twice");
            var dtype = c.U8($"{name}.dtype");
            if (dtype != (byte)TensorDType.Float32 && dtype != (byte)TensorDType.Int64)
                throw c.Error(PemnFileError.InvalidField, $"{where} dtype", c.LastOffset, $"dtype {dtype} is neither 1 (float32) nor 2 (int64)");
            var shape = c.Shape(name, where, minRank: 0, minDim: 0, limits, out var elements);
            var tensor = dtype == (byte)TensorDType.Float32
                ? PackedTensor.Of(tensorName, shape, c.Floats($"{name}.data", $"{where} data", elements))
                : PackedTensor.Of(tensorName, shape, c.Longs($"{name}.data", $"{where} data", elements));
            if (PackedRules.TensorError(tensor, limits) is { } error) throw c.Error(PemnFileError.InvalidField, where, entryAt, error);
            tensors.Add(tensor);
        }
        return tensors;
    }
}
