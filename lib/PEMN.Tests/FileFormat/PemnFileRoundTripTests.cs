using PEMN.FileFormat;
using PEMN.Runtime;
using static PEMN.Tests.FileFormat.PemnFileSamples;

namespace PEMN.Tests.FileFormat;

/// <summary>Writing a <see cref="PackedNetwork"/> and reading it back gives the same network, in every field and coding.</summary>
public class PemnFileRoundTripTests
{
    private static PackedNetwork RoundTrip(PackedNetwork network, PemnWriteOptions? options = null)
    {
        var bytes = PemnFile.Write(network, options);
        var read = PemnFile.Read(bytes);
        Assert.Null(PackedNetwork.FirstDifference(network, read));
        // Canonical: the network read back writes the same bytes.
        Assert.Equal(bytes, PemnFile.Write(read, options));
        return read;
    }

    [Fact]
    public void TinyNetworkRoundTrips() => RoundTrip(Tiny());

    [Fact]
    public void TinySparseNetworkRoundTrips() => RoundTrip(TinySparse());

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void NetworkWithSparseLayersBesideEveryFieldKindRoundTrips(int seed) => RoundTrip(RichSparse(seed));

    [Fact]
    public void AFileIsVersion2ExactlyWhenItsNetworkHasSparseLayers()
    {
        // Version 1 files stay what they were: a network without sparse layers is written as before, five sections.
        foreach (var (network, version, sections) in new[] { (Tiny(), 1u, 5), (Rich(1), 1u, 5), (TinySparse(), 2u, 6), (RichSparse(1), 2u, 6) })
        {
            var (bytes, layout) = PemnFile.WriteWithLayout(network);
            Assert.Equal((version, (uint)sections), (BitConverter.ToUInt32(bytes, 8), BitConverter.ToUInt32(bytes, 12)));
            Assert.Equal(version, layout.Version);
            Assert.Equal(sections, layout.Sections.Count);
            Assert.Equal(version, PemnFile.ReadWithLayout(bytes).Layout.Version);
        }
    }

    [Fact]
    public void SparseLayerWeightsPutTheValuesAtTheKeptEntriesAndZeroElsewhere()
    {
        var layer = new PackedSparseLayer("a", [2, 3], Mask("010 110"), [5f, -2f, 0.5f]);
        Assert.Equal([0f, 5f, 0f, -2f, 0.5f, 0f], layer.Weights());
        var again = PackedSparseLayer.Of("a", [2, 3], Mask("010 110"), [9f, 5f, 9f, -2f, 0.5f, 9f]);
        Assert.Equal(layer.Values, again.Values);
        var wrong = layer with { Values = [1f] };
        Assert.Contains("keeps 3 entries for 1 values", Assert.Throws<InvalidOperationException>(() => wrong.Weights()).Message);
    }

    [Fact]
    public void AVersion2FileWithoutSparseLayersIsNotCanonicalAndIsRejected()
    {
        // Tiny's five sections and an empty sixth, framed as version 2 by hand: valid in every field but the sparse count.
        var (bytes, layout) = PemnFile.WriteWithLayout(Tiny());
        var sections = layout.Sections.Select(x => bytes.AsSpan((int)x.Offset, (int)x.Length).ToArray()).Append(new byte[4]).ToList();
        var error = Assert.Throws<PemnFileException>(() => PemnFile.Read(Assemble(2, sections)));
        Assert.Equal(PemnFileError.InvalidField, error.Reason);
        Assert.Contains("holds at least one sparse layer", error.Message);
        // The same six sections declared as version 1: a version-1 file has five.
        var v1 = Assert.Throws<PemnFileException>(() => PemnFile.Read(Assemble(1, sections)));
        Assert.Equal(PemnFileError.BadTableOfContents, v1.Reason);
        Assert.Contains("a version-1 file has 5 sections, this one declares 6", v1.Message);
        // Version 3 is not read.
        var v3 = Assert.Throws<PemnFileException>(() => PemnFile.Read(Assemble(3, sections)));
        Assert.Equal(PemnFileError.UnsupportedVersion, v3.Reason);
        Assert.Contains("reads versions 1 and 2", v3.Message);
    }

