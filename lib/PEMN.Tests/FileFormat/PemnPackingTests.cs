using PEMN.Configuration;
using PEMN.FileFormat;
using PEMN.Masking;
using PEMN.Runs;
using PEMN.Storage;
using PEMN.Strategies;

namespace PEMN.Tests.FileFormat;

/// <summary>
/// Round trips of smoke-trained networks through the PEMN file, one per strategy: the loaded network predicts bit for bit
/// what the trained one predicts, and the file's size is the storage accounting plus an overhead that is stated exactly.
/// </summary>
[Collection(SmokeRunsCollection.Name)]
public class PemnPackingTests(SmokeRuns runs)
{
    [Theory]
    [MemberData(nameof(SmokeRuns.Names), MemberType = typeof(SmokeRuns))]
    public void PackedRunLoadsAndPredictsBitForBitAsTheTrainedNetwork(string name)
    {
        var run = runs.Get(name);
        var (config, trained) = RunPacking.LoadRun(run.RunDirectory);
        using var _ = trained;
        var bytes = PemnFile.Write(RunPacking.PackRun(run.RunDirectory));

        var (packedConfig, loaded) = RunPacking.Load(PemnFile.Read(bytes));
        using var __ = loaded;
        Assert.Equal(ExperimentJson.Canonical(config), ExperimentJson.Canonical(packedConfig.Experiment));
        Assert.Equal(run.RunId, packedConfig.Run!.Id);
        Assert.Equal(run.Metrics.FinalTestAccuracy, packedConfig.Run.FinalTestAccuracy);

        using var input = SmokeRuns.FixedInput(16, config.Model.InChannels, config.Model.ImageSize, config.Model.ImageSize);
        Assert.Equal(SmokeRuns.LogitBits(trained.Model, input), SmokeRuns.LogitBits(loaded.Model, input));

        // The loaded state is the trained state but for the scores, which now hold the masks: same frozen weights, same masks,
        // same other tensors; so packing the loaded network gives the same file, byte for byte.
        Assert.True(StorageMeasurement.SameFrozenWeights(trained.Model, loaded.Model));
        foreach (var (a, b) in WeightLayers.Masked(trained.Model).Zip(WeightLayers.Masked(loaded.Model)))
        {
            using var ma = a.Masked!.Mask();
            using var mb = b.Masked!.Mask();
            Assert.True(ma.eq(mb).all().item<bool>(), a.Path);
        }
        Assert.Equal(bytes, PemnFile.Write(RunPacking.Pack(loaded, packedConfig.Experiment, packedConfig.Run)));
    }

