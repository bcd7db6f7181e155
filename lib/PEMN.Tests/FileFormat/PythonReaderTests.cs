using System.Text.Json;
using System.Text.Json.Nodes;
using PEMN.Configuration;
using PEMN.FileFormat;
using PEMN.Masking;
using PEMN.Models;
using PEMN.Runs;
using PEMN.Runtime;
using PEMN.Strategies;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace PEMN.Tests.FileFormat;

/// <summary>
/// The second, independent reader of the format (python/pemn_reader/, numpy and torch, written from FileFormat.md) against
/// this one, on every committed .pemn (the test vectors and results/**/network.pemn) and on freshly packed ResNets and
/// ConvMixers of the strategies the committed files lack: every tensor it rebuilds (masked layers' W * M, sparse layers,
/// norms, heads) equals .NET's bit for bit, and the PyTorch model it builds gives .NET's logits within
/// <see cref="LogitTolerance"/>: in float64 always, and in float32 wherever float32 itself is that accurate. Files holding
/// values only libtorch's generator can draw are refused by it, entry by entry.
/// </summary>
/// <remarks>
/// Why float64 too: some committed sparse baselines are ill-conditioned (BatchNorm channels with running variance ~1e-29, whose
/// 1 / sqrt(var + eps) multiplies rounding by ~300 per layer; logits up to ~200), so float32 rounding alone moves their logits by
/// up to ~0.2 from float64, in either implementation, and two correct float32 implementations differ by as much. In float64 the
/// same weights give logits that agree to ~1e-12: that is the test of the reader. The float32 bound is 1e-5, or, where float32
/// is less accurate than that on a file, twice the larger of the two implementations' own float32-against-float64 errors.
/// </remarks>
public class PythonReaderTests(ITestOutputHelper output)
{
    /// <summary>
    /// Largest allowed |logit difference| (the issue's bound). Weights and inputs are identical, so only the order of
    /// floating-point sums inside libtorch's kernels (TorchSharp's libtorch against Debian's torch 1.13) differs.
    /// </summary>
    private const double LogitTolerance = 1e-5;

    /// <summary>Images per input batch: enough to see every class logit move, few enough to keep the test in seconds.</summary>
    private const long Batch = 4;

    /// <summary>The keys of the logits in the reader's .npz (pemn_reader/dump.py, LOGITS_KEY and LOGITS64_KEY).</summary>
    private const string LogitsKey = "@logits", Logits64Key = "@logits64";

    /// <summary>How much looser than float32's own error (against float64) the two float32 implementations may differ: one error each.</summary>
    private const double Float32ErrorFactor = 2;

    /// <summary>One file's logit differences: float32 and its bound, float64.</summary>
    private sealed record LogitDifference(double Float32, double Float32Bound, double Float64);

    /// <summary>Networks packed fresh for this test: the families and strategies no committed file holds (ResNet; MP with rescaling; RP rand on ResNet; non-affine norms; ReLU).</summary>
    /// <remarks>The last is packed with --seed-storage: its prototypes are recipes for libtorch's generator, which the Python reader refuses.</remarks>
    private static IEnumerable<(string Name, ExperimentConfig Config, bool SeedStorage)> Generated()
    {
        var resnet = ExperimentPresets.SmokeResNet;
        yield return ("resnet8-mask", resnet with { Strategy = new StrategyConfig(StrategyName.Mask) }, false);
        yield return ("resnet8-mp-rescale", resnet with { Strategy = new StrategyConfig(StrategyName.MaxLayerPadding, Rescale: true) }, false);
        yield return ("resnet8-rp-rand", resnet with { Strategy = new StrategyConfig(StrategyName.RandomVectorPadding, 0.01, PadMode.Rand) }, false);
        yield return ("resnet8w2-dense", resnet with { Strategy = new StrategyConfig(StrategyName.Dense), Model = resnet.Model with { WidthMultiplier = 2 } }, false);
        yield return ("resnet8-sparse-random", resnet with
        {
            Strategy = new StrategyConfig(StrategyName.SparseRandom), Masking = resnet.Masking with { KeepFraction = 0.1 },
        }, false);
        var smoke = ExperimentPresets.Smoke;
        yield return ("convmixer-one-layer-relu-nonaffine", smoke with
        {
            Strategy = new StrategyConfig(StrategyName.OneLayer),
            Model = smoke.Model with { Activation = Activation.Relu },
            Masking = smoke.Masking with { Norm = NormMode.NonAffine },
        }, false);
        yield return ("convmixer-mask-seed-storage", smoke, true);
    }

