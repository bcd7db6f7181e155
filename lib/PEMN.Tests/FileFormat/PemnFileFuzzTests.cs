using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using PEMN.FileFormat;
using Xunit.Abstractions;
using static PEMN.Tests.FileFormat.PemnFileSamples;

namespace PEMN.Tests.FileFormat;

/// <summary>
/// Mutates valid PEMN files in every way a damaged or hostile file can differ, deterministically by seed, and
/// requires of every mutant: the reader either rejects it with a <see cref="PemnFileException"/> or reads a network
/// that writes and reads back identically; it never throws anything else, never takes long, never allocates
/// more than a small multiple of the file.
/// </summary>
/// <remarks>
/// Two families. Unsealed mutants keep the original checksum, as damage in transit would: all must be rejected.
/// Sealed mutants get a correct length and SHA-256 after the change, as a hostile writer would make them: they
/// exercise every structural check behind the checksum, and some are valid files (a changed float is still a float).
/// </remarks>
public class PemnFileFuzzTests(ITestOutputHelper output)
{
    /// <summary>The seed of every random choice: the same mutants on every run.</summary>
    private const int Seed = 20_221_010;

    /// <summary>
    /// Allocation allowed for one read: a fixed part (the objects, one exception with its message) plus a multiple
    /// of the file (the network it decodes is a few times the file). A valid read of the 3 KB sample allocates about
    /// 27 KB; a reader that trusted a declared size would allocate megabytes to gigabytes.
    /// </summary>
    private const long AllocationBaseBytes = 64 * 1024;

    /// <summary>Allocation allowed per byte of the file, see <see cref="AllocationBaseBytes"/>.</summary>
    private const long AllocationPerFileByte = 16;

    /// <summary>Longest single read allowed (generous: the machine is shared; a read here takes microseconds).</summary>
    private static readonly TimeSpan MaxReadTime = TimeSpan.FromSeconds(1);

    /// <summary>At least this many mutants per run.</summary>
    private const int MinCases = 1_000;

    /// <summary>Where the header keeps the file length (after magic, version and section count).</summary>
    private const int FileLengthOffset = 16;

    /// <summary>Where the header keeps the version (after the magic); the section count follows it.</summary>
    private const int VersionOffset = 8;

    private sealed record Mutant(string Description, byte[] Bytes, bool Sealed);

    private sealed record Sample(string Name, byte[] Bytes, PemnFileLayout Layout);

    [Fact]
    public void EveryMutantIsRejectedWithTheTypedErrorOrReadsBackIdentically()
    {
        var rng = new Random(Seed);
        // Version 1 (tiny, rich) and version 2 (sparse layers beside every other field kind).
        var sources = new[] { Source("tiny", Tiny()), Source("rich", Rich(1)), Source("sparse", RichSparse(1)) };
        var mutants = sources.SelectMany(s => Mutants(s, rng)).ToList();

        var clock = Stopwatch.StartNew();
        var reasons = new Dictionary<PemnFileError, int>();
        int accepted = 0, unchanged = 0;
        long maxAllocated = 0;
        var slowest = TimeSpan.Zero;
        foreach (var m in mutants)
        {
            var original = sources.First(s => m.Description.StartsWith(s.Name, StringComparison.Ordinal)).Bytes;
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var started = clock.Elapsed;
            PackedNetwork? read = null;
            PemnFileException? rejected = null;
            try
            {
                read = PemnFile.Read(m.Bytes);
            }
            catch (PemnFileException e)
            {
                rejected = e;
            }
            catch (Exception e)
            {
                Assert.Fail($"{m.Description}: the reader threw {e.GetType().Name} instead of PemnFileException: {e}");
            }
            var took = clock.Elapsed - started;
            var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            slowest = took > slowest ? took : slowest;
            maxAllocated = Math.Max(maxAllocated, allocated);
            Assert.True(took < MaxReadTime, $"{m.Description}: the read took {took}");
            var bound = AllocationBaseBytes + AllocationPerFileByte * m.Bytes.Length;
            Assert.True(allocated <= bound, $"{m.Description}: the read allocated {allocated} bytes, more than {bound}");

            if (m.Bytes.AsSpan().SequenceEqual(original))
            {
                unchanged++;
                Assert.NotNull(read);
                continue;
            }
            if (rejected is not null)
            {
                reasons[rejected.Reason] = reasons.GetValueOrDefault(rejected.Reason) + 1;
                Assert.False(string.IsNullOrWhiteSpace(rejected.Location), m.Description);
                continue;
            }
            // Only a sealed mutant may be a valid file; damage under the original checksum must never pass.
            Assert.True(m.Sealed, $"{m.Description}: an unsealed mutant was accepted");
            accepted++;
            var again = PemnFile.Read(PemnFile.Write(read!));
            Assert.Null(PackedNetwork.FirstDifference(read!, again));
        }
        clock.Stop();

        output.WriteLine($"{mutants.Count} mutants ({mutants.Count(m => m.Sealed)} sealed) of {string.Join(" and ", sources.Select(s => $"{s.Name} ({s.Bytes.Length} bytes)"))} " +
                         $"in {clock.Elapsed.TotalSeconds:F2} s; slowest read {slowest.TotalMilliseconds:F1} ms; most allocated by one read {maxAllocated / 1024.0:F0} KiB");
        output.WriteLine($"accepted as valid files: {accepted}; unchanged bytes: {unchanged}");
        foreach (var (reason, count) in reasons.OrderByDescending(r => r.Value)) output.WriteLine($"  {reason}: {count}");
        Assert.True(mutants.Count >= MinCases, $"only {mutants.Count} mutants");
        // Every kind of fault must have been reached, or the mutants miss a part of the reader.
        Assert.Equal(Enum.GetValues<PemnFileError>().Order(), reasons.Keys.Order());
    }

