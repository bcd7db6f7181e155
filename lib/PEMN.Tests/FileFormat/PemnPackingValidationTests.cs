using System.Text.Json.Nodes;
using PEMN.FileFormat;
using PEMN.Runs;

namespace PEMN.Tests.FileFormat;

/// <summary>
/// Loading checks a packed network against the model its configuration builds, before it draws, tiles or permutes anything,
/// and rejects a mismatch with a <see cref="PemnFileException"/> that names the section, the entry and both values. Each case
/// takes a valid packed smoke run and changes one thing (the container rules still hold, so only this check can catch it).
/// </summary>
[Collection(SmokeRunsCollection.Name)]
public class PemnPackingValidationTests(SmokeRuns runs)
{
    private PackedNetwork Packed(string name, bool seedStorage = false) =>
        RunPacking.PackRun(runs.Get(name).RunDirectory, new PemnPackOptions(seedStorage));

    /// <summary>Loads <paramref name="packed"/> after a write and read (so the file rules hold) and returns the rejection.</summary>
    private static PemnFileException Rejected(PackedNetwork packed)
    {
        var bytes = PemnFile.Write(packed);
        var e = Assert.Throws<PemnFileException>(() => RunPacking.Load(PemnFile.Read(bytes)));
        Assert.Equal(PemnFileError.InvalidField, e.Reason);
        return e;
    }

    private static PackedNetwork WithExperiment(PackedNetwork packed, Action<JsonObject> change)
    {
        var root = JsonNode.Parse(packed.ConfigJson)!.AsObject();
        change(root["experiment"]!.AsObject());
        return packed with { ConfigJson = root.ToJsonString() };
    }

    [Fact]
    public void AConfigurationThatIsNotAnExperimentsIsRejectedNamingTheField()
    {
        var packed = Packed("mask");
        var e = Rejected(packed with { ConfigJson = """{"model":"tiny"}""" });
        Assert.Equal("Config: kind", e.Location);
        Assert.Contains("missing; allowed: masked, dense", e.Message);

        e = Rejected(WithExperiment(packed, x => x["model"]!["dim"] = -3));
        Assert.Equal("Config: experiment", e.Location);
        Assert.Contains("model.dim", e.Message);

        // A dense file under a masked strategy (or the reverse) is not what its kind says.
        var root = JsonNode.Parse(packed.ConfigJson)!.AsObject();
        root["kind"] = "dense";
        e = Rejected(packed with { ConfigJson = root.ToJsonString() });
        Assert.Contains("'dense' does not fit strategy mask", e.Message);
    }

    [Fact]
    public void AKeepFractionThatDoesNotGiveTheStoredMasksIsRejected()
    {
        // k = 0.25 keeps 16 of the stem's 64 weights; the stored mask keeps 32.
        var e = Rejected(WithExperiment(Packed("mask"), x => x["masking"]!["keep_fraction"] = 0.25));
        Assert.Equal("Layers: layer 0 ('stem.conv') kept", e.Location);
        Assert.Contains("declares 32, the model built from its configuration needs 16", e.Message);
    }

    [Fact]
    public void AnotherStrategyOrRatioIsRejectedAtThePrototypes()
    {
        var e = Rejected(WithExperiment(Packed("rp_copy"), x => x["strategy"]!["ratio"] = 0.2));
        Assert.Equal("Values: prototype 0 (source 'blocks.0.pointwise') length", e.Location);
        Assert.Contains("declares 26, the model built from its configuration needs 52", e.Message);

        e = Rejected(WithExperiment(Packed("mp"), x => x["strategy"]!["name"] = "one_layer"));
        Assert.Equal("Values: prototype count", e.Location);
    }

