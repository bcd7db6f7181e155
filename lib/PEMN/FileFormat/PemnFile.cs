using PEMN.Runtime;

namespace PEMN.FileFormat;

/// <summary>
/// Kinds of section in a PEMN file, in file order: version 1 holds kinds 1-5 exactly once each, version 2 adds
/// <see cref="SparseLayers"/> after them.
/// </summary>
public enum PemnSectionKind : uint
{
    /// <summary>The configuration, UTF-8 JSON.</summary>
    Config = 1,
    /// <summary>The prototypes: stored values or regeneration recipes.</summary>
    Values = 2,
    /// <summary>The masked layers and their masks.</summary>
    Layers = 3,
    /// <summary>RP 'rand' permutations.</summary>
    Permutations = 4,
    /// <summary>Every other tensor.</summary>
    Tensors = 5,
    /// <summary>Sparse layers: trained values at the kept entries of a mask (version 2 only: the sparse baselines).</summary>
    SparseLayers = 6,
}

/// <summary>The two layer forms a file holds: a mask over random values, or trained values at a mask's kept entries.</summary>
public enum PemnLayerForm
{
    /// <summary>A masked layer (section 3): frozen weights cut from a prototype, and a mask.</summary>
    Masked,
    /// <summary>A sparse layer (section 6, version 2): a mask and one stored value per kept entry.</summary>
    Sparse,
}

/// <summary>Encodings of one field in a PEMN file, for the annotated layout.</summary>
public enum PemnFieldType
{
    /// <summary>Unsigned 8-bit integer.</summary>
    U8,
    /// <summary>Unsigned 16-bit integer, little-endian.</summary>
    U16,
    /// <summary>Unsigned 32-bit integer, little-endian.</summary>
    U32,
    /// <summary>Unsigned 64-bit integer, little-endian.</summary>
    U64,
    /// <summary>Signed (two's complement) 64-bit integer, little-endian.</summary>
    I64,
    /// <summary>IEEE 754 binary32, little-endian.</summary>
    F32,
    /// <summary>Raw bytes (text, digests, arrays, payloads).</summary>
    Bytes,
}

/// <summary>One field of a file: its dotted name (e.g. "layers[2].shape[0]"), where it is and how it is encoded.</summary>
public sealed record PemnField(string Name, long Offset, long Size, PemnFieldType Type);

/// <summary>One entry of the table of contents.</summary>
public sealed record PemnSection(PemnSectionKind Kind, long Offset, long Length);

/// <summary>How one layer's mask is stored.</summary>
/// <param name="Path">The layer's path.</param>
/// <param name="Entries">Mask entries (the layer's weights).</param>
/// <param name="Coding">The coding chosen.</param>
/// <param name="PayloadOffset">Where the payload starts in the file.</param>
/// <param name="PayloadBytes">Its size.</param>
/// <param name="Form">Whether the mask selects random values (a masked layer) or positions of stored values (a sparse layer).</param>
public sealed record PemnMaskLayout(string Path, long Entries, MaskCoding Coding, long PayloadOffset, long PayloadBytes,
    PemnLayerForm Form = PemnLayerForm.Masked)
{
    /// <summary>Payload bits per mask entry.</summary>
    public double BitsPerEntry => Entries == 0 ? 0 : 8.0 * PayloadBytes / Entries;
}

/// <summary>Where everything is in a file: sections, mask payloads (masked layers first, then sparse layers) and (when asked for) every field.</summary>
/// <param name="FileBytes">The file's length.</param>
/// <param name="Sections">The table of contents.</param>
/// <param name="Masks">Every mask payload: the masked layers' in order, then the sparse layers'.</param>
/// <param name="Fields">Every field, when recorded.</param>
/// <param name="Version">The format version of the file.</param>
public sealed record PemnFileLayout(long FileBytes, IReadOnlyList<PemnSection> Sections, IReadOnlyList<PemnMaskLayout> Masks, IReadOnlyList<PemnField>? Fields,
    uint Version = PemnFile.Version1)
{
    /// <summary>Bytes of the header and the table of contents.</summary>
    public long HeaderAndTocBytes => PemnFile.HeaderBytes + Sections.Count * (long)PemnFile.TocEntryBytes;
}

/// <summary>A network read from a file, with the file's layout.</summary>
public sealed record PemnFileContents(PackedNetwork Network, PemnFileLayout Layout);

/// <summary>Writer settings.</summary>
/// <param name="Coding">Force one mask coding for every layer (tests, inspection); null picks the smaller per layer.</param>
public sealed record PemnWriteOptions(MaskCoding? Coding = null);

/// <summary>
/// The PEMN compressed-network file (FileFormat.md next to this file): writes a <see cref="PackedNetwork"/> and
/// reads one back, validating every declared size against the bytes present and <see cref="PemnLimits"/> before
/// allocating, and rejecting anything malformed with a <see cref="PemnFileException"/>.
/// </summary>
public static class PemnFile
{
    /// <summary>The customary file name extension.</summary>
    public const string Extension = ".pemn";

    /// <summary>
    /// The newest format version this code reads and writes. A file is written in the lowest version that holds its network
    /// (<see cref="VersionOf"/>): version 1 without sparse layers, so files of PEMN and dense networks stay what they were.
    /// </summary>
    public const uint Version = Version2;

