using PEMN.Configuration;
using PEMN.Models;
using PEMN.Runs;
using PEMN.Strategies;
using static TorchSharp.torch;

namespace PEMN.Tests.FileFormat;

/// <summary>
/// Smoke-trained runs (<see cref="ExperimentPresets.Smoke"/>, 1 epoch, <see cref="ExperimentRunner"/>) in one temporary
/// folder, one per case, trained on first use and shared by every test of the <see cref="SmokeRunsCollection"/>: the
/// packing, size and command tests read the same run folders instead of training each their own.
/// </summary>
public sealed class SmokeRuns : IDisposable
{
    /// <summary>
    /// Every strategy (RP at the smoke model's default ratio 0.1: 26 of the largest layer's 256 values), the rescaled
    /// forms, a ViT and a ResNet, whose other tensors (position embedding, class token; a deeper BN stack) and
    /// layer orders differ from ConvMixer's, and the three sparse baselines at q = <see cref="SparseKeep"/> (magnitude
    /// after training prunes the "dense" case, its parent).
    /// </summary>
    public static IReadOnlyDictionary<string, ExperimentConfig> Cases { get; } = new Dictionary<string, ExperimentConfig>
    {
        ["dense"] = Smoke(new StrategyConfig(StrategyName.Dense)),
        ["mask"] = Smoke(new StrategyConfig(StrategyName.Mask)),
        ["one_layer"] = Smoke(new StrategyConfig(StrategyName.OneLayer)),
        ["mp"] = Smoke(new StrategyConfig(StrategyName.MaxLayerPadding)),
        ["mp_rescale"] = Smoke(new StrategyConfig(StrategyName.MaxLayerPadding, Rescale: true)),
        ["rp_copy"] = Smoke(new StrategyConfig(StrategyName.RandomVectorPadding, 0.1, PadMode.Copy)),
        ["rp_rand"] = Smoke(new StrategyConfig(StrategyName.RandomVectorPadding, 0.1, PadMode.Rand)),
        ["rp_rand_rescale"] = Smoke(new StrategyConfig(StrategyName.RandomVectorPadding, 0.1, PadMode.Rand, Rescale: true)),
        ["vit_one_layer"] = Smoke(new StrategyConfig(StrategyName.OneLayer)) with
        {
            Model = new ModelConfig(ModelName.ViT, Dim: 16, Depth: 2, Patch: 2, InChannels: 1, ImageSize: 8, Classes: 4, Heads: 2),
        },
        ["resnet_rp_rand"] = Smoke(new StrategyConfig(StrategyName.RandomVectorPadding, 0.01, PadMode.Rand)) with
        {
            Model = new ModelConfig(ModelName.ResNet, Depth: 8, InChannels: 1, ImageSize: 8, Classes: 4),
        },
        ["sparse_random"] = Sparse(StrategyName.SparseRandom),
        ["sparse_magnitude"] = Sparse(StrategyName.SparseMagnitude),
        ["sparse_magnitude_trained"] = Sparse(StrategyName.SparseMagnitudeTrained),
    };

    /// <summary>
    /// q of the sparse cases: low enough that the context coder beats the bitmap on the larger layers (H(0.1) = 0.47 bits per
    /// position), so both codings of a sparse layer's positions are exercised.
    /// </summary>
    public const double SparseKeep = 0.1;

    /// <summary>The case names, for [MemberData].</summary>
    public static TheoryData<string> Names => [.. Cases.Keys];

    private readonly Dictionary<string, RunOutcome> trained = [];
    private readonly int threads = get_num_threads();

    /// <summary>The folder holding runs/ and runs.csv.</summary>
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "pemn-smoke-runs-" + Guid.NewGuid().ToString("N"));

    /// <summary>The complete run of case <paramref name="name"/> (trained now if it was not yet).</summary>
    public RunOutcome Get(string name)
    {
        if (!trained.TryGetValue(name, out var outcome))
        {
            // Magnitude pruning after training needs its parent dense run complete in the same folder first.
            if (ParentRun.ConfigOf(Cases[name]) is { } parent) new ExperimentRunner().Run(parent, Folder);
            trained[name] = outcome = new ExperimentRunner().Run(Cases[name], Folder);
        }
        return outcome;
    }

    /// <summary>The smoke preset as the sparse baseline <paramref name="name"/> at q = <see cref="SparseKeep"/>, one epoch.</summary>
    public static ExperimentConfig Sparse(StrategyName name) => Smoke(new StrategyConfig(name)) with
    {
        Masking = ExperimentPresets.Smoke.Masking with { KeepFraction = SparseKeep },
    };

    /// <summary>The smoke preset with <paramref name="strategy"/>, trained for one epoch.</summary>
    public static ExperimentConfig Smoke(StrategyConfig strategy) => ExperimentPresets.Smoke with
    {
        Strategy = strategy,
        Training = ExperimentPresets.Smoke.Training with { Epochs = 1 },
    };

    /// <summary>
    /// A fixed input of <paramref name="shape"/> from a formula, not a generator: the same numbers on every machine and
    /// libtorch, so committed expected outputs can refer to it. Values in [-2, 2], float32.
    /// </summary>
    public static Tensor FixedInput(params long[] shape)
    {
        var n = shape.Aggregate(1L, (a, b) => a * b);
        var values = new float[n];
        for (var i = 0; i < n; i++) values[i] = (float)(2 * Math.Sin(0.37 * i + 0.11 * (i % 7)));
        return tensor(values).reshape(shape);
    }

    /// <summary>The logits of <paramref name="model"/> for <paramref name="input"/> in eval mode, as float32 bit patterns.</summary>
    public static int[] LogitBits(nn.Module<Tensor, Tensor> model, Tensor input)
    {
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return model.forward(input).contiguous().data<float>().ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();
    }

    /// <summary>Removes the folder and restores the thread count (the smoke preset runs on one thread).</summary>
    public void Dispose()
    {
        set_num_threads(threads);
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
    }
}

/// <summary>Tests that share the <see cref="SmokeRuns"/>.</summary>
[CollectionDefinition(Name)]
public sealed class SmokeRunsCollection : ICollectionFixture<SmokeRuns>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "smoke runs";
}
