using System.Text.Json;
using PEMN.Cli;
using PEMN.Configuration;
using PEMN.FileFormat;
using PEMN.Runs;
using PEMN.Strategies;
using PEMN.Tests.Cli;

namespace PEMN.Tests.FileFormat;

/// <summary><c>pemn pack</c>, <c>info</c>, <c>eval</c> and <c>unpack</c> on smoke runs, in-process through <see cref="PemnHarness"/>.</summary>
[Collection(SmokeRunsCollection.Name)]
public sealed class PemnFileCommandTests(SmokeRuns runs) : IDisposable
{
    private readonly string folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "pemn-file-cli-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static (int Code, string Out, string Error) Pemn(params string[] args) => PemnHarness.Run(args);

    private string Pack(string name)
    {
        var file = Path.Combine(folder, name + PemnFile.Extension);
        // With a trailing separator, as shells complete folder names: the run id must survive it.
        var (code, _, error) = Pemn("pack", runs.Get(name).RunDirectory + Path.DirectorySeparatorChar, "-o", file);
        Assert.True(code == ExitCodes.Ok, error);
        return file;
    }

    [Fact]
    public void PackWritesTheFileAndRefusesToOverwriteItWithoutForce()
    {
        var run = runs.Get("rp_rand");
        var file = Path.Combine(folder, "rp.pemn");
        var (code, output, error) = Pemn("pack", run.RunDirectory, "-o", file);
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains($"wrote {file}", output);
        Assert.Equal(PemnFile.Write(RunPacking.PackRun(run.RunDirectory)), File.ReadAllBytes(file));

        File.WriteAllText(file, "keep me");
        (code, output, error) = Pemn("pack", run.RunDirectory, "--output", file);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--output", error);
        Assert.Contains("--force", error);
        Assert.Equal("keep me", File.ReadAllText(file)); // untouched
        Assert.Equal("", output);

        (code, _, error) = Pemn("pack", run.RunDirectory, "-o", file, "--force");
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Equal(PemnFile.Write(RunPacking.PackRun(run.RunDirectory)), File.ReadAllBytes(file));
    }

    [Fact]
    public void PackingAnIncompleteRunIsAUsageErrorNamingTheFolder()
    {
        // A copy of a complete run without metrics.json: what an interrupted run leaves.
        var source = runs.Get("mask").RunDirectory;
        var partial = Directory.CreateDirectory(Path.Combine(folder, "partial-run")).FullName;
        foreach (var path in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(partial, Path.GetRelativePath(source, path));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(path, target);
        }
        File.Delete(Path.Combine(partial, ExperimentRunner.MetricsFile));
        var file = Path.Combine(folder, "partial.pemn");
        var (code, output, error) = Pemn("pack", partial, "-o", file);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains($"RUN_DIR: '{partial}' is not a complete run", error);
        Assert.Contains(ExperimentRunner.MetricsFile, error);
        Assert.False(File.Exists(file));
        Assert.Equal("", output);

        (code, _, error) = Pemn("pack", Path.Combine(folder, "nowhere"), "-o", file);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("is not a folder", error);
    }