    [Fact]
    public void SparseAndMaskedLayersShareOneNameSpace()
    {
        var both = TinySparse() with { Layers = [], SparseLayers = [.. TinySparse().SparseLayers, TinySparse().SparseLayers[0]] };
        Assert.Contains("path 'conv' appears twice", Assert.Throws<ArgumentException>(() => PemnFile.Write(both)).Message);
        var rich = RichSparse(1);
        var clash = rich with { SparseLayers = [rich.SparseLayers[0] with { Path = rich.Layers[0].Path }, .. rich.SparseLayers.Skip(1)] };
        Assert.Contains("path 'stem' appears twice", Assert.Throws<ArgumentException>(() => PemnFile.Write(clash)).Message);
    }

    /// <summary>A file of <paramref name="sections"/> (kinds 1, 2, ... in order) with header, table of contents and SHA-256, assembled here.</summary>
    private static byte[] Assemble(uint version, IReadOnlyList<byte[]> sections)
    {
        var toc = PemnFile.HeaderBytes + sections.Count * PemnFile.TocEntryBytes;
        var length = toc + sections.Sum(x => x.Length) + PemnFile.ChecksumBytes;
        var file = new byte[length];
        PemnFile.Magic.CopyTo(file);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), version);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(12), (uint)sections.Count);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(16), (ulong)length);
        long offset = toc;
        for (var i = 0; i < sections.Count; i++)
        {
            var entry = file.AsSpan(PemnFile.HeaderBytes + i * PemnFile.TocEntryBytes);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(entry, (uint)(i + 1));
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(entry[4..], (ulong)offset);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(entry[12..], (ulong)sections[i].Length);
            sections[i].CopyTo(file.AsSpan((int)offset));
            offset += sections[i].Length;
        }
        System.Security.Cryptography.SHA256.HashData(file.AsSpan(0, length - PemnFile.ChecksumBytes), file.AsSpan(length - PemnFile.ChecksumBytes));
        return file;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void NetworkWithEveryFieldKindRoundTrips(int seed) => RoundTrip(Rich(seed));

    [Theory]
    [InlineData(MaskCoding.Bitmap)]
    [InlineData(MaskCoding.ContextCoded)]
    public void EitherCodingForcedForEveryLayerRoundTrips(MaskCoding coding)
    {
        var (bytes, layout) = PemnFile.WriteWithLayout(Rich(1), new PemnWriteOptions(coding));
        Assert.All(layout.Masks, m => Assert.Equal(coding, m.Coding));
        Assert.Null(PackedNetwork.FirstDifference(Rich(1), PemnFile.Read(bytes)));
    }

    [Fact]
    public void WriterPicksTheSmallerCodingPerLayer()
    {
        var layout = PemnFile.ReadWithLayout(PemnFile.Write(Rich(1))).Layout;
        var coding = layout.Masks.ToDictionary(m => m.Path, m => m.Coding);
        Assert.Equal(MaskCoding.ContextCoded, coding["stem"]);               // k = 0.05 of 1,152
        Assert.Equal(MaskCoding.Bitmap, coding["blocks.0.pointwise"]);       // k = 0.5 at random
        Assert.Equal(MaskCoding.ContextCoded, coding["blocks.1.all"]);       // every entry kept
        Assert.Equal(MaskCoding.Bitmap, coding["odd"]);                      // 7 entries: 1 byte beats the coder's 5 of overhead
    }

    [Fact]
    public void ReaderAndWriterAgreeOnEveryField()
    {
        var (bytes, written) = PemnFile.WriteWithLayout(Rich(2));
        var read = PemnFile.ReadWithLayout(bytes, fields: true).Layout;
        Assert.Equal(written.Fields, read.Fields);
        Assert.Equal(written.Sections, read.Sections);
        Assert.Equal(written.Masks, read.Masks);
        // The fields tile the file: each starts where the previous ends, the last ends at the end.
        long at = 0;
        foreach (var f in read.Fields!)
        {
            Assert.Equal(at, f.Offset);
            at += f.Size;
        }
        Assert.Equal(bytes.Length, at);
    }

    [Fact]
    public void FilesRoundTripThroughDisk()
    {
        var dir = Directory.CreateTempSubdirectory("pemnfile-");
        try
        {
            var path = Path.Combine(dir.FullName, "net" + PemnFile.Extension);
            PemnFile.WriteFile(path, Rich(3));
            Assert.Null(PackedNetwork.FirstDifference(Rich(3), PemnFile.ReadFile(path)));
            var small = new PemnLimits(MaxFileBytes: 100);
            var error = Assert.Throws<PemnFileException>(() => PemnFile.ReadFile(path, small));
            Assert.Equal(PemnFileError.LimitExceeded, error.Reason);
            Assert.Contains("limit of 100", error.Message);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void LayerWeightsFollowTilingPermutationOffsetAndScale()
    {
        // Prototype P of 3 values tiled to 8 and permuted: V[j] = T[perm[j]], T[j] = P[j mod 3]; layer W[i] = s * V[o + i].
        float[] p = [1f, 2f, 4f];
        var perm = SeededPermutation.Create(11, 8);
        var network = new PackedNetwork("{}",
            [PackedPrototype.Stored(p, tiledLength: 8)],
            [new PackedLayer("a", [2, 2], 0, 3, 0.5f, Mask("1111")), new PackedLayer("b", [3], 0, 0, 1f, Mask("000"))],
            [new PackedPermutation(0, PermutationGenerator.SplitMix64FisherYates, 11, 8, PemnDigest.Of(perm))],
            []);
        Assert.Equal(Enumerable.Range(0, 4).Select(i => 0.5f * p[perm[3 + i] % 3]), network.LayerWeights(0));
        Assert.Equal(Enumerable.Range(0, 3).Select(i => p[perm[i] % 3]), network.LayerWeights(1));
    }

    [Fact]
    public void RegeneratedValuesAndUnspecifiedPermutationsAreCheckedAgainstTheirDigests()
    {
        var network = Rich(1);
        float[] Draw(PackedPrototype _) => [1, 2, 3, 4, 5, 6, 7, 8];
        var wrong = Assert.Throws<InvalidOperationException>(() => network.LayerWeights(5, Draw, _ => [3, 1, 4, 0, 7, 5, 2, 6]));
        Assert.Contains("do not match the file's SHA-256", wrong.Message);
        var missing = Assert.Throws<InvalidOperationException>(() => network.PrototypeValues(2));
        Assert.Contains("pass a generator", missing.Message);
        var torch = Assert.Throws<InvalidOperationException>(() => PackedNetwork.PermutationOf(network.Permutations[1]));
        Assert.Contains("not specified by the format", torch.Message);
        Assert.Equal([3L, 1, 4, 0, 7, 5, 2, 6], PackedNetwork.PermutationOf(network.Permutations[1], _ => [3, 1, 4, 0, 7, 5, 2, 6]));
    }

    public static TheoryData<string, Func<PackedNetwork, PackedNetwork>> BrokenSparseNetworks => new()
    {
        { "holds 2 values for the 3 entries its mask keeps", n => n with { SparseLayers = [n.SparseLayers[0] with { Values = [1f, 2f] }, n.SparseLayers[1]] } },
        { "the mask has 6 entries for 128 weights", n => n with { SparseLayers = [n.SparseLayers[0] with { Mask = Mask("100 001") }, n.SparseLayers[1]] } },
        { "dimension 0 is 0, below 1", n => n with { SparseLayers = [n.SparseLayers[0], n.SparseLayers[1] with { Shape = [0, 6] }] } },
        { "the name is empty", n => n with { SparseLayers = [n.SparseLayers[0], n.SparseLayers[1] with { Path = "" }] } },
    };

    [Theory]
    [MemberData(nameof(BrokenSparseNetworks))]
    public void WriterRefusesSparseLayersThatBreakARuleAndSaysWhich(string expected, Func<PackedNetwork, PackedNetwork> breakIt)
    {
        var error = Assert.Throws<ArgumentException>(() => PemnFile.Write(breakIt(TinySparse())));
        Assert.Contains(expected, error.Message);
    }

    public static TheoryData<string, Func<PackedNetwork, PackedNetwork>> BrokenNetworks => new()
    {
        { "not an object", n => n with { ConfigJson = "[1, 2]" } },
        { "not valid JSON", n => n with { ConfigJson = "{\"a\":" } },
        { "tiled length 2 is outside", n => n with { Prototypes = [n.Prototypes[0] with { TiledLength = 2 }, .. n.Prototypes.Skip(1)] } },
        { "value 1 is NaN", n => n with { Prototypes = [PackedPrototype.Stored([1f, float.NaN, 2f, 3f, 4f], 160), .. n.Prototypes.Skip(1)] } },
        { "more than the 6 values the recipe draws", n => n with { Prototypes = [n.Prototypes[0], n.Prototypes[1] with { Length = 7, TiledLength = 7 }] } },
        { "mask has 3 entries for 8 weights", n => n with { Layers = [n.Layers[0] with { Mask = Mask("101") }, .. n.Layers.Skip(1)] } },
        { "runs past the 160 values", n => n with { Layers = [n.Layers[0] with { Offset = 153 }, .. n.Layers.Skip(1)] } },
        { "path 'stem' appears twice", n => n with { Layers = [.. n.Layers, n.Layers[0]] } },
        { "dimension 1 is 0, below 1", n => n with { Layers = [n.Layers[0] with { Shape = [8, 0] }, .. n.Layers.Skip(1)] } },
        { "scale -1 is not", n => n with { Layers = [n.Layers[0] with { Scale = -1f }, .. n.Layers.Skip(1)] } },
        { "prototype index 5 is outside", n => n with { Layers = [n.Layers[0] with { Prototype = 5 }, .. n.Layers.Skip(1)] } },
        { "differs from the tiled length", n => n with { Permutations = [n.Permutations[0] with { Length = 8 }] } },
        { "ascending prototype order", n => n with { Permutations = [n.Permutations[0], n.Permutations[0]] } },
        { "name 'bn.weight' appears twice", n => n with { Tensors = [.. n.Tensors, n.Tensors[0]] } },
        { "holds 2 elements for shape [3]", n => n with { Tensors = [n.Tensors[0] with { Shape = [3] }, .. n.Tensors.Skip(1)] } },
        { "the name is empty", n => n with { Tensors = [n.Tensors[0] with { Name = "" }, .. n.Tensors.Skip(1)] } },
        { "rank 9 is outside", n => n with { Tensors = [PackedTensor.Of("t", [1, 1, 1, 1, 1, 1, 1, 1, 1], [1f]), .. n.Tensors.Skip(1)] } },
    };

    [Theory]
    [MemberData(nameof(BrokenNetworks))]
    public void WriterRefusesNetworksThatBreakARuleAndSaysWhich(string expected, Func<PackedNetwork, PackedNetwork> breakIt)
    {
        var error = Assert.Throws<ArgumentException>(() => PemnFile.Write(breakIt(Tiny())));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void ShapesWhoseProductOverflowsAreRefused()
    {
        var huge = Tiny() with { Tensors = [PackedTensor.Of("t", [1L << 40, 1L << 40], [1f])] };
        var error = Assert.Throws<ArgumentException>(() => PemnFile.Write(huge));
        Assert.Contains("more than 268435456 elements", error.Message);
    }
}
