using PEMN.FileFormat;
using PEMN.Runtime;

namespace PEMN.Tests.FileFormat;

/// <summary>Networks for the PEMN file tests: the committed fixture's content and a larger one with every field kind.</summary>
public static class PemnFileSamples
{
    /// <summary>A mask of <paramref name="n"/> entries keeping exactly <paramref name="kept"/> at uniformly random positions.</summary>
    public static MaskBits RandomMask(long n, long kept, Random rng)
    {
        var order = new int[n];
        for (var i = 0; i < n; i++) order[i] = i;
        // Partial Fisher-Yates: the first `kept` positions of a random permutation.
        for (var i = 0; i < kept; i++)
        {
            var j = rng.Next(i, (int)n);
            (order[i], order[j]) = (order[j], order[i]);
        }
        var bits = new bool[n];
        for (var i = 0; i < kept; i++) bits[order[i]] = true;
        return MaskBits.FromBools(bits);
    }

    /// <summary>A mask from a string of '0' and '1' (other characters ignored), entry 0 first.</summary>
    public static MaskBits Mask(string bits) => MaskBits.FromBools(bits.Where(c => c is '0' or '1').Select(c => c == '1').ToArray());

    /// <summary>Stand-in values for the fixture's regenerated prototype: the fixture tests the container, not libtorch.</summary>
    public static readonly float[] TinyRegeneratedStandIn = [0.5f, -0.25f, 1.5f, -1f, 0.125f, 2f];

    /// <summary>The content of fixtures/tiny.pemn, spelled out literally (FileFormat.md walks through its bytes).</summary>
    public static PackedNetwork Tiny()
    {
        var permutationDigest = PemnDigest.Of(SeededPermutation.Create(7, 160));
        return new PackedNetwork(
            """{"model":"tiny","strategy":"RP","r":0.03,"k":0.25}""",
            [
                PackedPrototype.Stored([0.5f, -1.25f, 2f, -0.75f, 1f], tiledLength: 160),
                PackedPrototype.Regenerated(
                    new RegenerationRecipe(ValueGenerator.TorchKaimingNormal, 42, [2, 3], PemnDigest.Of(TinyRegeneratedStandIn)), length: 6),
            ],
            [
                new PackedLayer("stem", [2, 1, 2, 2], 0, 0, 1f, Mask("1010 0110")),
                new PackedLayer("blocks.0.conv", [8, 4, 2, 2], 0, 0, 0.5f, Mask(
                    "0000000000000000 0000000000000000 0000000000000000 0000000000000000" +
                    "0000000000000000 0000000000000100 0000000000000000 0000000000000000")),
                new PackedLayer("head", [2, 3], 1, 0, 1f, Mask("101 011")),
            ],
            [new PackedPermutation(0, PermutationGenerator.SplitMix64FisherYates, 7, 160, permutationDigest)],
            [
                PackedTensor.Of("bn.weight", [2], [1f, 0.5f]),
                PackedTensor.Of("bn.running_var", [2], [0.25f, 4f]),
                PackedTensor.Of("bn.num_batches_tracked", [], [3L]),
            ]);
    }