    [Fact]
    public void InfoJsonGivesSectionsMasksAndTheAccounting()
    {
        var file = Pack("rp_copy");
        var (code, output, error) = Pemn("info", file, "--json");
        Assert.True(code == ExitCodes.Ok, error);
        using var json = JsonDocument.Parse(output);
        var r = json.RootElement;
        var report = PemnFileReport.Of(File.ReadAllBytes(file));
        Assert.Equal(new FileInfo(file).Length, r.GetProperty("bytes").GetInt64());
        Assert.Equal(report.Checksum, r.GetProperty("checksum").GetString());
        Assert.Equal(Convert.ToHexStringLower(File.ReadAllBytes(file)[^32..]), report.Checksum);
        Assert.Equal("random_vector_padding", r.GetProperty("strategy").GetString());
        Assert.Equal("RP 1e-1", r.GetProperty("label").GetString());
        Assert.Equal("masked", r.GetProperty("kind").GetString());
        Assert.Equal("synthetic", r.GetProperty("dataset").GetString());
        Assert.Equal(0.5, r.GetProperty("keep_fraction").GetDouble());
        Assert.Equal(runs.Get("rp_copy").RunId, r.GetProperty("run").GetProperty("id").GetString());
        // RP 1e-1 of a largest layer of 256: floor(25.6) + 1 = 26 values, tiled to 256.
        Assert.Equal(26, r.GetProperty("unique_values").GetInt64());
        var prototype = Assert.Single(r.GetProperty("prototypes").EnumerateArray());
        Assert.Equal(256, prototype.GetProperty("tiled_length").GetInt64());
        Assert.Empty(r.GetProperty("permutations").EnumerateArray());

        // Sections cover the file; parts add up to it.
        var sections = r.GetProperty("sections").EnumerateArray().ToList();
        Assert.Equal(["header+toc", "config", "values", "layers", "permutations", "tensors", "checksum"], sections.Select(s => s.GetProperty("kind").GetString()));
        Assert.Equal(new FileInfo(file).Length, sections.Sum(s => s.GetProperty("bytes").GetInt64()));
        Assert.Equal(new FileInfo(file).Length, r.GetProperty("parts").EnumerateObject().Sum(p => p.Value.GetInt64()));

        // Masks: one per masked layer of the smoke ConvMixer (stem, 2 x depthwise + pointwise, head), bits per weight from payload bytes.
        var masks = r.GetProperty("masks").EnumerateArray().ToList();
        Assert.Equal(["stem.conv", "blocks.0.depthwise", "blocks.0.pointwise", "blocks.1.depthwise", "blocks.1.pointwise", "head"], masks.Select(m => m.GetProperty("path").GetString()));
        Assert.Equal(928, r.GetProperty("mask_entries").GetInt64());
        foreach (var m in masks)
        {
            Assert.Equal(8.0 * m.GetProperty("bytes").GetInt64() / m.GetProperty("entries").GetInt64(), m.GetProperty("bits_per_weight").GetDouble(), 12);
            Assert.Equal(1.0, m.GetProperty("entropy_bits_per_weight").GetDouble(), 12); // k = 0.5 exactly
        }
        Assert.Equal(8.0 * masks.Sum(m => m.GetProperty("bytes").GetInt64()) / 928, r.GetProperty("mask_bits_per_weight").GetDouble(), 12);

        // The accounting rows: values agree to the bit, the total is the accounting's inference bits against the file.
        var accounting = r.GetProperty("accounting").EnumerateArray().ToDictionary(a => a.GetProperty("part").GetString()!);
        Assert.Equal(26 * 32, accounting["values (C_w)"].GetProperty("accounting_bits").GetInt64()); // RP copy: no permutation seed
        Assert.Equal(26 * 32, accounting["values (C_w)"].GetProperty("file_bits").GetInt64());
        Assert.Equal(928, accounting["masks (C_m)"].GetProperty("accounting_bits").GetInt64());
        Assert.Equal(8 * new FileInfo(file).Length, accounting["total"].GetProperty("file_bits").GetInt64());
    }

    [Fact]
    public void InfoTextAndAFileThatIsNotAnExperiments()
    {
        var (code, output, error) = Pemn("info", Pack("mp"));
        Assert.True(code == ExitCodes.Ok, error);
        foreach (var line in new[] { "strategy        MP (max_layer_padding)", "bits/weight", "file vs accounting", "values (C_w)" })
            Assert.Contains(line, output);

        // The format's own test vector has a hand-made configuration: described, without experiment or accounting.
        var tiny = Path.Combine(AppContext.BaseDirectory, "Storage", "fixtures", "tiny.pemn");
        (code, output, error) = Pemn("info", tiny, "--json");
        Assert.True(code == ExitCodes.Ok, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("accounting").ValueKind);
        Assert.Contains("kind", json.RootElement.GetProperty("config_error").GetString());
        Assert.Equal(3, json.RootElement.GetProperty("masks").GetArrayLength());
    }

    [Fact]
    public void InfoOfASparseFileGivesBitsPerKeptValueAndPerPosition()
    {
        var file = Pack("sparse_magnitude");
        var (code, output, error) = Pemn("info", file, "--json");
        Assert.True(code == ExitCodes.Ok, error);
        using var json = JsonDocument.Parse(output);
        var r = json.RootElement;
        Assert.Equal((2, "sparse", 0.1), (r.GetProperty("version").GetInt32(), r.GetProperty("kind").GetString(), r.GetProperty("keep_fraction").GetDouble()));
        Assert.Equal("sparse_layers", r.GetProperty("sections").EnumerateArray().ToList()[^2].GetProperty("kind").GetString());

        // One set of positions per conv and linear layer of the smoke ConvMixer (928 weights), q = 0.1 of each kept.
        var masks = r.GetProperty("masks").EnumerateArray().ToList();
        Assert.All(masks, m => Assert.Equal("sparse", m.GetProperty("form").GetString()));
        Assert.Equal(928, masks.Sum(m => m.GetProperty("entries").GetInt64()));
        var kept = masks.Sum(m => m.GetProperty("kept").GetInt64());
        Assert.Equal(kept, r.GetProperty("kept_values").GetInt64());
        foreach (var m in masks)
            Assert.Equal(8.0 * m.GetProperty("bytes").GetInt64() / m.GetProperty("kept").GetInt64(), m.GetProperty("bits_per_kept").GetDouble(), 12);
        // 32 bits per value plus the positions' share.
        Assert.Equal(32 + 8.0 * masks.Sum(m => m.GetProperty("bytes").GetInt64()) / kept, r.GetProperty("sparse_bits_per_kept_value").GetDouble(), 12);

        // The values agree with the accounting to the bit (32 per kept weight); the positions are the accounting's narrow CSR against the coded masks.
        var accounting = r.GetProperty("accounting").EnumerateArray().ToDictionary(a => a.GetProperty("part").GetString()!);
        Assert.Equal(32 * kept, accounting["values (C_w)"].GetProperty("accounting_bits").GetInt64());
        Assert.Equal(32 * kept, accounting["values (C_w)"].GetProperty("file_bits").GetInt64());
        Assert.Contains("narrow_csr", accounting["positions (C_m)"].GetProperty("why").GetString());

        (code, output, error) = Pemn("info", file);
        Assert.True(code == ExitCodes.Ok, error);
        foreach (var line in new[] { "format version 2", "stored as sparse", "keep fraction q 0.1", "bits per kept value", "bits/position", "bits/kept", "H(q)", "sparse_layers" })
            Assert.Contains(line, output);
        Assert.Equal(string.Join(Environment.NewLine, PemnFileInfo.Read(file).Lines()).Trim(), output.Trim());
    }