    [FactWhenPythonTorch]
    public void PythonReaderRebuildsEveryCommittedFileAndAgreesOnLogits()
    {
        var testStarted = DateTime.UtcNow;
        // Tensors this small run fastest on one thread, and a busy machine makes extra threads cost many times more.
        var threads = get_num_threads();
        set_num_threads(1);
        try
        {
            CompareAll(testStarted);
        }
        finally
        {
            set_num_threads(threads);
        }
    }

    private void CompareAll(DateTime testStarted)
    {
        var root = Repository.Find(AppContext.BaseDirectory);
        using var temp = new Data.TempFolder();
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Storage", "fixtures"), "*" + PemnFile.Extension)
            .Concat(Directory.GetFiles(Path.Combine(root, "results"), "*" + PemnFile.Extension, SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count > 3, $"no committed results/**/*.pemn under {root}");
        foreach (var (name, config, seedStorage) in Generated())
        {
            using var network = PemnNetwork.Build(config.Network);
            var path = Path.Combine(temp.Path, name + PemnFile.Extension);
            PemnFile.WriteFile(path, RunPacking.Pack(network, config, options: new PemnPackOptions { SeedStorage = seedStorage }));
            files.Add(path);
        }

        // One reader process for all files (torch is imported once); each file gets a fixed input of its model's shape.
        var manifest = new JsonArray();
        for (var i = 0; i < files.Count; i++)
        {
            string? input = null;
            if (InputShape(PemnFile.ReadFile(files[i])) is { } shape)
            {
                input = Path.Combine(temp.Path, $"{i}.input.npy");
                using var x = SmokeRuns.FixedInput(shape);
                Npy.Write(input, x.data<float>().ToArray(), x.shape);
            }
            manifest.Add(new JsonObject { ["file"] = files[i], ["input"] = input, ["output"] = Path.Combine(temp.Path, $"{i}.npz") });
        }
        var manifestPath = Path.Combine(temp.Path, "manifest.json");
        File.WriteAllText(manifestPath, manifest.ToJsonString());
        output.WriteLine($"packing and inputs: {(DateTime.UtcNow - testStarted).TotalSeconds:F1} s");
        var started = DateTime.UtcNow;
        var (code, log) = PythonTorch.RunReader("dump", manifestPath);
        Assert.True(code == 0, $"python3 -m pemn_reader dump exited {code}:\n{log}");
        output.WriteLine($"Python reader: {files.Count} files in {(DateTime.UtcNow - started).TotalSeconds:F1} s");

        var results = new List<(string File, LogitDifference Difference)>();
        var compareStarted = DateTime.UtcNow;
        for (var i = 0; i < files.Count; i++)
        {
            var difference = Compare(files[i], Path.Combine(temp.Path, $"{i}.npz"), Path.Combine(temp.Path, $"{i}.json"), Path.Combine(temp.Path, $"{i}.input.npy"));
            var relative = Path.GetRelativePath(root, files[i]);
            var shown = relative.StartsWith("..", StringComparison.Ordinal) || relative.Contains("/bin/", StringComparison.Ordinal) ? Path.GetFileName(files[i]) : relative;
            output.WriteLine(difference is { } d
                ? $"{shown}: largest |logit difference| float64 {d.Float64:E2}, float32 {d.Float32:E2}" + (d.Float32Bound > LogitTolerance ? $" (float32 alone is off by up to {d.Float32Bound / Float32ErrorFactor:E2} here)" : "")
                : $"{shown}: tensors identical; no logits (no run config, or values refused)");
            if (difference is { } dd) results.Add((shown, dd));
        }
        output.WriteLine($".NET side: {files.Count} files loaded and compared in {(DateTime.UtcNow - compareStarted).TotalSeconds:F1} s");
        var worst64 = results.MaxBy(r => r.Difference.Float64);
        var within = results.Where(r => r.Difference.Float32 <= LogitTolerance).ToList();
        var beyond = results.Where(r => r.Difference.Float32 > LogitTolerance).ToList();
        output.WriteLine($"largest |logit difference| over {results.Count} files: float64 {worst64.Difference.Float64:E2} ({worst64.File}); " +
            $"float32: {within.Count} files within {LogitTolerance:E0} (largest {within.Max(r => r.Difference.Float32):E2})" +
            (beyond.Count == 0 ? "" : $", {beyond.Count} ill-conditioned beyond it but within twice float32's own error " +
                $"(largest {beyond.Max(r => r.Difference.Float32):E2}, {beyond.MaxBy(r => r.Difference.Float32).File})"));
        foreach (var (file, d) in results)
        {
            Assert.True(d.Float64 <= LogitTolerance, $"{file}: float64 logits differ by {d.Float64:E2}, more than {LogitTolerance:E0}");
            Assert.True(d.Float32 <= d.Float32Bound, $"{file}: float32 logits differ by {d.Float32:E2}, more than {d.Float32Bound:E2}");
        }
        var compared = results.Count;
        Assert.True(compared >= files.Count(f => f.Contains("results", StringComparison.Ordinal)), "every committed run file has logits compared");
    }

    [FactWhenPythonTorch]
    public void PythonReaderRefusesValuesOnlyLibtorchCanDrawNamingThePrototypeAndTheRemedy()
    {
        // tiny.pemn's prototype 1 is a recipe for value generator 1 (torch.randn through TorchSharp): unspecified, so refused.
        var tiny = Path.Combine(AppContext.BaseDirectory, "Storage", "fixtures", "tiny.pemn");
        using var temp = new Data.TempFolder();
        var target = Path.Combine(temp.Path, "tiny.pt");
        var (code, log) = PythonTorch.RunReader("state-dict", tiny, "-o", target);
        Assert.Equal(4, code);
        Assert.Contains("prototype 1", log);
        Assert.Contains("value generator 1", log);
        Assert.Contains("without --seed-storage", log);
        Assert.False(File.Exists(target));
    }

    /// <summary>
    /// Checks one file's dump against .NET: every rebuilt tensor bit for bit, the entries refused exactly those that need
    /// libtorch's generator, and for a ConvMixer or ResNet run file the logits; returns the largest logit difference (null: no model).
    /// </summary>
    private static LogitDifference? Compare(string file, string npz, string reportPath, string inputPath)
    {
        var packed = PemnFile.ReadFile(file);
        var python = Npy.ReadArchive(npz);
        var report = JsonNode.Parse(File.ReadAllText(reportPath))!;
        var refused = report["refused"]!.AsObject().Select(e => e.Key).ToHashSet(StringComparer.Ordinal);

        for (var i = 0; i < packed.Layers.Count; i++)
        {
            var layer = packed.Layers[i];
            if (NeedsLibtorch(packed, layer))
            {
                Assert.Contains(layer.Path, refused);
                Assert.Contains("libtorch", report["refused"]![layer.Path]!.GetValue<string>());
                continue;
            }
            Assert.DoesNotContain(layer.Path, refused);
            var w = packed.LayerWeights(i);
            for (var j = 0; j < w.Length; j++) w[j] *= layer.Mask[j] ? 1f : 0f;
            AssertBits($"{file}: masked layer '{layer.Path}'", layer.Shape, w, python[layer.Path + ".weight"]);
        }
        foreach (var sparse in packed.SparseLayers)
            AssertBits($"{file}: sparse layer '{sparse.Path}'", sparse.Shape, sparse.Weights(), python[sparse.Path + ".weight"]);
        foreach (var t in packed.Tensors)
        {
            var got = python[t.Name];
            Assert.True(t.Shape.SequenceEqual(got.Shape), $"{file}: tensor '{t.Name}' shape [{string.Join(", ", got.Shape)}], expected [{string.Join(", ", t.Shape)}]");
            if (t.Float32 is { } f) AssertBits($"{file}: tensor '{t.Name}'", t.Shape, f, got);
            else Assert.Equal(t.Int64, got.Int64);
        }

        if (InputShape(packed) is not { } shape) return null;
        if (packed.Layers.Any(l => NeedsLibtorch(packed, l)))
        {
            Assert.False(python.ContainsKey(LogitsKey), $"{file}: logits from a network whose values were refused");
            return null;
        }
        var family = RunPacking.ConfigOf(packed).Experiment.Model.Name;
        Assert.True(python.ContainsKey(LogitsKey), $"{file}: the Python reader gave no logits for a {family} ({report["logits"]})");
        var (_, network) = RunPacking.Load(packed);
        using var _ = network;
        using var input = tensor(Npy.Read(File.ReadAllBytes(inputPath), inputPath).Float32!).reshape(shape);
        network.Model.eval();
        using var noGrad = no_grad();
        using var logits = network.Model.forward(input);
        var net32 = logits.contiguous().data<float>().Select(v => (double)v).ToArray();
        network.Model.to(ScalarType.Float64);
        using var input64 = input.to(ScalarType.Float64);
        using var logits64 = network.Model.forward(input64);
        var net64 = logits64.contiguous().data<double>().ToArray();
        var (py32, py64) = (python[LogitsKey], python[Logits64Key]);
        Assert.Equal(logits.shape, py32.Shape);
        Assert.Equal(logits.shape, py64.Shape);
        var py32d = py32.Float32!.Select(v => (double)v).ToArray();
        var ownError = Math.Max(MaxDifference(net32, net64), MaxDifference(py32d, py64.Float64!));
        return new LogitDifference(MaxDifference(net32, py32d), Math.Max(LogitTolerance, Float32ErrorFactor * ownError), MaxDifference(net64, py64.Float64!));
    }

    private static double MaxDifference(double[] a, double[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();

    /// <summary>Whether a layer's values come from a generator the format leaves to libtorch (value generators 1 and 2, permutation generator 2).</summary>
    private static bool NeedsLibtorch(PackedNetwork packed, PackedLayer layer) =>
        packed.Prototypes[layer.Prototype].Recipe is not null
        || packed.Permutations.Any(p => p.Prototype == layer.Prototype && p.Generator == PermutationGenerator.TorchRandperm);

    /// <summary>[Batch, channels, side, side] of a run file's ConvMixer or ResNet, or null (a test vector without a run config, or a ViT).</summary>
    private static long[]? InputShape(PackedNetwork packed)
    {
        ModelConfig model;
        try
        {
            model = RunPacking.ConfigOf(packed).Experiment.Model;
        }
        catch (PemnFileException)
        {
            return null;
        }
        return model.Name is ModelName.ConvMixer or ModelName.ResNet ? [Batch, model.InChannels, model.ImageSize, model.ImageSize] : null;
    }

    private static void AssertBits(string what, long[] shape, float[] expected, NpyArray got)
    {
        Assert.True(shape.SequenceEqual(got.Shape), $"{what}: shape [{string.Join(", ", got.Shape)}], expected [{string.Join(", ", shape)}]");
        Assert.True(got.Float32 is not null, $"{what}: not float32");
        for (var j = 0; j < expected.Length; j++)
            if (BitConverter.SingleToInt32Bits(expected[j]) != BitConverter.SingleToInt32Bits(got.Float32![j]))
                Assert.Fail($"{what}: entry {j} is {got.Float32[j]:R} in Python, {expected[j]:R} in .NET");
    }
}