    /// <summary>Format version 1: masked layers over prototypes, permutations, other tensors (five sections).</summary>
    public const uint Version1 = 1;

    /// <summary>Format version 2: version 1 plus a sixth section of sparse layers (the sparse baselines).</summary>
    public const uint Version2 = 2;

    /// <summary>Bytes of the fixed header: magic, version, section count, file length.</summary>
    public const int HeaderBytes = 24;

    /// <summary>Bytes of one table-of-contents entry: kind (u32), offset (u64), length (u64).</summary>
    public const int TocEntryBytes = 20;

    /// <summary>Bytes of the SHA-256 that ends the file.</summary>
    public const int ChecksumBytes = 32;

    /// <summary>Sections of a version-1 file.</summary>
    public const int SectionCount = 5;

    /// <summary>Sections of a version-2 file: version 1's and the sparse layers.</summary>
    public const int SectionCountV2 = 6;

    /// <summary>The version a network is written in: 2 when it has sparse layers, else 1 (a file is canonical: one network, one version).</summary>
    public static uint VersionOf(PackedNetwork network) => network.SparseLayers.Count > 0 ? Version2 : Version1;

    /// <summary>The number of sections of a file of <paramref name="version"/> (1 or 2).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Another version.</exception>
    public static int SectionCountOf(uint version) => version switch
    {
        Version1 => SectionCount,
        Version2 => SectionCountV2,
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, $"Format versions are {Version1} and {Version2}."),
    };

    /// <summary>
    /// The first 8 bytes: 0x89 "PEMN" CR LF 0x1A. As PNG's signature: the high byte catches 7-bit transfers,
    /// CR LF catches newline conversion, 0x1A stops a DOS "type".
    /// </summary>
    public static ReadOnlySpan<byte> Magic => [0x89, 0x50, 0x45, 0x4D, 0x4E, 0x0D, 0x0A, 0x1A];

    /// <summary>The file's bytes for <paramref name="network"/>.</summary>
    /// <exception cref="ArgumentException">The network breaks a rule of the format (see <see cref="PackedNetwork.Validate"/>).</exception>
    public static byte[] Write(PackedNetwork network, PemnWriteOptions? options = null) =>
        PemnFileWriter.Write(network, options ?? new PemnWriteOptions(), null).Bytes;

    /// <summary>The file's bytes and its layout with every field annotated.</summary>
    public static (byte[] Bytes, PemnFileLayout Layout) WriteWithLayout(PackedNetwork network, PemnWriteOptions? options = null) =>
        PemnFileWriter.Write(network, options ?? new PemnWriteOptions(), []);

    /// <summary>Writes <paramref name="network"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteFile(string path, PackedNetwork network, PemnWriteOptions? options = null)
    {
        var bytes = Write(network, options);
        AtomicFile.Write(path, tmp => File.WriteAllBytes(tmp, bytes));
    }

    /// <summary>Reads a network from a file's bytes.</summary>
    /// <exception cref="PemnFileException">The bytes are not a valid PEMN file (within <paramref name="limits"/>).</exception>
    public static PackedNetwork Read(ReadOnlySpan<byte> bytes, PemnLimits? limits = null) =>
        PemnFileReader.Read(bytes, limits ?? PemnLimits.Default, recordFields: false).Network;

    /// <summary>Reads a network and the file's layout (with every field when <paramref name="fields"/> is set).</summary>
    /// <exception cref="PemnFileException">The bytes are not a valid PEMN file.</exception>
    public static PemnFileContents ReadWithLayout(ReadOnlySpan<byte> bytes, PemnLimits? limits = null, bool fields = false) =>
        PemnFileReader.Read(bytes, limits ?? PemnLimits.Default, fields);

    /// <summary>Reads the file at <paramref name="path"/>; files above <see cref="PemnLimits.MaxFileBytes"/> are refused before reading.</summary>
    /// <exception cref="PemnFileException">The file is not a valid PEMN file.</exception>
    public static PackedNetwork ReadFile(string path, PemnLimits? limits = null)
    {
        limits ??= PemnLimits.Default;
        using var stream = File.OpenRead(path);
        return Read(ReadAll(stream, limits), limits);
    }

    /// <summary>All bytes of <paramref name="stream"/>, refusing to read past <see cref="PemnLimits.MaxFileBytes"/>.</summary>
    /// <exception cref="PemnFileException">The stream is longer than the limit.</exception>
    public static byte[] ReadAll(Stream stream, PemnLimits? limits = null)
    {
        limits ??= PemnLimits.Default;
        var max = Math.Min(limits.MaxFileBytes, Array.MaxLength);
        if (stream.CanSeek && stream.Length - stream.Position > max)
            throw TooLarge(stream.Length - stream.Position, max);
        using var buffer = new MemoryStream();
        var chunk = new byte[ReadChunkBytes];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > max) throw TooLarge(buffer.Length + read, max);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private const int ReadChunkBytes = 1 << 16;

    private static PemnFileException TooLarge(long bytes, long max) =>
        new(PemnFileError.LimitExceeded, "file", -1, $"the file has at least {bytes} bytes, more than the limit of {max}");
}
