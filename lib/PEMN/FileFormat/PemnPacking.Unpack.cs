using PEMN.Masking;
using PEMN.Strategies;
using TorchSharp;
using static TorchSharp.torch;

namespace PEMN.FileFormat;

/// <summary>
/// Loading: a packed network checked against the network its spec builds (nothing drawn before the check passes),
/// then its values, masks and tensors written into it.
/// </summary>
public static partial class PemnPacking
{
    /// <summary>
    /// The working network <paramref name="packed"/> describes: <paramref name="spec"/> built on the CPU (<see cref="BuildForState"/>),
    /// checked against the packed network (<see cref="Check"/>), filled with its values, masks and tensors, then moved to <paramref name="device"/>.
    /// </summary>
    /// <exception cref="PemnFileException">The packed network does not fit the spec, or regenerated data does not match its digest.</exception>
    public static PemnNetwork Unpack(PackedNetwork packed, NetworkSpec spec, Device? device = null)
    {
        var network = BuildForState(spec);
        try
        {
            Check(packed, network);
            Fill(packed, network);
            if (device is not null) network.Model.to(device);
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Throws <see cref="PemnFileException"/> (<see cref="PemnFileError.InvalidField"/>, naming the section, the entry and the
    /// declared against the expected value) unless <paramref name="packed"/> describes exactly the masked layers, prototypes,
    /// permutations and tensors of <paramref name="built"/>. Nothing is drawn, tiled or permuted here.
    /// </summary>
    public static void Check(PackedNetwork packed, PemnNetwork built)
    {
        var spec = built.Spec;
        var masked = WeightLayers.Masked(built.Model);
        var strategy = built.Values;
        var label = spec.Strategy.Label();

        var kind = KindOf(spec);
        if (kind != PackedKind.Sparse)
            Expect("SparseLayers", "sparse layer count", packed.SparseLayers.Count, 0, $"a {label} network has no sparse layers");
        if (kind is PackedKind.Dense or PackedKind.Sparse)
        {
            var stores = kind == PackedKind.Dense ? "stores every weight as a tensor" : "stores trained values, no random ones";
            Expect("Values", "prototype count", packed.Prototypes.Count, 0, $"a {label} network {stores}");
            Expect("Layers", "layer count", packed.Layers.Count, 0, $"a {label} network has no masked layers");
            Expect("Permutations", "permutation count", packed.Permutations.Count, 0, $"a {label} network has no permutation");
        }
        if (kind == PackedKind.Sparse)
        {
            var sparse = WeightLayers.Sparse(built.Model);
            Expect("SparseLayers", "sparse layer count", packed.SparseLayers.Count, sparse.Count, "the model built from the configuration has that many conv and linear layers");
            for (var i = 0; i < sparse.Count; i++)
            {
                var (file, layer) = (packed.SparseLayers[i], sparse[i]);
                var where = $"sparse layer {i} ('{file.Path}')";
                if (file.Path != layer.Path) throw Mismatch("SparseLayers", $"sparse layer {i} path", $"'{file.Path}'", $"'{layer.Path}'", "layers are in the model's order");
                if (!file.Shape.SequenceEqual(layer.Shape)) throw Mismatch("SparseLayers", $"{where} shape", Shape(file.Shape), Shape(layer.Shape), "the model's weight shape");
                var kept = TopKMask.KeptCount(layer.Count, layer.Sparse!.KeepFraction);
                Expect("SparseLayers", $"{where} kept", file.Mask.CountOnes(), kept, $"q = {Float(layer.Sparse.KeepFraction)} keeps {kept} of {layer.Count}");
            }
        }
        if (kind == PackedKind.Masked)
        {
            Expect("Values", "prototype count", packed.Prototypes.Count, strategy.Prototypes.Count, $"{label} of this model keeps that many prototypes");
            var rp = spec.Strategy.Name == StrategyName.RandomVectorPadding;
            for (var p = 0; p < packed.Prototypes.Count; p++)
            {
                var (file, want) = (packed.Prototypes[p], strategy.Prototypes[p]);
                var where = $"prototype {p} (source '{want.SourcePath}')";
                Expect("Values", $"{where} length", file.Length, want.Values, $"{label} keeps {want.Values} values there");
                var tiled = rp ? want.SourceShape.Aggregate(1L, (a, b) => a * b) : want.Values;
                Expect("Values", $"{where} tiled length", file.TiledLength, tiled, rp ? "RP tiles the vector to the largest layer's size" : "only RP tiles");
                if (file.Recipe is { } recipe)
                {
                    if (!recipe.Shape.SequenceEqual(want.SourceShape))
                        throw Mismatch("Values", $"{where} drawn shape", Shape(recipe.Shape), Shape(want.SourceShape), "a recipe draws its source layer's shape");
                    Expect("Values", $"{where} value generator", (long)recipe.Generator, (long)ValueRegeneration.GeneratorOf(spec.Masking.WeightInit),
                        $"masking.weight_init is {spec.Masking.WeightInit}");
                }
            }

            Expect("Layers", "layer count", packed.Layers.Count, masked.Count, "the model built from the configuration has that many masked layers");
            for (var i = 0; i < masked.Count; i++)
            {
                var (file, layer, fill) = (packed.Layers[i], masked[i], strategy.Layers[i]);
                var where = $"layer {i} ('{file.Path}')";
                if (file.Path != layer.Path) throw Mismatch("Layers", $"layer {i} path", $"'{file.Path}'", $"'{layer.Path}'", "layers are in the model's order");
                if (!file.Shape.SequenceEqual(layer.Shape)) throw Mismatch("Layers", $"{where} shape", Shape(file.Shape), Shape(layer.Shape), "the model's weight shape");
                Expect("Layers", $"{where} prototype", file.Prototype, fill.PrototypeIndex, $"{label} fills it from that prototype");
                Expect("Layers", $"{where} offset", file.Offset, 0, "every strategy cuts a layer from the start of its vector");
                if (BitConverter.SingleToInt32Bits(file.Scale) != BitConverter.SingleToInt32Bits(fill.Scale))
                    throw Mismatch("Layers", $"{where} scale", Float(file.Scale), Float(fill.Scale), spec.Strategy.Rescale ? "the rescale factor of its shape" : "no rescaling");
                var kept = TopKMask.KeptCount(layer.Count, layer.Masked!.KeepFraction);
                Expect("Layers", $"{where} kept", file.Mask.CountOnes(), kept, $"k = {Float(layer.Masked.KeepFraction)} keeps {kept} of {layer.Count}");
            }

            var rand = rp && spec.Strategy.PadMode == PadMode.Rand;
            Expect("Permutations", "permutation count", packed.Permutations.Count, rand ? 1 : 0, rand ? "RP rand permutes its tiled vector" : "only RP rand permutes");
            // Its prototype index and length were checked against prototype 0's tiled length by the file's own rules.
        }

        var expected = OtherTensors(built.Model).ToDictionary(t => t.Name, t => t.Tensor, StringComparer.Ordinal);
        foreach (var tensor in packed.Tensors)
        {
            if (!expected.TryGetValue(tensor.Name, out var want))
                throw Mismatch("Tensors", $"tensor '{tensor.Name}'", "present", "absent", $"the model has no such parameter or buffer besides masked layers' weights and scores; it has {expected.Count}");
            if (!tensor.Shape.SequenceEqual(want.shape)) throw Mismatch("Tensors", $"tensor '{tensor.Name}' shape", Shape(tensor.Shape), Shape(want.shape), "the model's");
            if (tensor.DType != DTypeOf(want)) throw Mismatch("Tensors", $"tensor '{tensor.Name}' dtype", $"{tensor.DType}", $"{DTypeOf(want)}", "the model's");
        }
        var missing = expected.Keys.FirstOrDefault(name => packed.Tensors.All(t => t.Name != name));
        if (missing is not null)
            throw Mismatch("Tensors", $"tensor '{missing}'", "absent", "present", $"the model built from the configuration needs all {expected.Count} of its other tensors");
    }

    private static void Fill(PackedNetwork packed, PemnNetwork network)
    {
        using var noGrad = no_grad();
        var masked = WeightLayers.Masked(network.Model);
        // A prototype that several layers share is drawn once.
        var drawn = new Dictionary<PackedPrototype, float[]>(ReferenceEqualityComparer.Instance);
        float[] Draw(PackedPrototype p) => drawn.TryGetValue(p, out var v) ? v : drawn[p] = ValueRegeneration.Draw(p);
        for (var i = 0; i < masked.Count; i++)
        {
            var layer = masked[i].Masked!;
            float[] weights;
            try
            {
                weights = packed.LayerWeights(i, Draw, ValueRegeneration.Randperm);
            }
            catch (InvalidOperationException e)
            {
                throw new PemnFileException(PemnFileError.InvalidField, $"Values: prototype {packed.Layers[i].Prototype} of layer '{packed.Layers[i].Path}'", -1, e.Message);
            }
            using (var w = tensor(weights)) layer.SetWeight(w);
            using var scores = tensor(packed.Layers[i].Mask.ToValues()).reshape(layer.Scores.shape);
            layer.Scores.copy_(scores);
        }
        var sparse = WeightLayers.Sparse(network.Model);
        for (var i = 0; i < sparse.Count; i++)
        {
            var layer = sparse[i].Sparse!;
            var file = packed.SparseLayers[i];
            // Prune checks the mask against q again and zeroes the dropped weights; the kept ones are then the file's.
            using (var mask = tensor(file.Mask.ToValues()).reshape(layer.Weight.shape)) layer.Prune(mask);
            using var weights = tensor(file.Weights()).reshape(layer.Weight.shape);
            layer.Weight.copy_(weights);
        }
        var state = OtherTensors(network.Model).ToDictionary(t => t.Name, t => t.Tensor, StringComparer.Ordinal);
        foreach (var t in packed.Tensors)
        {
            using var values = t.Float32 is { } f ? tensor(f) : tensor(t.Int64!);
            state[t.Name].copy_(values.reshape(t.Shape));
        }
    }

    private static TensorDType? DTypeOf(Tensor t) => t.dtype switch
    {
        ScalarType.Float32 => TensorDType.Float32,
        ScalarType.Int64 => TensorDType.Int64,
        _ => null,
    };

    private static void Expect(string section, string field, long declared, long expected, string why)
    {
        if (declared != expected) throw Mismatch(section, field, $"{declared}", $"{expected}", why);
    }

    private static PemnFileException Mismatch(string section, string field, string declared, string expected, string why) =>
        new(PemnFileError.InvalidField, $"{section}: {field}", -1,
            $"the file declares {declared}, the model built from its configuration needs {expected} ({why})");

    private static string Shape(long[] shape) => $"[{string.Join(", ", shape)}]";

    private static string Float(double x) => x.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
