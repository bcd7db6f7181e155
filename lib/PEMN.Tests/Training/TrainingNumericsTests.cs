using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using PEMN.Experiments;
using PEMN.Strategies;
using PEMN.Training;
using static TorchSharp.torch;

namespace PEMN.Tests.Training;

/// <summary>
/// Speed work must not change what training computes: a smoke run (2 epochs, masked and dense, one thread) and two
/// training steps of the quick ConvMixer on a fixed batch give exactly the numbers recorded in
/// fixtures/training-numerics.json: every epoch's loss and accuracies, the final state_dict's SHA-256, the eval logits'
/// bits. The record was made before the speed changes of issue 16, so a change that alters a single bit fails here.
/// Another CPU may order a convolution's sums differently: there the test compares accuracies exactly and losses within
/// a tolerance, and says so. Regenerate (then commit) with
/// <c>PEMN_WRITE_FIXTURES=1 dotnet test lib/PEMN.Tests --filter TrainingNumerics</c>.
/// </summary>
public class TrainingNumericsTests : IDisposable
{
    private const string FixtureName = "training-numerics.json";
    /// <summary>Relative tolerance of losses on a CPU other than the recording one (a wrong computation moves them by far more).</summary>
    private const double OtherCpuTolerance = 1e-4;
    /// <summary>Images of the fixed quick batch: enough for BatchNorm statistics, small enough for a second.</summary>
    private const int QuickBatch = 16;
    /// <summary>Training steps on the fixed quick batch: the second one sees AdamW's moments.</summary>
    private const int QuickSteps = 2;

    private readonly int threads = get_num_threads();
    private readonly string folder = Path.Combine(Path.GetTempPath(), "pemn-numerics-" + Guid.NewGuid().ToString("N"));

    public TrainingNumericsTests() => set_num_threads(1);

    public void Dispose()
    {
        set_num_threads(threads);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    private static string Fixture() => Path.Combine(AppContext.BaseDirectory, "Training", "fixtures", FixtureName);

    private static string SourceFixture([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "fixtures", FixtureName);

    /// <summary>The CPU's model name (from /proc/cpuinfo; "unknown" elsewhere): the record is exact on the CPU that made it.</summary>
    private static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown"
            : "unknown";

    [Fact]
    public void TrainingComputesExactlyTheRecordedNumbers()
    {
        var actual = Measure();
        if (Environment.GetEnvironmentVariable("PEMN_WRITE_FIXTURES") == "1")
        {
            var text = actual.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
            foreach (var path in new[] { SourceFixture(), Fixture() })
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, text);
            }
        }
        var expected = JsonNode.Parse(File.ReadAllText(Fixture()))!;
        var sameCpu = expected["cpu"]!.GetValue<string>() == CpuModel();
        foreach (var (name, record) in expected["cases"]!.AsObject())
        {
            var got = actual["cases"]![name]!;
            foreach (var (key, value) in record!.AsObject())
            {
                var where = $"{name}.{key} (recorded on {expected["cpu"]}; this CPU: {CpuModel()})";
                if (sameCpu || key.Contains("accuracy", StringComparison.Ordinal))
                    Assert.True(JsonNode.DeepEquals(value, got[key]), $"{where}: {got[key]?.ToJsonString()}, recorded {value?.ToJsonString()}");
                else if (key.Contains("loss", StringComparison.Ordinal))
                {
                    var want = value!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
                    var have = got[key]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
                    Assert.Equal(want.Length, have.Length);
                    for (var i = 0; i < want.Length; i++)
                        Assert.True(Math.Abs(have[i] - want[i]) <= OtherCpuTolerance * Math.Max(1, Math.Abs(want[i])), $"{where}[{i}]: {have[i]:R}, recorded {want[i]:R}");
                }
            }
        }
    }

    /// <summary>Everything the record holds, computed now.</summary>
    private JsonObject Measure()
    {
        var cases = new JsonObject();
        foreach (var strategy in new[] { StrategyName.Mask, StrategyName.Dense })
            cases[$"smoke_{PEMN.Runtime.Names.Of(strategy)}"] = SmokeRun(strategy);
        cases["quick_mask_steps"] = QuickSteps_();
        return new JsonObject
        {
            ["about"] = "What training computes, recorded before the speed changes of issue 16 (TrainingNumericsTests); one torch thread.",
            ["cpu"] = CpuModel(),
            ["cases"] = cases,
        };
    }

    /// <summary>The smoke preset for 2 epochs, as <see cref="ExperimentRunner"/> trains it (seeded data, network and global generator).</summary>
    private static JsonObject SmokeRun(StrategyName strategy)
    {
        var config = ExperimentPresets.Smoke with { Strategy = new StrategyConfig(strategy) };
        manual_seed(config.Training.Seed);
        var (train, test) = new ExperimentData().Load(config, CPU);
        using var _ = train as IDisposable;
        using var __ = test as IDisposable;
        using var network = PemnNetwork.Build(config.Network, CPU);
        var result = new Trainer(network.Model, config.Training, config.LrMax).Fit(train, test);
        return new JsonObject
        {
            ["train_loss"] = Numbers(result.History.Select(e => e.TrainLoss)),
            ["train_accuracy"] = Numbers(result.History.Select(e => e.TrainAccuracy)),
            ["test_accuracy"] = Numbers(result.History.Select(e => e.TestAccuracy)),
            ["state_sha256"] = StateDigest(network.Model),
        };
    }

    /// <summary>Two AdamW steps of the quick masked ConvMixer on a fixed batch, then its eval logits on the same batch.</summary>
    private static JsonObject QuickSteps_()
    {
        var config = ExperimentPresets.Quick;
        using var scope = NewDisposeScope();
        using var network = PemnNetwork.Build(config.Network, CPU);
        var model = network.Model;
        var generator = new Generator((ulong)config.Training.Seed);
        var images = randn([QuickBatch, config.Model.InChannels, config.Model.ImageSize, config.Model.ImageSize], generator: generator);
        var labels = randint(config.Model.Classes, [QuickBatch], generator: generator);
        using var optimizer = optim.AdamW(model.parameters().Where(p => p.requires_grad), config.LrMax, weight_decay: config.Training.WeightDecay);
        model.train();
        var losses = new List<double>();
        for (var step = 0; step < QuickSteps; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.forward(images), labels);
            losses.Add(loss.item<float>());
            loss.backward();
            optimizer.step();
        }
        model.eval();
        using var noGrad = no_grad();
        var logits = model.forward(images);
        return new JsonObject
        {
            ["train_loss"] = Numbers(losses),
            ["state_sha256"] = StateDigest(model),
            ["eval_logits_sha256"] = Convert.ToHexStringLower(SHA256.HashData(logits.data<float>().ToArray().SelectMany(BitConverter.GetBytes).ToArray())),
        };
    }

    private static JsonArray Numbers(IEnumerable<double> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());

    /// <summary>SHA-256 over every state_dict tensor (name, then float32/int64 bytes), in state_dict order.</summary>
    private static string StateDigest(nn.Module model)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, tensor) in model.state_dict())
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(name));
            using var flat = tensor.detach().cpu().contiguous();
            var bytes = flat.dtype switch
            {
                ScalarType.Float32 => flat.data<float>().ToArray().SelectMany(BitConverter.GetBytes).ToArray(),
                ScalarType.Int64 => flat.data<long>().ToArray().SelectMany(BitConverter.GetBytes).ToArray(),
                _ => throw new NotSupportedException($"{name}: {flat.dtype}"),
            };
            hash.AppendData(bytes);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