    [Theory]
    [MemberData(nameof(SmokeRuns.Names), MemberType = typeof(SmokeRuns))]
    public void FileSizeIsTheAccountingPlusAStatedOverhead(string name)
    {
        var run = runs.Get(name);
        var packed = RunPacking.PackRun(run.RunDirectory);
        var bytes = PemnFile.Write(packed);
        var report = PemnFileReport.Of(bytes);
        var config = RunPacking.ConfigOf(packed).Experiment;
        var accounting = StorageMeasurement.Run(config.Network);
        long Bits(PemnFilePart part) => 8 * report.Parts[part];

        Assert.Equal(bytes.LongLength, report.Parts.Values.Sum());
        // What the accounting prices, the file holds at the same 32 bits per value.
        // RP rand's permutation: the accounting prices its 64-bit seed, the file spends 56 bytes on it (counted below).
        Assert.Equal(accounting.PrototypeBits, Bits(PemnFilePart.Values) + StorageReport.SeedBits * packed.Permutations.Count);
        Assert.Equal(accounting.DenseLayerBits + accounting.OtherBits, Bits(PemnFilePart.TrainedTensors));
        Assert.Equal(accounting.RunningStatsBits, Bits(PemnFilePart.RunningStatistics));
        // Masks: a bitmap is the accounting's 1 bit per weight padded to whole bytes; a context-coded mask is shorter than that bitmap.
        // A sparse layer's positions are a mask too, which the accounting prices in narrow CSR instead (on these tiny layers the two
        // are close, either may be smaller): what holds is the bitmap bound.
        var sparse = packed.SparseLayers.Count > 0;
        Assert.Equal(sparse ? PemnLayerForm.Sparse : PemnLayerForm.Masked, Assert.Single(report.Masks.Select(m => m.Form).Distinct().DefaultIfEmpty(PemnLayerForm.Masked)));
        foreach (var mask in report.Masks)
        {
            var bitmap = MaskBits.PackedBytes(mask.Entries);
            if (mask.Coding == MaskCoding.Bitmap) Assert.Equal(bitmap, mask.Bytes);
            else Assert.True(mask.Bytes < bitmap, mask.Path);
        }
        if (sparse) Assert.InRange(Bits(PemnFilePart.Masks), 0, 8 * report.Masks.Sum(m => MaskBits.PackedBytes(m.Entries)));
        else Assert.InRange(Bits(PemnFilePart.Masks), 0, accounting.MaskBits + 7L * packed.Layers.Count);

        // The overhead, stated: a container of 24 header bytes, 20 per section in the table of contents (5 sections; 6 in version 2)
        // and a 32-byte SHA-256; the configuration JSON; every name with its 2-byte length; descriptors of 4 bytes per table count,
        // 17 per stored prototype (source, length, tiled length), 34 + 8 rank per layer (rank, shape, prototype, offset, scale, kept,
        // coding, payload length), 18 + 8 rank per sparse layer (rank, shape, kept, coding, payload length) and 2 + 8 rank per tensor
        // (dtype, rank, shape); 8 bytes per int64 counter; 56 per permutation. Nothing else is in a file.
        var sections = sparse ? 6 : 5;
        Assert.Equal(24 + 20 * sections + 32, report.Parts[PemnFilePart.Container]);
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(packed.ConfigJson), report.Parts[PemnFilePart.Config]);
        Assert.Equal(packed.Layers.Sum(l => 2 + Utf8(l.Path)) + packed.SparseLayers.Sum(l => 2 + Utf8(l.Path)) + packed.Tensors.Sum(t => 2 + Utf8(t.Name)),
            report.Parts[PemnFilePart.Names]);
        Assert.Equal(4 * (sections - 1) + 17 * packed.Prototypes.Count + packed.Layers.Sum(l => 34 + 8 * l.Shape.Length)
            + packed.SparseLayers.Sum(l => 18 + 8 * l.Shape.Length) + packed.Tensors.Sum(t => 2 + 8 * t.Shape.Length),
            report.Parts[PemnFilePart.Descriptors]);
        Assert.Equal(8 * packed.Tensors.Where(t => t.DType == TensorDType.Int64).Sum(t => t.DataLength), report.Parts[PemnFilePart.Counters]);
        Assert.Equal(56 * packed.Permutations.Count, report.Parts[PemnFilePart.Permutations]);
        Assert.Equal(name.StartsWith("rp_rand", StringComparison.Ordinal) || name.EndsWith("rp_rand", StringComparison.Ordinal) ? 1 : 0, packed.Permutations.Count);

