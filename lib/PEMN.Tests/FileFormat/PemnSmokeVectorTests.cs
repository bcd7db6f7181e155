using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using PEMN.Configuration;
using PEMN.FileFormat;
using PEMN.Masking;
using PEMN.Runs;
using PEMN.Strategies;
using static TorchSharp.torch;

namespace PEMN.Tests.FileFormat;

/// <summary>
/// The committed test vector of a trained network: fixtures/smoke-rp-rand.pemn, the smoke ConvMixer trained one epoch with
/// RP 1e-1 in rand mode with rescaling (tiling, a SplitMix64 permutation, non-trivial scales and BatchNorm state: most of
/// what a file can hold), and fixtures/smoke-rp-rand.expected.json, its expected outputs. The vector is regenerated on demand:
/// <c>PEMN_WRITE_FIXTURES=1 dotnet test lib/PEMN.Tests --filter PemnSmokeVector</c> trains <see cref="Recipe"/>, packs the run
/// and rewrites both files in the source tree (then commit them).
/// </summary>
public class PemnSmokeVectorTests
{
    /// <summary>The network of the vector.</summary>
    public static ExperimentConfig Recipe { get; } =
        SmokeRuns.Smoke(new StrategyConfig(StrategyName.RandomVectorPadding, 0.1, PadMode.Rand, Rescale: true));

    /// <summary>Batch of the fixed input (<see cref="SmokeRuns.FixedInput"/>): 4 images of 1 x 8 x 8.</summary>
    private static readonly long[] InputShape = [4, 1, 8, 8];

    /// <summary>
    /// How far the logits may be from the committed ones, relative to max(1, |logit|). On the machine that made the vector they
    /// agree bit for bit (checked when it is made); another CPU or libtorch may order a convolution's sums differently and
    /// change the last bits, but a wrong value, mask or statistic changes logits by far more than this.
    /// </summary>
    private const double Tolerance = 1e-5;

    private const string VectorName = "smoke-rp-rand";

    private static string Fixture(string extension) => Path.Combine(AppContext.BaseDirectory, "Storage", "fixtures", VectorName + extension);