    /// <summary>
    /// A larger network with every field kind: stored (tiled and plain) and regenerated prototypes, both permutation
    /// generators, masks that code either way (sparse, dense, all kept, none kept, odd sizes, rank 1 to 4), float32
    /// and int64 tensors of rank 0 to 2, an empty tensor and non-ASCII names.
    /// </summary>
    public static PackedNetwork Rich(int seed)
    {
        var rng = new Random(seed);
        float[] Gaussian(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        const int Largest = 16 * 8 * 3 * 3;
        var vector = Gaussian(12);
        var layers = new List<PackedLayer>
        {
            new("stem", [16, 8, 3, 3], 0, 0, 1f, RandomMask(Largest, Largest / 20, rng)),
            new("blocks.0.pointwise", [16, 16, 1, 1], 0, 0, 0.75f, RandomMask(256, 128, rng)),
            new("blocks.0.depthwise", [3, 1, 3, 3], 0, 100, 1.25f, RandomMask(27, 9, rng)),
            new("blocks.1.all", [10, 16], 1, 0, 1f, RandomMask(160, 160, rng)),
            new("blocks.1.none", [5, 5], 1, 160, 1f, RandomMask(25, 0, rng)),
            new("odd", [7], 2, 0, 2f, RandomMask(7, 3, rng)),
            new("blöck.β", [2, 3], 2, 1, 1f, RandomMask(6, 2, rng)),
        };
        return new PackedNetwork(
            """{"model":{"name":"ConvMixer","dim":16},"masking":{"k":0.05},"strategy":{"name":"RandomVectorPadding","ratio":0.01,"padMode":"Rand"},"note":"π ≈ 3.14"}""",
            [
                PackedPrototype.Stored(vector, tiledLength: Largest),
                PackedPrototype.Stored(Gaussian(185)),
                PackedPrototype.Regenerated(new RegenerationRecipe(ValueGenerator.TorchSignedConstant, 0xFEDCBA9876543210UL, [3, 3], PemnDigest.Of(Gaussian(8))), 8),
            ],
            layers,
            [
                new PackedPermutation(0, PermutationGenerator.SplitMix64FisherYates, 99, Largest, PemnDigest.Of(SeededPermutation.Create(99, Largest))),
                new PackedPermutation(2, PermutationGenerator.TorchRandperm, 5, 8, PemnDigest.Of(new long[] { 3, 1, 4, 0, 7, 5, 2, 6 })),
            ],
            [
                PackedTensor.Of("blocks.0.bn.weight", [16], Gaussian(16)),
                PackedTensor.Of("blocks.0.bn.bias", [16], Gaussian(16)),
                PackedTensor.Of("blocks.0.bn.running_mean", [16], Gaussian(16)),
                PackedTensor.Of("blocks.0.bn.running_var", [16], Gaussian(16).Select(Math.Abs).ToArray()),
                PackedTensor.Of("blocks.0.bn.num_batches_tracked", [], [123456789012L]),
                PackedTensor.Of("head.weight", [10, 16], Gaussian(160)),
                PackedTensor.Of("pos_embedding", [1, 4, 2], [float.NaN, float.PositiveInfinity, -0f, float.Epsilon, 1, 2, 3, 4]),
                PackedTensor.Of("empty", [0, 4], Array.Empty<float>()),
                PackedTensor.Of("indices", [3], [-1L, long.MaxValue, long.MinValue]),
            ]);
    }

    /// <summary>
    /// The content of fixtures/tiny-sparse.pemn, the version-2 test vector (FileFormat.md walks through its bytes): two sparse
    /// layers, one context-coded (3 of 128 kept) and one a bitmap, with their values, and one tensor.
    /// </summary>
    public static PackedNetwork TinySparse() => new(
        """{"model":"tiny","strategy":"sparse","q":0.03}""",
        [], [], [],
        [PackedTensor.Of("bn.weight", [2], [1f, 0.5f])],
        [
            new PackedSparseLayer("conv", [8, 4, 2, 2], Mask(
                "0000000000000000 0000001000000000 0000000000000000 0000000000000000" +
                "0000000000000000 0000000000000100 0000000000000000 1000000000000000"), [0.25f, -1.5f, 3f]),
            new PackedSparseLayer("head", [2, 3], Mask("100 001"), [-0.5f, 2f]),
        ]);

    /// <summary>
    /// <see cref="Rich"/> with sparse layers beside its masked layers (a version-2 file): sparse and dense masks, every entry
    /// kept, none kept, odd sizes, rank 1 to 4, special float values and a non-ASCII path.
    /// </summary>
    public static PackedNetwork RichSparse(int seed)
    {
        var rng = new Random(seed + 1_000);
        PackedSparseLayer Layer(string path, long[] shape, long kept, params float[] special)
        {
            var n = shape.Aggregate(1L, (a, b) => a * b);
            var values = Enumerable.Range(0, (int)kept).Select(i => i < special.Length ? special[i] : (float)(rng.NextDouble() * 2 - 1)).ToArray();
            return new PackedSparseLayer(path, shape, RandomMask(n, kept, rng), values);
        }
        return Rich(seed) with
        {
            SparseLayers =
            [
                Layer("sparse.stem", [16, 8, 3, 3], 58, float.NaN, float.NegativeInfinity, -0f, float.Epsilon),
                Layer("sparse.half", [16, 16, 1, 1], 128),
                Layer("sparse.all", [10, 16], 160),
                Layer("sparse.none", [5, 5], 0),
                Layer("sparse.odd", [7], 3),
                Layer("spärse.γ", [2, 3], 2),
            ],
        };
    }
}