        // So the file is the accounting's inference bits plus that overhead (the permutation's 56 bytes in place of the
        // accounting's 8-byte seed), up to the masks' padding and coding.
        var overhead = report.OverheadBytes + report.Parts[PemnFilePart.Counters] + report.Parts[PemnFilePart.Permutations]
            - StorageReport.SeedBits / 8 * packed.Permutations.Count;
        var maskDifference = report.Parts[PemnFilePart.Masks] - accounting.MaskBits / 8.0;
        Assert.Equal(accounting.InferenceBits / 8.0 + overhead + maskDifference, bytes.LongLength, 9);
        var comparison = report.Compare(accounting);
        Assert.Equal((accounting.InferenceBits, 8 * bytes.LongLength), (comparison[^1].AccountingBits, comparison[^1].FileBits));
        Assert.Equal(comparison[^1].FileBits, comparison.SkipLast(1).Sum(r => r.FileBits));
    }

    [Fact]
    public void ASignedConstantFilesValuesAreNotCalledTheAccountingsBitsInBoth()
    {
        // Found by PackProperties (shrunk: a ConvMixer-7/1 with kernel 1, Mask, signed constants): the accounting prices a
        // signed-constant value at 1 bit, its sign, while the file stores a float32, yet the comparison said "32 bits per unique
        // value in both".
        var config = ExperimentPresets.Smoke with { Masking = ExperimentPresets.Smoke.Masking with { WeightInit = WeightInit.SignedConstant } };
        using var network = PemnNetwork.Build(config.Network);
        var report = PemnFileReport.Of(PemnFile.Write(RunPacking.Pack(network, config)));
        var accounting = StorageMeasurement.Run(config.Network);
        var values = report.Compare(accounting)[0];
        Assert.Equal(StorageReport.SignBits * accounting.UniqueValues, values.AccountingBits);
        Assert.Equal(StorageReport.FloatBits * accounting.UniqueValues, values.FileBits);
        Assert.DoesNotContain("in both", values.Why, StringComparison.Ordinal);
        Assert.Contains("1 bit per unique value", values.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void DenseIsAPlainStoredNetworkOfEveryWeight()
    {
        var packed = RunPacking.PackRun(runs.Get("dense").RunDirectory);
        Assert.Empty(packed.Prototypes);
        Assert.Empty(packed.Layers);
        Assert.Empty(packed.Permutations);
        using var built = PemnNetwork.Build(SmokeRuns.Cases["dense"].Network);
        var weights = WeightLayers.Of(built.Model);
        Assert.NotEmpty(weights);
        foreach (var layer in weights)
            Assert.Contains(packed.Tensors, t => t.Name == layer.Path + ".weight" && t.Shape.SequenceEqual(layer.Shape) && t.DType == TensorDType.Float32);
    }

    [Theory]
    [InlineData("sparse_random")]
    [InlineData("sparse_magnitude")]
    [InlineData("sparse_magnitude_trained")]
    public void ASparseBaselineIsAVersion2FileOfItsKeptWeightsAndPositions(string name)
    {
        var run = runs.Get(name);
        var (config, trained) = RunPacking.LoadRun(run.RunDirectory);
        using var _ = trained;
        var packed = RunPacking.PackRun(run.RunDirectory);
        var bytes = PemnFile.Write(packed);
        Assert.Equal(PemnFile.Version2, PemnFile.ReadWithLayout(bytes).Layout.Version);
        Assert.Equal(PackedKind.Sparse, RunPacking.ConfigOf(packed).Kind);
        Assert.Empty(packed.Prototypes);
        Assert.Empty(packed.Layers);

        // One sparse layer per conv and linear layer, keeping q of it; its values are the trained weights at the kept entries.
        var layers = WeightLayers.Of(trained.Model);
        Assert.Equal(layers.Select(l => l.Path), packed.SparseLayers.Select(l => l.Path));
        foreach (var (layer, file) in layers.Zip(packed.SparseLayers))
        {
            Assert.Equal(TopKMask.KeptCount(layer.Count, SmokeRuns.SparseKeep), file.Mask.CountOnes());
            using var effective = layer.Sparse!.EffectiveWeight();
            using var flat = effective.detach().flatten();
            Assert.Equal(flat.data<float>().ToArray(), file.Weights());
        }
        // The weights and keep masks are not other tensors: the file holds them once, as sparse layers.
        Assert.DoesNotContain(packed.Tensors, t => t.Name.EndsWith(".weight", StringComparison.Ordinal) && layers.Any(l => t.Name == l.Path + ".weight"));
        Assert.DoesNotContain(packed.Tensors, t => t.Name.EndsWith("." + SparseLayer.KeepMaskName, StringComparison.Ordinal));

        // Loaded from the file alone (magnitude after training too: no parent run is read), the keep masks are the trained ones.
        var (_, loaded) = RunPacking.Load(PemnFile.Read(bytes));
        using var __ = loaded;
        foreach (var (a, b) in WeightLayers.Of(trained.Model).Zip(WeightLayers.Of(loaded.Model)))
            Assert.True(a.Sparse!.KeepMask.eq(b.Sparse!.KeepMask).all().item<bool>(), a.Path);
    }

    [Fact]
    public void ASparseFileOfAnotherQIsRefusedNamingTheLayerAndTheKeptCount()
    {
        var packed = RunPacking.PackRun(runs.Get("sparse_random").RunDirectory);
        var config = RunPacking.ConfigOf(packed);
        var other = config.Experiment with { Masking = config.Experiment.Masking with { KeepFraction = 0.2 } };
        var forged = packed with { ConfigJson = RunPacking.ConfigJson(other, config.Run) };
        var error = Assert.Throws<PemnFileException>(() => RunPacking.Load(PemnFile.Read(PemnFile.Write(forged))));
        Assert.Equal(PemnFileError.InvalidField, error.Reason);
        Assert.Contains("sparse layer 0 ('stem.conv') kept", error.Message);
        Assert.Contains("q = 0.2 keeps", error.Message);
    }

    [Theory]
    [InlineData("mask")]
    [InlineData("rp_rand_rescale")]
    [InlineData("resnet_rp_rand")]
    [InlineData("vit_one_layer")]
    public void SeedStorageStoresRecipesThatRegenerateBitForBit(string name)
    {
        var run = runs.Get(name);
        var stored = RunPacking.PackRun(run.RunDirectory);
        var seeded = RunPacking.PackRun(run.RunDirectory, new PemnPackOptions(SeedStorage: true));
        // Every prototype regenerates on this machine (the packer drew each again and compared it bit for bit).
        Assert.All(seeded.Prototypes, p => Assert.Equal(PrototypeSource.Regenerated, p.Source));
        var (storedBytes, seededBytes) = (PemnFile.Write(stored), PemnFile.Write(seeded));
        Assert.True(seededBytes.Length < storedBytes.Length, $"{seededBytes.Length} vs {storedBytes.Length} bytes");

        var (_, fromStored) = RunPacking.Load(PemnFile.Read(storedBytes));
        var (_, fromSeeded) = RunPacking.Load(PemnFile.Read(seededBytes));
        using var a = fromStored;
        using var b = fromSeeded;
        var model = SmokeRuns.Cases[name].Model;
        using var input = SmokeRuns.FixedInput(8, model.InChannels, model.ImageSize, model.ImageSize);
        Assert.Equal(SmokeRuns.LogitBits(a.Model, input), SmokeRuns.LogitBits(b.Model, input));
    }

    [Fact]
    public void SeedStorageKeepsAPrototypeStoredWhenItsDrawDoesNotReproduceIt()
    {
        var (config, network) = RunPacking.LoadRun(runs.Get("mask").RunDirectory);
        using var _ = network;
        // Layer 1 no longer holds its draw (halving is exact in float32): it must stay stored, the others regenerate.
        var layer = WeightLayers.Masked(network.Model)[1].Masked!;
        using (var halved = layer.Weight.mul(0.5f)) layer.SetWeight(halved);
        var packed = RunPacking.Pack(network, config, options: new PemnPackOptions(SeedStorage: true));
        Assert.Equal(PrototypeSource.Stored, packed.Prototypes[1].Source);
        Assert.All(packed.Prototypes.Where((_, i) => i != 1), p => Assert.Equal(PrototypeSource.Regenerated, p.Source));
        // Stored and regenerated prototypes together rebuild the network's (altered) weights.
        var (_, loaded) = RunPacking.Load(PemnFile.Read(PemnFile.Write(packed)));
        using var __ = loaded;
        Assert.True(StorageMeasurement.SameFrozenWeights(network.Model, loaded.Model));
    }

    [Fact]
    public void PackingRefusesANetworkWhoseWeightsAreNotItsStrategys()
    {
        var (config, network) = RunPacking.LoadRun(runs.Get("mp").RunDirectory);
        using var _ = network;
        // Under MP every layer is cut from the largest: change one weight of a smaller layer and it no longer is.
        var stem = WeightLayers.Masked(network.Model)[0].Masked!;
        using (var changed = stem.Weight.clone())
        {
            using (var first = changed.view(-1)[0]) first.add_(1f);
            stem.SetWeight(changed);
        }
        var e = Assert.Throws<InvalidOperationException>(() => RunPacking.Pack(network, config));
        Assert.Contains("stem.conv", e.Message);
        Assert.Contains("not what MP makes of prototype 0", e.Message);
    }

    private static int Utf8(string s) => System.Text.Encoding.UTF8.GetByteCount(s);
}