    private static string SourceFixture(string extension, [CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, "fixtures", VectorName + extension);

    [Fact]
    public void CommittedVectorPredictsItsExpectedOutputs()
    {
        var bytes = File.ReadAllBytes(Fixture(".pemn"));
        var expected = JsonNode.Parse(File.ReadAllText(Fixture(".expected.json")))!;
        Assert.Equal(expected["file_sha256"]!.GetValue<string>(), Convert.ToHexStringLower(SHA256.HashData(bytes)));

        var (config, network) = RunPacking.Load(PemnFile.Read(bytes));
        using var _ = network;
        // The frozen weights and masks are pure arithmetic on the file (stored values, SplitMix64, float32 products): exact anywhere.
        var layers = expected["layers"]!.AsObject();
        var masked = WeightLayers.Masked(network.Model);
        Assert.Equal(layers.Select(l => l.Key), masked.Select(l => l.Path));
        foreach (var layer in masked)
        {
            Assert.Equal(layers[layer.Path]!["weights_sha256"]!.GetValue<string>(), WeightsDigest(layer));
            Assert.Equal(layers[layer.Path]!["mask_sha256"]!.GetValue<string>(), MaskDigest(layer));
        }

        Assert.Equal(InputShape, expected["input_shape"]!.AsArray().Select(d => d!.GetValue<long>()));
        using var input = SmokeRuns.FixedInput(InputShape);
        var logits = SmokeRuns.LogitBits(network.Model, input).Select(BitConverter.Int32BitsToSingle).ToArray();
        var want = expected["logits"]!.AsArray().SelectMany(row => row!.AsArray().Select(v => v!.GetValue<float>())).ToArray();
        Assert.Equal(want.Length, logits.Length);
        for (var i = 0; i < want.Length; i++)
            Assert.True(Math.Abs(logits[i] - want[i]) <= Tolerance * Math.Max(1, Math.Abs(want[i])), $"logit {i}: {logits[i]:R}, expected {want[i]:R}");
        Assert.Equal(expected["run_id"]!.GetValue<string>(), config.Run!.Id);
    }

    [Fact]
    public void CommittedVectorIsTheRecipesNetworkAndPacksBackToItself()
    {
        if (Environment.GetEnvironmentVariable("PEMN_WRITE_FIXTURES") == "1") MakeVector();
        var bytes = File.ReadAllBytes(Fixture(".pemn"));
        var (config, network) = RunPacking.Load(PemnFile.Read(bytes));
        using var _ = network;
        // Made from the recipe: a change of the recipe (or of the run id rule) without a new vector fails here.
        Assert.Equal(ExperimentJson.Canonical(Recipe), ExperimentJson.Canonical(config.Experiment));
        Assert.Equal(ExperimentJson.RunId(Recipe), config.Run!.Id);
        // The loaded network packs to the same bytes: the packer and the writer still produce this file.
        Assert.Equal(bytes, PemnFile.Write(RunPacking.Pack(network, config.Experiment, config.Run)));
        Assert.InRange(bytes.Length, 1_000, 8_000); // "a few KB"
    }

    /// <summary>Trains the recipe, packs it, checks the loaded network agrees bit for bit, and writes the vector and its expected outputs.</summary>
    private static void MakeVector()
    {
        var folder = Path.Combine(Path.GetTempPath(), "pemn-vector-" + Guid.NewGuid().ToString("N"));
        var threads = get_num_threads();
        try
        {
            var run = new ExperimentRunner().Run(Recipe, folder);
            var bytes = PemnFile.Write(RunPacking.PackRun(run.RunDirectory));
            var (_, trained) = RunPacking.LoadRun(run.RunDirectory);
            var (_, loaded) = RunPacking.Load(PemnFile.Read(bytes));
            using var a = trained;
            using var b = loaded;
            using var input = SmokeRuns.FixedInput(InputShape);
            var bits = SmokeRuns.LogitBits(loaded.Model, input);
            Assert.Equal(SmokeRuns.LogitBits(trained.Model, input), bits);

            var classes = Recipe.Model.Classes;
            var logits = new JsonArray();
            for (var row = 0; row < InputShape[0]; row++)
                logits.Add(new JsonArray(bits.Skip(row * (int)classes).Take((int)classes).Select(v => (JsonNode)JsonValue.Create(BitConverter.Int32BitsToSingle(v))).ToArray()));
            var layers = new JsonObject();
            foreach (var layer in WeightLayers.Masked(loaded.Model))
                layers[layer.Path] = new JsonObject { ["weights_sha256"] = WeightsDigest(layer), ["mask_sha256"] = MaskDigest(layer) };
            var expected = new JsonObject
            {
                ["about"] = $"Expected outputs of {VectorName}.pemn, made by PemnSmokeVectorTests (PEMN_WRITE_FIXTURES=1): the smoke preset, 1 epoch, RP 1e-1 rand rescaled.",
                ["file_sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)),
                ["run_id"] = run.RunId,
                ["final_test_accuracy"] = run.Metrics.FinalTestAccuracy,
                ["input"] = "x[i] = float32(2 sin(0.37 i + 0.11 (i mod 7))), i = 0, 1, ... in row-major order of input_shape",
                ["input_shape"] = new JsonArray(InputShape.Select(d => (JsonNode)JsonValue.Create(d)).ToArray()),
                ["logits"] = logits,
                ["layers_note"] = "SHA-256 of each masked layer's frozen weights (float32 LE, row-major) and of its mask (one byte per entry, 0 or 1)",
                ["layers"] = layers,
            };
            var text = expected.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
            foreach (var (path, content) in new[] { (SourceFixture(".pemn"), (object)bytes), (SourceFixture(".expected.json"), text), (Fixture(".pemn"), bytes), (Fixture(".expected.json"), text) })
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                if (content is byte[] raw) File.WriteAllBytes(path, raw); else File.WriteAllText(path, (string)content);
            }
        }
        finally
        {
            set_num_threads(threads);
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    private static string WeightsDigest(WeightLayer layer)
    {
        using var scope = NewDisposeScope();
        return Convert.ToHexStringLower(PemnDigest.Of(layer.Weight.contiguous().flatten().data<float>().ToArray()));
    }

    private static string MaskDigest(WeightLayer layer)
    {
        using var scope = NewDisposeScope();
        var mask = layer.Masked!.Mask().flatten().data<float>().ToArray().Select(v => v != 0 ? (byte)1 : (byte)0).ToArray();
        return Convert.ToHexStringLower(SHA256.HashData(mask));
    }
}