    [Theory]
    [InlineData("mask")]
    [InlineData("rp_rand_rescale")]
    [InlineData("dense")]
    [InlineData("sparse_random")]
    [InlineData("sparse_magnitude_trained")]
    public void EvalGivesTheRunsFinalTestAccuracy(string name)
    {
        var (code, output, error) = Pemn("eval", Pack(name), "--json");
        Assert.True(code == ExitCodes.Ok, error);
        using var json = JsonDocument.Parse(output);
        var r = json.RootElement;
        var recorded = runs.Get(name).Metrics.FinalTestAccuracy;
        Assert.Equal(recorded, r.GetProperty("accuracy").GetDouble());
        Assert.Equal(recorded, r.GetProperty("recorded_final_test_accuracy").GetDouble());
        Assert.Equal("synthetic", r.GetProperty("dataset").GetString());
        // The smoke preset's synthetic test split: 32 images per class, 4 classes.
        Assert.Equal(128, r.GetProperty("images").GetInt64());
    }

    [Fact]
    public void EvalFlagErrorsAndBadFiles()
    {
        var file = Pack("mask");
        var (code, output, error) = Pemn("eval", file, "--dataset", "cifar11");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--dataset: 'cifar11' is not allowed; allowed: synthetic", error);

        (code, _, error) = Pemn("eval", file, "--dataset", "fashion-mnist");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("model.image_size = 8 does not fit data.dataset = fashion_mnist", error);

        (code, _, error) = Pemn("eval", Path.Combine(folder, "missing.pemn"));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("does not exist", error);

        // A damaged file: its reader's typed error, and the file exit code.
        var damaged = Path.Combine(folder, "damaged.pemn");
        var bytes = File.ReadAllBytes(file);
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(damaged, bytes);
        (code, output, error) = Pemn("eval", damaged);
        Assert.Equal(ExitCodes.Io, code);
        Assert.Contains("PEMN file rejected (ChecksumMismatch)", error);
        Assert.Equal("", output);
    }

    [Fact]
    public void UnpackWritesACheckpointThatTheBuiltNetworkLoads()
    {
        var file = Pack("one_layer");
        var model = Path.Combine(folder, "model.bin");
        var config = Path.Combine(folder, "config.json");
        var (code, output, error) = Pemn("unpack", file, "-o", model, "--config-out", config);
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains($"wrote {model}", output);

        // What the file's reader says, the built network with the checkpoint says too, bit for bit.
        var spec = ExperimentJson.Load(config).Network;
        Assert.Equal(SmokeRuns.Cases["one_layer"].Network, spec);
        using var unpacked = PemnNetwork.Build(spec);
        unpacked.Model.load(model);
        var (_, loaded) = RunPacking.LoadFile(file);
        using var loadedNetwork = loaded;
        using var input = SmokeRuns.FixedInput(8, 1, 8, 8);
        Assert.Equal(SmokeRuns.LogitBits(loaded.Model, input), SmokeRuns.LogitBits(unpacked.Model, input));

        (code, output, error) = Pemn("unpack", file, "-o", model);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--force", error);
    }

    [Theory]
    [InlineData("pack", "Pack a complete run", "--seed-storage", "--force")]
    [InlineData("info", "Describe a .pemn file", "bits per weight", "bits per kept value", "--json")]
    [InlineData("eval", "accuracy of its network", "--dataset", "--data-dir")]
    [InlineData("unpack", "TorchSharp state_dict checkpoint", "--config-out", "--force")]
    public void HelpSaysWhatEachFileCommandDoes(string command, params string[] says)
    {
        var (code, output, _) = Pemn(command, "--help");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains($"pemn {command}", output);
        foreach (var text in says) Assert.Contains(text, output);
        Assert.Contains(command, Pemn("--help").Out);
    }
}
