using PEMN.Configuration;

namespace PEMN.Tests.Configuration;

public class PresetNameTests
{
    [Fact]
    public void EveryPresetHasTheNameItHadAsAString() =>
        Assert.Equal(
            ["smoke", "smoke_vit", "smoke_resnet", "smoke_wide", "smoke_deep", "quick", "quick_vit", "quick_resnet", "quick_wide", "quick_deep",
             "paper", "paper_vit", "paper_resnet", "paper_wide", "paper_deep"],
            ExperimentPresets.Names);

    [Theory]
    [InlineData("quick", Scale.Quick, PresetVariant.ConvMixer)]
    [InlineData("Quick-ViT", Scale.Quick, PresetVariant.ViT)]
    [InlineData(" paper_resnet ", Scale.Paper, PresetVariant.ResNet)]
    [InlineData("smoke-deep", Scale.Smoke, PresetVariant.Deep)]
    public void SpellingsParseToOnePreset(string text, Scale scale, PresetVariant variant) =>
        Assert.Equal(new PresetName(scale, variant), PresetName.Parse(text));

    [Theory]
    [InlineData("quick_convmixer")]
    [InlineData("fast")]
    [InlineData("quick_vit_x")]
    [InlineData("")]
    public void OtherTextIsRefusedListingThePresets(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => PresetName.Parse(text));
        Assert.Contains($"preset = '{text}' is not allowed", e.Message);
        Assert.Contains("quick_vit", e.Message);
    }

    [Fact]
    public void APresetIsTheRecordItsNameSays()
    {
        Assert.Same(ExperimentPresets.QuickViT, ExperimentPresets.Get("quick_vit"));
        Assert.Same(ExperimentPresets.Smoke, ExperimentPresets.Get(Scale.Smoke));
        Assert.Equal(2 * ExperimentPresets.Quick.Model.Depth, ExperimentPresets.Get(Scale.Quick, PresetVariant.Deep).Model.Depth);
    }
}
