using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using PEMN.Configuration;
using PEMN.Runs;
using PEMN.Runtime;
using PEMN.Strategies;
using PEMN.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace PEMN.Tests.Training;

/// <summary>
/// Speed work must not change what training computes: a smoke run (2 epochs, masked and dense, one thread) and two
/// training steps of the quick ConvMixer on a fixed batch give the numbers recorded in fixtures/training-numerics.json:
/// every epoch's loss and accuracies, the final state_dict's SHA-256 and sum of magnitudes, the eval logits. A record is
/// bit-exact only on a machine of the same <see cref="NumericsIdentity"/> (processor numbers, dispatch flags, libtorch,
/// threads): there every number must match to the bit. On every machine, every record must hold within
/// <see cref="Tolerance"/>: the first record was made before the speed changes of issue 16 (NCHW, glibc), so a change that
/// computes something else than a reordering of sums fails here on any machine. The test output says which comparison
/// ran. Record this machine (then commit) with <c>PEMN_WRITE_FIXTURES=1 dotnet test lib/PEMN.Tests --filter TrainingNumerics</c>:
/// it adds or replaces the record of this identity and keeps the others.
/// </summary>
public class TrainingNumericsTests(ITestOutputHelper output) : IDisposable
{
    private const string FixtureName = "training-numerics.json";
    /// <summary>
    /// Relative tolerance of losses, sums and logits against a record of another machine (or of the same machine before a
    /// reordering of sums): channels-last on another processor generation moved them by 1e-7 against the first record; a wrong computation moves them by far more.
    /// </summary>
    public const double Tolerance = 1e-4;
    /// <summary>Test accuracies may differ by this many images of the 128-image smoke test split (a near tie flips).</summary>
    private const int AccuracyImages = 1;
    /// <summary>Images of the fixed quick batch: enough for BatchNorm statistics, small enough for a second.</summary>
    private const int QuickBatch = 16;
    /// <summary>Training steps on the fixed quick batch: the second one sees AdamW's moments.</summary>
    private const int QuickSteps = 2;
    /// <summary>Logits recorded of the quick batch's eval pass: its first two images.</summary>
    private const int LogitsRecorded = 20;
    /// <summary>The torch threads of every case (a record is exact at one thread count).</summary>
    private const int Threads = 1;

    private readonly int threads = get_num_threads();

    public void Dispose() => set_num_threads(threads);

    private static string Fixture() => Path.Combine(AppContext.BaseDirectory, "Training", "fixtures", FixtureName);

