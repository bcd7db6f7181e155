using System.IO.Compression;
using PEMN.Configuration;
using PEMN.Data;
using PEMN.FileFormat;
using PEMN.Models;
using PEMN.Runtime;
using PEMN.Sweeps;

namespace PEMN.Tests.Runtime;

/// <summary>The limits' raising switch (PEMN_LIMIT_SCALE) and the limits the capped child cannot show in a few hundred bytes.</summary>
public class SizeLimitsTests
{
    [Fact]
    public void The_scale_multiplies_every_default_limit_and_unset_means_the_defaults()
    {
        WithScale(null, () =>
        {
            Assert.Equal(ModelConfig.DefaultMaxWeights, ModelConfig.MaxWeights);
            Assert.Equal(PemnLimits.DefaultMaxMaskEntries, PemnLimits.Default.MaxMaskEntries);
        });
        WithScale("16", () =>
        {
            Assert.Equal(16 * ModelConfig.DefaultMaxWeights, ModelConfig.MaxWeights);
            Assert.Equal(16 * PemnLimits.DefaultMaxElements, PemnLimits.Default.MaxElements);
            Assert.Equal(16 * SweepPlan.DefaultMaxRuns, SweepPlan.MaxRuns);
            Assert.Equal(16 * DataLimits.DefaultMaxImagePixels, DataLimits.MaxImagePixels);
        });
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("lots")]
    [InlineData("2097152")]
    public void A_bad_scale_is_refused_naming_the_variable(string value) =>
        WithScale(value, () => Assert.Contains(SizeLimits.ScaleVariable, Assert.Throws<FormatException>(() => SizeLimits.Scale).Message));

    [Fact]
    public void A_model_over_the_default_weight_limit_is_allowed_once_the_scale_raises_it()
    {
        // ConvMixer-4096/16: 16 x 4096^2 = 2^28 weights, twice the default limit.
        var model = new ModelConfig(ModelName.ConvMixer, Dim: 4096, Depth: 16, Kernel: 3, Patch: 2, InChannels: 1, ImageSize: 8, Classes: 4);
        WithScale(null, () => Assert.Contains("weights", Assert.Throws<ArgumentOutOfRangeException>(() => model.Validate()).Message));
        WithScale("4", () => model.Validate());
    }

    [Fact]
    public void A_gzip_bomb_is_refused_once_its_content_passes_the_limit()
    {
        const int Inflated = 1 << 20, Limit = 1 << 16;
        var path = Path.GetTempFileName();
        try
        {
            using (var gzip = new GZipStream(File.Create(path), CompressionLevel.SmallestSize)) gzip.Write(new byte[Inflated]);
            Assert.True(new FileInfo(path).Length < Limit, "the bomb itself is below the limit");
            var error = Assert.Throws<DataSetException>(() => FileBytes.Read(path, Limit));
            Assert.Contains("gzip content", error.Message);
            Assert.Equal(Inflated, FileBytes.Read(path).Length);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_masks_of_all_layers_together_are_bounded()
    {
        var file = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Storage", "fixtures", "tiny.pemn"));
        // tiny.pemn's masks: 8 + 128 + 6 entries; a limit of 100 admits the first and refuses the second before decoding it.
        var error = Assert.Throws<PemnFileException>(() => PemnFile.Read(file, new PemnLimits(MaxMaskEntries: 100)));
        Assert.Equal(PemnFileError.LimitExceeded, error.Reason);
        Assert.Contains("layer 1 ('blocks.0.conv')", error.Message);
        PemnFile.Read(file, new PemnLimits(MaxMaskEntries: 8 + 128 + 6));
    }

    [Fact]
    public void A_config_key_given_twice_is_refused_as_bad_json_naming_the_key()
    {
        var json = ExperimentJson.Serialize(ExperimentPresets.Get("smoke"));
        var twice = json.Replace("\"model\": {", "\"model\": {}, \"model\": {", StringComparison.Ordinal);
        var error = Assert.Throws<FormatException>(() => ExperimentJson.Deserialize(twice, "c.json"));
        Assert.Contains("model", error.Message);
        Assert.StartsWith("c.json: not valid JSON", error.Message);
    }

    private static void WithScale(string? value, Action check)
    {
        var before = Environment.GetEnvironmentVariable(SizeLimits.ScaleVariable);
        Environment.SetEnvironmentVariable(SizeLimits.ScaleVariable, value);
        try { check(); }
        finally { Environment.SetEnvironmentVariable(SizeLimits.ScaleVariable, before); }
    }
}
