using System.Text.Json;
using PEMN.Cli;
using PEMN.Tests.Cli;
using static PEMN.Tests.Strategies.PaperConvMixer;

namespace PEMN.Tests.Storage;

public class StorageCommandTests
{
    private static (int Code, string Out, string Error) Pemn(params string[] args) => PemnHarness.Run(args);

    [Fact]
    public void JsonReportOfThePaperConvMixerWithRp1e3()
    {
        var (code, output, error) = Pemn("storage", "--model", "convmixer", "--dim", $"{Dim}", "--depth", $"{Depth}",
            "--kernel", $"{Kernel}", "--patch", $"{Patch}", "--in-channels", $"{Channels}", "--classes", $"{Classes}",
            "--image-size", "32", "--strategy", "rp", "--ratio", "0.001", "--pad-mode", "copy", "--k", "0.5", "--seed", "7", "--json");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var r = json.RootElement;
        long Get(string name) => r.GetProperty(name).GetInt64();
        Assert.Equal(MaskedWeights, Get("masked_weights"));
        Assert.Equal(Pointwise, Get("largest_layer"));
        Assert.Equal(66, Get("unique_values"));
        Assert.Equal(66 * 32, Get("prototype_bits"));
        Assert.Equal(MaskedWeights, Get("mask_bits"));
        // Hand count: 437,248 masked weights (the paper's table), 13 BatchNorms of 256 channels = 6,656 affine parameters.
        Assert.Equal(437_248, MaskedWeights);
        Assert.Equal(6_656, Get("other_parameters"));
        Assert.Equal(439_360, Get("weight_bits"));                 // 2,112 + 437,248
        Assert.Equal(13_991_936, Get("dense_weight_bits"));        // 32 * 437,248
        Assert.Equal(0.968599055913349, r.GetProperty("compression_ratio").GetDouble(), 12);            // 1 - 439,360 / 13,991,936
        Assert.Equal(652_352, Get("total_bits"));                  // + 32 * 6,656
        Assert.Equal(0.954075655997693, r.GetProperty("compression_with_other_ratio").GetDouble(), 12); // 1 - 652,352 / 14,204,928
    }

    [Fact]
    public void SeedStorageAndTableOutput()
    {
        var (code, output, error) = Pemn("storage", "--dataset", "synthetic", "--dim", "8", "--depth", "2", "--kernel", "3", "--strategy", "mp", "--seed-storage", "--json");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(64, json.RootElement.GetProperty("prototype_bits").GetInt64());
        Assert.True(json.RootElement.GetProperty("seed_stored").GetBoolean());

        var table = Pemn("storage", "--dataset", "synthetic", "--dim", "8", "--depth", "2", "--kernel", "3", "--strategy", "one-layer");
        Assert.Equal(0, table.Code);
        Assert.Contains("compression with other", table.Out);
        Assert.Contains("unique values", table.Out);
        Assert.Contains("One-layer", table.Out); // the paper's label, as in the ladder and the charts
    }

    [Theory]
    [InlineData("--ratio", "(0, 1)", "--strategy", "rp", "--ratio", "0")]
    [InlineData("--ratio", "(0, 1)", "--strategy", "rp", "--ratio", "1")]
    [InlineData("--ratio", "(0, 1)", "--strategy", "rp", "--ratio", "2.5")]
    [InlineData("--model", "convmixer", "--model", "resnet99")]
    [InlineData("--strategy", "dense, mask, one_layer, max_layer_padding (mp), random_vector_padding (rp)", "--strategy", "lottery")]
    [InlineData("--pad-mode", "copy, rand", "--strategy", "rp", "--pad-mode", "shuffle")]
    [InlineData("--k", "(0, 1]", "--k", "0")]
    [InlineData("--k", "(0, 1]", "--k", "1.5")]
    [InlineData("--dim", ">= 1", "--dim", "0")]
    [InlineData("--classes", ">= 2", "--classes", "1")]
    [InlineData("--norm", "learnable (learn), non_affine (not-learn)", "--norm", "frozen")]
    [InlineData("--sparse-keep", "(0, 1]", "--sparse-keep", "0")]
    [InlineData("--sparse-compression", "(0, 1)", "--sparse-compression", "1")]
    [InlineData("--sparse-keep", "not both", "--sparse-keep", "0.1", "--sparse-compression", "0.9")]
    public void BadFlagsFailNamingTheFlagAndTheAllowedValues(string flag, string allowed, params string[] args)
    {
        var (code, output, error) = Pemn(["storage", .. args]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(flag, error);
        Assert.Contains(allowed, error);
        Assert.Equal("", output); // nothing measured, nothing printed
    }

    [Fact]
    public void SparseBaselineOfTheSameArchitecture()
    {
        var (code, output, error) = Pemn("storage", "--dataset", "synthetic", "--dim", "8", "--depth", "2", "--kernel", "3", "--classes", "4", "--sparse-keep", "0.25", "--json");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var r = json.RootElement;
        // Kept per layer: n - floor(0.75 n): stem 96 -> 24, depthwise 72 -> 18 (x2), pointwise 64 -> 16 (x2), head 32 -> 8.
        Assert.Equal(24 + 2 * (18 + 16) + 8, r.GetProperty("unique_values").GetInt64());
        Assert.Equal(0.25, r.GetProperty("keep_fraction").GetDouble());

        var atRatio = Pemn("storage", "--dataset", "synthetic", "--dim", "8", "--depth", "2", "--kernel", "3", "--sparse-compression", "0.5", "--json");
        Assert.Equal(0, atRatio.Code);
        using var ratioJson = JsonDocument.Parse(atRatio.Out);
        Assert.True(ratioJson.RootElement.GetProperty("compression_ratio").GetDouble() >= 0.5);
    }

    [Fact]
    public void UnparsableNumberIsAParseErrorNamingTheFlag()
    {
        var (code, _, error) = Pemn("storage", "--dim", "wide");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--dim", error);
    }

    [Fact]
    public void QuickPresetReportsTheQuickModel()
    {
        var (code, output, error) = Pemn("storage", "--preset", "quick", "--strategy", "rp", "--ratio", "0.01", "--json");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        // ConvMixer-64/4 on 1x28x28, 10 classes: stem 64*1*2*2, 4 x (depthwise 64*5*5 + pointwise 64*64), head 10*64.
        Assert.Equal(64 * 4 + 4 * (64 * 25 + 64 * 64) + 10 * 64, json.RootElement.GetProperty("masked_weights").GetInt64());
        Assert.Equal((long)Math.Floor(64 * 64 * 0.01) + 1, json.RootElement.GetProperty("unique_values").GetInt64());
    }
}