    [Fact]
    public void LayerShapesScalesAndTiledLengthsMustBeTheModels()
    {
        var packed = Packed("rp_copy");
        // Same element count, other shape: only the comparison with the model can tell.
        var layers = packed.Layers.ToList();
        layers[0] = layers[0] with { Shape = [16, 4, 1, 1] };
        var e = Rejected(packed with { Layers = layers });
        Assert.Equal("Layers: layer 0 ('stem.conv') shape", e.Location);
        Assert.Contains("declares [16, 4, 1, 1], the model built from its configuration needs [16, 1, 2, 2]", e.Message);

        var prototypes = packed.Prototypes.ToList();
        prototypes[0] = prototypes[0] with { TiledLength = 300 };
        e = Rejected(packed with { Prototypes = prototypes });
        Assert.Equal("Values: prototype 0 (source 'blocks.0.pointwise') tiled length", e.Location);
        Assert.Contains("declares 300", e.Message);

        // The rescaled file under a config without rescaling: the depthwise layers' factor sqrt(16/9) is not 1.
        e = Rejected(WithExperiment(Packed("rp_rand_rescale"), x => x["strategy"]!["rescale"] = false));
        Assert.Equal("Layers: layer 0 ('stem.conv') scale", e.Location);
        Assert.Contains("declares 2, the model built from its configuration needs 1", e.Message);
    }

    [Fact]
    public void RandModeNeedsItsPermutation()
    {
        var packed = Packed("rp_rand");
        var e = Rejected(packed with { Permutations = [] });
        Assert.Equal("Permutations: permutation count", e.Location);
        Assert.Contains("RP rand permutes", e.Message);
    }

    [Fact]
    public void EveryOtherTensorMustBeThereWithTheModelsShapeAndNoOther()
    {
        var packed = Packed("mask");
        var without = packed.Tensors.Where(t => t.Name != "blocks.1.bn2.running_var").ToList();
        var e = Rejected(packed with { Tensors = without });
        Assert.Equal("Tensors: tensor 'blocks.1.bn2.running_var'", e.Location);
        Assert.Contains("declares absent", e.Message);

        e = Rejected(packed with { Tensors = [.. packed.Tensors, PackedTensor.Of("extra.weight", [2], [1f, 2f])] });
        Assert.Equal("Tensors: tensor 'extra.weight'", e.Location);

        var reshaped = packed.Tensors.Select(t => t.Name == "stem.bn.weight" ? t with { Shape = [4, 4] } : t).ToList();
        e = Rejected(packed with { Tensors = reshaped });
        Assert.Equal("Tensors: tensor 'stem.bn.weight' shape", e.Location);

        var retyped = packed.Tensors.Select(t => t.Name == "stem.bn.num_batches_tracked" ? PackedTensor.Of(t.Name, t.Shape, [1f]) : t).ToList();
        e = Rejected(packed with { Tensors = retyped });
        Assert.Equal("Tensors: tensor 'stem.bn.num_batches_tracked' dtype", e.Location);
    }

    [Fact]
    public void ARecipeIsCheckedAgainstTheModelBeforeAnythingIsDrawn()
    {
        var packed = Packed("mask", seedStorage: true);
        var prototypes = packed.Prototypes.ToList();
        // A recipe that would draw 2^28 values (1 GiB) and then fail its digest: refused for its shape, before any draw.
        var recipe = prototypes[0].Recipe!;
        prototypes[0] = prototypes[0] with { Recipe = recipe with { Shape = [1L << 14, 1L << 14] } };
        var e = Rejected(packed with { Prototypes = prototypes });
        Assert.Equal("Values: prototype 0 (source 'stem.conv') drawn shape", e.Location);
        Assert.Contains("declares [16384, 16384], the model built from its configuration needs [16, 1, 2, 2]", e.Message);
    }

    [Fact]
    public void ARecipeThatDrawsOtherValuesThanItsDigestIsRejected()
    {
        var packed = Packed("mask", seedStorage: true);
        var prototypes = packed.Prototypes.ToList();
        prototypes[2] = prototypes[2] with { Recipe = prototypes[2].Recipe! with { Seed = prototypes[2].Recipe!.Seed + 1 } };
        var e = Rejected(packed with { Prototypes = prototypes });
        Assert.StartsWith("Values: prototype 2", e.Location);
        Assert.Contains("SHA-256", e.Message);
    }
}