    private static string SourceFixture([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "fixtures", FixtureName);

    [Fact]
    public void TrainingComputesTheRecordedNumbers()
    {
        set_num_threads(Threads);
        var identity = Machine.Identity(Threads);
        var actual = Measure();
        var fixture = JsonNode.Parse(File.ReadAllText(Fixture()))!.AsObject();
        if (Environment.GetEnvironmentVariable("PEMN_WRITE_FIXTURES") == "1")
        {
            var text = WithRecord(fixture, identity, actual).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
            foreach (var path in new[] { SourceFixture(), Fixture() })
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, text);
            }
            fixture = JsonNode.Parse(text)!.AsObject();
        }
        var records = Records(fixture);
        var comparison = Comparison.Choose(records, identity);
        if (comparison.Exact is { } exact)
        {
            output.WriteLine($"exact comparison: this machine ({identity}) is the one that made record '{exact.Name}'.");
            AssertExact(exact, actual);
        }
        else
        {
            output.WriteLine($"no record of this machine ({identity}): exact comparison skipped.");
        }
        foreach (var record in records)
        {
            var largest = AssertWithinTolerance(record, actual);
            output.WriteLine($"tolerance comparison (relative {Tolerance:G}, test accuracy +-{AccuracyImages} image) against record '{record.Name}' " +
                $"({record.Identity?.ToString() ?? record.Machine}): passed, largest relative difference {largest:G3}.");
        }
    }

    [Fact]
    public void OnlyTheRecordingIdentityTakesTheExactComparison()
    {
        var records = Records(JsonNode.Parse(File.ReadAllText(Fixture()))!.AsObject());
        var recorded = records.First(r => r.Identity is not null);
        Assert.Same(recorded, Comparison.Choose(records, recorded.Identity!).Exact);
        // Another generation of the same vendor's processor, another stepping, one dispatch flag less, another thread count,
        // another libtorch: each takes the tolerance path.
        var others = new[]
        {
            recorded.Identity! with { Model = recorded.Identity.Model + 1 },
            recorded.Identity with { Stepping = recorded.Identity.Stepping + 1 },
            recorded.Identity with { Isa = string.Join(" ", recorded.Identity.Isa.Split(' ').SkipLast(1)) },
            recorded.Identity with { Threads = recorded.Identity.Threads + 1 },
            recorded.Identity with { Libtorch = "libtorch-cpu-linux-x64 0.0.0" },
        };
        foreach (var other in others) Assert.Null(Comparison.Choose(records, other).Exact);
    }

    [Fact]
    public void IdentityReadsTheNumbersThatDecideTheKernels()
    {
        const string cpuinfo = "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 1\nmodel name\t: AMD EPYC\nstepping\t: 1\n" +
            "flags\t\t: fpu sse4_2 avx avx2 fma avx512f avx512bw avx512_bf16 smap\n\nprocessor\t: 1\nvendor_id\t: GenuineIntel\ncpu family\t: 6\n";
        var identity = Machine.Identify(cpuinfo, "libtorch-cpu-linux-x64 2.10.0", 2);
        Assert.Equal(new NumericsIdentity("AuthenticAMD", 25, 1, 1, "sse4_2 avx fma avx2 avx512f avx512bw avx512_bf16", "libtorch-cpu-linux-x64 2.10.0", 2), identity);
        Assert.True(identity.HasNativeBf16);
        Assert.False((identity with { Isa = "avx2" }).HasNativeBf16);
        // The same model name on another generation is another identity.
        Assert.NotEqual(identity, Machine.Identify(cpuinfo.Replace("cpu family\t: 25", "cpu family\t: 26"), identity.Libtorch, 2));
    }

    /// <summary>One record of the fixture: the identity of the machine that made it (null when only its model name is known) and its cases.</summary>
    private sealed record Record(string Name, NumericsIdentity? Identity, string Machine, JsonObject Cases);

    /// <summary>Which record, if any, this machine can compare with exactly.</summary>
    private sealed record Comparison(Record? Exact)
    {
        public static Comparison Choose(IReadOnlyList<Record> records, NumericsIdentity identity) =>
            new(records.FirstOrDefault(r => r.Identity == identity));
    }

    private static List<Record> Records(JsonObject fixture) =>
        fixture["records"]!.AsArray().Select(r => new Record(
            r!["name"]!.GetValue<string>(),
            r["identity"] is JsonObject id ? id.Deserialize<NumericsIdentity>(IdentityJson) : null,
            r["machine"]!.GetValue<string>(),
            r["cases"]!.AsObject())).ToList();

    private static readonly JsonSerializerOptions IdentityJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The fixture with this machine's record added, or replacing the record of the same identity.</summary>
    private static JsonObject WithRecord(JsonObject fixture, NumericsIdentity identity, JsonObject cases)
    {
        var records = fixture["records"]!.AsArray();
        var record = new JsonObject
        {
            ["name"] = $"{identity.Vendor} family {identity.Family} model {identity.Model}, {DateTime.UtcNow:yyyy-MM-dd}",
            ["machine"] = Environment.MachineName,
            ["identity"] = JsonSerializer.SerializeToNode(identity, IdentityJson),
            ["cases"] = cases,
        };
        for (var i = 0; i < records.Count; i++)
            if (records[i]!["identity"] is JsonObject id && id.Deserialize<NumericsIdentity>(IdentityJson) == identity)
            {
                records[i] = record;
                return fixture;
            }
        records.Add(record);
        return fixture;
    }

    private static void AssertExact(Record record, JsonObject actual)
    {
        foreach (var (name, expected) in record.Cases)
            foreach (var (key, value) in expected!.AsObject())
                Assert.True(JsonNode.DeepEquals(value, actual[name]![key]),
                    $"{name}.{key} (exact, record '{record.Name}'): {actual[name]![key]?.ToJsonString()}, recorded {value?.ToJsonString()}");
    }

    /// <summary>Asserts every number of the record within tolerance; returns the largest relative difference of those compared by <see cref="Tolerance"/>.</summary>
    private static double AssertWithinTolerance(Record record, JsonObject actual)
    {
        var largest = 0.0;
        foreach (var (name, expected) in record.Cases)
            foreach (var (key, value) in expected!.AsObject())
            {
                var where = $"{name}.{key} (record '{record.Name}')";
                if (key.EndsWith("sha256", StringComparison.Ordinal)) continue; // digests hold only bit for bit
                var want = Numbers(value!);
                var have = Numbers(actual[name]![key]!);
                Assert.True(want.Length == have.Length, $"{where}: {have.Length} values, recorded {want.Length}");
                for (var i = 0; i < want.Length; i++)
                {
                    var allowed = key.Contains("test_accuracy", StringComparison.Ordinal)
                        ? AccuracyImages / (double)SmokeTestImages + 1e-12
                        : Tolerance * Math.Max(1, Math.Abs(want[i]));
                    Assert.True(Math.Abs(have[i] - want[i]) <= allowed, $"{where}[{i}]: {have[i]:R}, recorded {want[i]:R} (allowed difference {allowed:G3})");
                    if (!key.Contains("test_accuracy", StringComparison.Ordinal))
                        largest = Math.Max(largest, Math.Abs(have[i] - want[i]) / Math.Max(1, Math.Abs(want[i])));
                }
            }
        return largest;
    }

    private static double[] Numbers(JsonNode node) => node is JsonArray array
        ? array.Select(v => v!.GetValue<double>()).ToArray()
        : [node.GetValue<double>()];

    /// <summary>Test images of the smoke preset (its test split).</summary>
    private static int SmokeTestImages => ExperimentPresets.Smoke.Data.TestPerClass!.Value * (int)ExperimentPresets.Smoke.Model.Classes;

    /// <summary>Everything the record holds, computed now.</summary>
    private static JsonObject Measure()
    {
        var cases = new JsonObject();
        foreach (var strategy in new[] { StrategyName.Mask, StrategyName.Dense })
            cases[$"smoke_{PEMN.Runtime.Names.Of(strategy)}"] = SmokeRun(strategy);
        cases["quick_mask_steps"] = QuickSteps_();
        return cases;
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
            ["state_abs_sum"] = StateAbsSum(network.Model),
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
            Tensor output;
            // As the trainer steps: in the preset's precision and memory format.
            using (ComputeScope.Begin(config.Training.Precision, config.Training.MemoryFormat, CPU)) output = model.forward(images);
            var loss = nn.functional.cross_entropy(output, labels);
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
            ["state_abs_sum"] = StateAbsSum(model),
            ["eval_logits_sha256"] = Convert.ToHexStringLower(SHA256.HashData(logits.data<float>().ToArray().SelectMany(BitConverter.GetBytes).ToArray())),
            ["eval_logits"] = Numbers(logits.flatten().data<float>().ToArray().Take(LogitsRecorded).Select(v => (double)v)),
        };
    }

    private static JsonArray Numbers(IEnumerable<double> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());

    /// <summary>Sum of |value| over every floating-point state_dict tensor, in double: what the digest hashes, comparable within a tolerance.</summary>
    private static double StateAbsSum(nn.Module model) =>
        model.state_dict().Values.Where(t => t.is_floating_point()).Sum(t => { using var a = t.detach().abs().sum(ScalarType.Float64); return a.item<double>(); });

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
