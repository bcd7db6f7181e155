using System.Runtime.CompilerServices;
using PEMN.Storage;
using static PEMN.Tests.Storage.PemnFileSamples;

namespace PEMN.Tests.Storage;

/// <summary>
/// The committed test vector fixtures/tiny.pemn (walked through byte by byte in FileFormat.md). Reading it must give
/// the literal network of <see cref="PemnFileSamples.Tiny"/> and writing that network must give the file again, so a
/// change of the format on either side fails here. If the format changes on purpose, bump
/// <see cref="PemnFile.Version"/>, then regenerate: PEMN_WRITE_FIXTURES=1 dotnet test --filter PemnFileFixture.
/// </summary>
public class PemnFileFixtureTests
{
    private static readonly string FixturePath = Path.Combine(AppContext.BaseDirectory, "Storage", "fixtures", "tiny.pemn");

    private static string SourceFixturePath([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "fixtures", "tiny.pemn");

    [Fact]
    public void WriterReproducesTheFixtureByteForByte()
    {
        var written = PemnFile.Write(Tiny());
        if (Environment.GetEnvironmentVariable("PEMN_WRITE_FIXTURES") == "1")
        {
            File.WriteAllBytes(SourceFixturePath(), written);
            Directory.CreateDirectory(Path.GetDirectoryName(FixturePath)!);
            File.WriteAllBytes(FixturePath, written);
        }
        Assert.Equal(File.ReadAllBytes(FixturePath), written);
    }

    [Fact]
    public void FixtureReadsToItsLiteralContent()
    {
        var bytes = File.ReadAllBytes(FixturePath);
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