    private static Sample Source(string name, PackedNetwork network)
    {
        var (bytes, layout) = PemnFile.WriteWithLayout(network);
        return new Sample(name, bytes, layout);
    }

    private static IEnumerable<Mutant> Mutants(Sample s, Random rng)
    {
        var bytes = s.Bytes;
        var fields = s.Layout.Fields!;
        var length = fields.Single(f => f.Name == "header.fileLength");
        var checksum = fields.Single(f => f.Name == "checksum");

        // Truncation at every byte (tiny) or at every field boundary and one byte into it (rich), checksum as it was.
        var cuts = s.Name == "tiny" ? Enumerable.Range(0, bytes.Length) : fields.SelectMany(f => new[] { (int)f.Offset, (int)f.Offset + 1 }).Distinct();
        foreach (var cut in cuts)
            yield return new($"{s.Name}: truncated to {cut} bytes", bytes[..cut], false);

        // Damage in transit: flipped bits and overwritten bytes anywhere, the checksum left as it was.
        for (var i = 0; i < 300; i++)
        {
            var at = rng.Next(bytes.Length);
            var bit = rng.Next(8);
            yield return new($"{s.Name}: bit {bit} of byte {at} flipped", With(bytes, b => b[at] ^= (byte)(1 << bit)), false);
        }
        for (var i = 0; i < 100; i++)
        {
            var at = rng.Next(bytes.Length);
            var value = (byte)rng.Next(256);
            yield return new($"{s.Name}: byte {at} set to 0x{value:X2}", With(bytes, b => b[at] = value), false);
        }

        // Every field set to the values that break readers (zero, one, off by one, sign bits, huge), then sealed.
        foreach (var f in fields)
        {
            if (f == checksum) continue;
            foreach (var (what, value) in Interesting(f, bytes, rng))
            {
                var mutated = With(bytes, b => value.CopyTo(b.AsSpan((int)f.Offset)));
                yield return new($"{s.Name}: {f.Name} at {f.Offset} set to {what}", Seal(mutated, fixLength: f != length), true);
            }
        }

        // Bytes inserted or deleted at field boundaries, the file length and checksum made consistent again.
        var starts = fields.Where(f => f.Offset >= PemnFile.HeaderBytes && f != checksum).Select(f => (int)f.Offset).ToArray();
        for (var i = 0; i < 80; i++)
        {
            var at = starts[rng.Next(starts.Length)];
            var count = 1 + rng.Next(8);
            var extra = new byte[count];
            rng.NextBytes(extra);
            yield return new($"{s.Name}: {count} bytes inserted at {at}", Seal([.. bytes[..at], .. extra, .. bytes[at..]]), true);
            var end = Math.Min(at + count, (int)checksum.Offset);
            yield return new($"{s.Name}: bytes {at}..{end} deleted", Seal([.. bytes[..at], .. bytes[end..]]), true);
        }

        // Sections cut short at every field boundary, or given extra bytes, with the table of contents adjusted to
        // match: only the section's own parsing can notice.
        foreach (var (section, index) in s.Layout.Sections.Select((x, i) => (x, i)))
        {
            var inside = fields.Where(f => f.Offset > section.Offset && f.Offset < section.Offset + section.Length).Select(f => (int)(f.Offset - section.Offset));
            foreach (var keep in inside.Concat([(int)section.Length - 1]).Distinct())
                yield return new($"{s.Name}: section {section.Kind} cut to {keep} bytes", Reframe(s, index, old => old[..keep]), true);
            yield return new($"{s.Name}: section {section.Kind} with one extra byte", Reframe(s, index, old => [.. old, 0]), true);
            yield return new($"{s.Name}: section {section.Kind} with 8 extra bytes", Reframe(s, index, old => [.. old, .. new byte[8]]), true);
        }

        // The other version declared (with its section count), the sections as they are: the table of contents no longer fits.
        var other = s.Layout.Version == PemnFile.Version1 ? PemnFile.Version2 : PemnFile.Version1;
        yield return new($"{s.Name}: declared version {other} with {PemnFile.SectionCountOf(other)} sections", Seal(With(bytes, b =>
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(VersionOffset), other);
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(VersionOffset + 4), (uint)PemnFile.SectionCountOf(other));
        })), true);
        // Framed as the other version: a version-1 file given an empty sparse section (not canonical: rejected), a version-2
        // file without its sparse section (a valid version-1 file of the network without its sparse layers).
        var sections = SectionBytes(s);
        yield return other == PemnFile.Version2
            ? new($"{s.Name}: framed as version 2 with no sparse layer", Frame(bytes, other, [.. sections, new byte[4]]), true)
            : new($"{s.Name}: framed as version 1 without its sparse layers", Frame(bytes, other, sections[..^1]), true);

        // A few random bytes changed anywhere in the content, then sealed.
        for (var i = 0; i < 150; i++)
        {
            var changes = 1 + rng.Next(4);
            var mutated = bytes.ToArray();
            for (var c = 0; c < changes; c++) mutated[rng.Next((int)checksum.Offset)] = (byte)rng.Next(256);
            yield return new($"{s.Name}: {changes} random bytes changed (case {i})", Seal(mutated), true);
        }
    }

    /// <summary>Values worth trying in <paramref name="f"/>, as the bytes to write there.</summary>
    private static IEnumerable<(string What, byte[] Value)> Interesting(PemnField f, byte[] file, Random rng)
    {
        var at = file.AsSpan((int)f.Offset, (int)f.Size).ToArray();
        switch (f.Type)
        {
            case PemnFieldType.U8:
                foreach (var v in new byte[] { 0, 1, 2, 3, 9, 0x7F, 0x80, 0xFF, (byte)(at[0] ^ 1) }) yield return ($"{v}", [v]);
                break;
            case PemnFieldType.U16:
                var u16 = BinaryPrimitives.ReadUInt16LittleEndian(at);
                foreach (var v in new ushort[] { 0, 1, (ushort)(u16 - 1), (ushort)(u16 + 1), 1025, 0xFFFF })
                    yield return ($"{v}", Le(b => BinaryPrimitives.WriteUInt16LittleEndian(b, v), 2));
                break;
            case PemnFieldType.U32:
                var u32 = BinaryPrimitives.ReadUInt32LittleEndian(at);
                foreach (var v in new uint[] { 0, 1, u32 - 1, u32 + 1, 2, 6, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF })
                    yield return ($"{v}", Le(b => BinaryPrimitives.WriteUInt32LittleEndian(b, v), 4));
                break;
            case PemnFieldType.U64:
                var u64 = BinaryPrimitives.ReadUInt64LittleEndian(at);
                foreach (var v in new[] { 0UL, 1UL, u64 - 1, u64 + 1, u64 * 2, 1UL << 28, (1UL << 28) + 1, 1UL << 31, 1UL << 32, 1UL << 62, 1UL << 63, ulong.MaxValue })
                    yield return ($"{v}", Le(b => BinaryPrimitives.WriteUInt64LittleEndian(b, v), 8));
                break;
            case PemnFieldType.I64:
                var i64 = BinaryPrimitives.ReadInt64LittleEndian(at);
                foreach (var v in new[] { 0L, -1L, i64 - 1, i64 + 1, i64 * 1000, 1L << 31, 1L << 32, 1L << 62, long.MinValue, long.MaxValue })
                    yield return ($"{v}", Le(b => BinaryPrimitives.WriteInt64LittleEndian(b, v), 8));
                break;
            case PemnFieldType.F32:
                foreach (var v in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, -1f, float.Epsilon, 3f })
                    yield return ($"{v}", Le(b => BinaryPrimitives.WriteSingleLittleEndian(b, v), 4));
                break;
            case PemnFieldType.Bytes when at.Length > 0:
                yield return ("first byte flipped", [(byte)(at[0] ^ 0x01), .. at[1..]]);
                yield return ("last byte flipped", [.. at[..^1], (byte)(at[^1] ^ 0x80)]);
                yield return ("zeros", new byte[at.Length]);
                yield return ("0xFF", Enumerable.Repeat((byte)0xFF, at.Length).ToArray());
                var random = new byte[at.Length];
                rng.NextBytes(random);
                yield return ("random bytes", random);
                break;
        }
    }

    private static byte[] Le(Action<Span<byte>> write, int size)
    {
        var bytes = new byte[size];
        write(bytes);
        return bytes;
    }

    private static byte[] With(byte[] bytes, Action<byte[]> change)
    {
        var copy = bytes.ToArray();
        change(copy);
        return copy;
    }

    /// <summary>Sets the header's file length (when asked) and recomputes the SHA-256, as a hostile writer would.</summary>
    private static byte[] Seal(byte[] bytes, bool fixLength = true)
    {
        if (bytes.Length < PemnFile.HeaderBytes + PemnFile.ChecksumBytes) return bytes;
        if (fixLength) BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(FileLengthOffset), (ulong)bytes.Length);
        var end = bytes.Length - PemnFile.ChecksumBytes;
        SHA256.HashData(bytes.AsSpan(0, end), bytes.AsSpan(end));
        return bytes;
    }

    /// <summary>
    /// The file with section <paramref name="index"/> replaced by <paramref name="edit"/> of it and everything around it
    /// (table of contents, file length, checksum) made consistent: written here, independently of the writer.
    /// </summary>
    private static byte[] Reframe(Sample s, int index, Func<byte[], byte[]> edit)
    {
        var sections = SectionBytes(s);
        sections[index] = edit(sections[index]);
        return Frame(s.Bytes, s.Layout.Version, sections);
    }

    private static List<byte[]> SectionBytes(Sample s) => s.Layout.Sections.Select(x => s.Bytes.AsSpan((int)x.Offset, (int)x.Length).ToArray()).ToList();

    /// <summary>
    /// A file of <paramref name="version"/> holding <paramref name="sections"/> (kinds 1, 2, ... in order), with magic from
    /// <paramref name="original"/> and header, table of contents, file length and checksum made consistent here.
    /// </summary>
    private static byte[] Frame(byte[] original, uint version, List<byte[]> sections)
    {
        var file = new List<byte>(original[..VersionOffset]);
        file.AddRange(Le(b => BinaryPrimitives.WriteUInt32LittleEndian(b, version), 4));
        file.AddRange(Le(b => BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)sections.Count), 4));
        var total = PemnFile.HeaderBytes + sections.Count * PemnFile.TocEntryBytes + sections.Sum(x => x.Length) + PemnFile.ChecksumBytes;
        file.AddRange(Le(b => BinaryPrimitives.WriteUInt64LittleEndian(b, (ulong)total), 8));
        long offset = PemnFile.HeaderBytes + sections.Count * PemnFile.TocEntryBytes;
        for (var i = 0; i < sections.Count; i++)
        {
            file.AddRange(Le(b => BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)(i + 1)), 4));
            file.AddRange(Le(b => BinaryPrimitives.WriteUInt64LittleEndian(b, (ulong)offset), 8));
            file.AddRange(Le(b => BinaryPrimitives.WriteUInt64LittleEndian(b, (ulong)sections[i].Length), 8));
            offset += sections[i].Length;
        }
        foreach (var x in sections) file.AddRange(x);
        file.AddRange(new byte[PemnFile.ChecksumBytes]);
        return Seal([.. file]);
    }
}
