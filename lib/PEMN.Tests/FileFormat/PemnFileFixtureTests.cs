using System.Runtime.CompilerServices;
using PEMN.FileFormat;
using static PEMN.Tests.FileFormat.PemnFileSamples;

namespace PEMN.Tests.FileFormat;

/// <summary>
/// The committed test vectors fixtures/tiny.pemn (version 1) and fixtures/tiny-sparse.pemn (version 2), walked through byte
/// by byte in FileFormat.md. Reading each must give the literal network of <see cref="PemnFileSamples.Tiny"/> or
/// <see cref="PemnFileSamples.TinySparse"/> and writing that network must give the file again, so a change of the format on
/// either side fails here (and a version-2 reader still reads the version-1 vector). If the format changes on purpose, add a
/// version (<see cref="PemnFile.Version"/>), then regenerate: PEMN_WRITE_FIXTURES=1 dotnet test --filter PemnFileFixture.
/// </summary>
public class PemnFileFixtureTests
{
    private const string TinyFile = "tiny.pemn";
    private const string TinySparseFile = "tiny-sparse.pemn";

    private static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Storage", "fixtures", name);

    private static string SourceFixturePath(string name, [CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "fixtures", name);

    [Theory]
    [InlineData(TinyFile)]
    [InlineData(TinySparseFile)]
    public void WriterReproducesTheFixtureByteForByte(string name)
    {
        var written = PemnFile.Write(name == TinyFile ? Tiny() : TinySparse());
        if (Environment.GetEnvironmentVariable("PEMN_WRITE_FIXTURES") == "1")
        {
            File.WriteAllBytes(SourceFixturePath(name), written);
            Directory.CreateDirectory(Path.GetDirectoryName(FixturePath(name))!);
            File.WriteAllBytes(FixturePath(name), written);
        }
        Assert.Equal(File.ReadAllBytes(FixturePath(name)), written);
    }

    [Fact]
    public void SparseFixtureReadsToItsLiteralContent()
    {
        var bytes = File.ReadAllBytes(FixturePath(TinySparseFile));
        var (network, layout) = PemnFile.ReadWithLayout(bytes);
        Assert.Null(PackedNetwork.FirstDifference(TinySparse(), network));

        // The header, literally: magic, version 2, 6 sections, the file's length.
        Assert.Equal("8950454D4E0D0A1A" + "02000000" + "06000000", Convert.ToHexString(bytes, 0, 16));
        Assert.Equal(bytes.Length, BitConverter.ToInt64(bytes, 16));
        Assert.Equal(PemnSectionKind.SparseLayers, layout.Sections[^1].Kind);
        Assert.Empty(network.Prototypes);
        Assert.Empty(network.Layers);
        Assert.Equal(["conv", "head"], network.SparseLayers.Select(l => l.Path));
        Assert.Equal([0.25f, -1.5f, 3f], network.SparseLayers[0].Values);
        Assert.Equal([16L * 1 + 6, 16 * 5 + 13, 16 * 7], Enumerable.Range(0, 128).Where(i => network.SparseLayers[0].Mask[i]).Select(i => (long)i));
        Assert.Equal([-0.5f, 0f, 0f, 0f, 0f, 2f], network.SparseLayers[1].Weights());
        Assert.Equal([(MaskCoding.ContextCoded, PemnLayerForm.Sparse), (MaskCoding.Bitmap, PemnLayerForm.Sparse)], layout.Masks.Select(m => (m.Coding, m.Form)));
    }

    [Fact]
    public void FixtureReadsToItsLiteralContent()
    {
        var bytes = File.ReadAllBytes(FixturePath(TinyFile));
        var (network, layout) = PemnFile.ReadWithLayout(bytes);
        Assert.Null(PackedNetwork.FirstDifference(Tiny(), network));

        // The header, literally: magic, version 1, 5 sections, the file's length.
        Assert.Equal("8950454D4E0D0A1A" + "01000000" + "05000000", Convert.ToHexString(bytes, 0, 16));
        Assert.Equal(bytes.Length, BitConverter.ToInt64(bytes, 16));
        Assert.InRange(bytes.Length, 300, 1000);

        Assert.Equal("""{"model":"tiny","strategy":"RP","r":0.03,"k":0.25}""", network.ConfigJson);
        Assert.Equal([0.5f, -1.25f, 2f, -0.75f, 1f], network.Prototypes[0].Values!);
        Assert.Equal(160, network.Prototypes[0].TiledLength);
        var recipe = network.Prototypes[1].Recipe!;
        Assert.Equal((ValueGenerator.TorchKaimingNormal, 42UL), (recipe.Generator, recipe.Seed));
        Assert.Equal([2L, 3], recipe.Shape);
        Assert.Equal(["stem", "blocks.0.conv", "head"], network.Layers.Select(l => l.Path));
        Assert.Equal([true, false, true, false, false, true, true, false], network.Layers[0].Mask.ToBools());
        Assert.Equal(1, network.Layers[1].Mask.CountOnes());
        Assert.True(network.Layers[1].Mask[16 * 5 + 13]);
        Assert.Equal(0.5f, network.Layers[1].Scale);
        Assert.Equal([MaskCoding.Bitmap, MaskCoding.ContextCoded, MaskCoding.Bitmap], layout.Masks.Select(m => m.Coding));
        Assert.Equal((0, PermutationGenerator.SplitMix64FisherYates, 7UL, 160L),
            (network.Permutations[0].Prototype, network.Permutations[0].Generator, network.Permutations[0].Seed, network.Permutations[0].Length));
        Assert.Equal(["bn.weight", "bn.running_var", "bn.num_batches_tracked"], network.Tensors.Select(t => t.Name));
        Assert.Equal([3L], network.Tensors[2].Int64!);
        Assert.Empty(network.Tensors[2].Shape);
    }
}
