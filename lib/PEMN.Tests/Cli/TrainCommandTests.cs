using System.CommandLine;
using System.Text.Json.Nodes;
using PEMN.Cli;
using PEMN.Cli.Options;
using PEMN.Configuration;
using PEMN.Runs;
using PEMN.Strategies;
using PEMN.Training;

namespace PEMN.Tests.Cli;

public class TrainCommandTests : IDisposable
{
    private readonly int threads = TorchSharp.torch.get_num_threads();
    private readonly string folder = Path.Combine(Path.GetTempPath(), "pemn-cli-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        TorchSharp.torch.set_num_threads(threads);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    private static ExperimentConfig Resolve(params string[] args)
    {
        var command = new Command("train");
        var options = new ExperimentOptions();
        options.AddTo(command);
        var parse = command.Parse(args);
        Assert.Empty(parse.Errors);
        return options.Resolve(parse);
    }

    [Fact]
    public void FlagsOverrideThePresetByField()
    {
        var config = Resolve("--preset", "quick", "--strategy", "rp", "--ratio", "0.01", "--pad-mode", "rand", "--k", "0.3",
            "--dim", "32", "--optimizer", "sgd", "--nesterov", "--schedule", "cosine", "--seed", "4", "--lr-max", "0.1",
            "--set", "training.label_smoothing=0.1", "--threads", "1");
        Assert.Equal(new StrategyConfig(StrategyName.RandomVectorPadding, 0.01, PadMode.Rand), config.Strategy);
        Assert.Equal(0.3, config.Masking.KeepFraction);
        Assert.Equal(32, config.Model.Dim);
        Assert.Equal(4, config.Model.Depth); // untouched preset value
        Assert.Equal((OptimizerKind.Sgd, true, ScheduleKind.Cosine, 4L), (config.Training.Optimizer, config.Training.Nesterov, config.Training.Schedule, config.Training.Seed));
        Assert.Equal(0.1, config.Training.LabelSmoothing);
        Assert.Equal(0.1, config.LrMax);
        Assert.Null(config.Training.DenseLrMax);
        Assert.Equal("quick", config.Name);
    }

    [Fact]
    public void MaskingFlagsAcceptTheSameNamesAsTheStorageCommand()
    {
        var config = Resolve("--preset", "smoke", "--norm", "not-learn", "--weight-init", "signed-constant", "--strategy", "one-layer");
        Assert.Equal(new PEMN.Masking.MaskingOptions(config.Masking.KeepFraction, PEMN.Masking.WeightInit.SignedConstant, PEMN.Masking.NormMode.NonAffine), config.Masking);
        Assert.Equal(StrategyName.OneLayer, config.Strategy.Name);
    }

    [Fact]
    public void BooleanFlagsTakeAnExplicitValueAndSetTakesJson()
    {
        var config = Resolve("--preset", "quick", "--augment", "false", "--set", "data.mean=[0.5]", "--set", "data.std=[0.25]",
            "--set", "training.clip_norm=2.5", "--set", "name=my-run");
        Assert.False(config.Data.Augment);
        Assert.Equal([0.5], config.Data.Mean!);
        Assert.Equal([0.25], config.Data.Std!);
        Assert.Equal(2.5, config.Training.ClipNorm);
        Assert.Equal("my-run", config.Name);
        Assert.True(Resolve("--preset", "quick", "--strategy", "mp", "--rescale").Strategy.Rescale);
    }

    [Fact]
    public void NoFlagsGiveThePresetUnchanged() =>
        Assert.Equal(ExperimentJson.Canonical(ExperimentPresets.Quick), ExperimentJson.Canonical(Resolve("--preset", "quick")));

    [Fact]
    public void ConfigFileIsTheBase()
    {
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "c.json");
        ExperimentJson.Save(ExperimentPresets.Smoke with { Training = ExperimentPresets.Smoke.Training with { Epochs = 5 } }, file);
        Assert.Equal(5, Resolve("--config", file).Training.Epochs);
        Assert.Equal(6, Resolve("--config", file, "--epochs", "6").Training.Epochs);
    }

    [Fact]
    public void TrainJsonPrintsOneSummaryLine()
    {
        var (code, stdout, error) = PemnHarness.Run("train", "--preset", "smoke", "--epochs", "1", "--out", folder, "--json");
        Assert.True(code == 0, error);
        var line = Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var summary = JsonNode.Parse(line)!;
        Assert.InRange(summary["best_test_accuracy"]!.GetValue<double>(), 0, 1);
        Assert.InRange(summary["final_test_accuracy"]!.GetValue<double>(), 0, 1);
        Assert.Equal(1, summary["epochs"]!.GetValue<int>());
        Assert.True(summary["seconds"]!.GetValue<double>() > 0);
        Assert.True(File.Exists(Path.Combine(summary["run_dir"]!.GetValue<string>(), ExperimentRunner.MetricsFile)));
    }

    [Fact]
    public void BadFlagValueExitsWithAnErrorNamingTheFlagAndTheField()
    {
        var (code, _, error) = PemnHarness.Run("train", "--preset", "smoke", "--epochs", "0", "--out", folder);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--epochs: training.epochs = 0 is outside the allowed range [1, inf)", error);
        Assert.False(Directory.Exists(Path.Combine(folder, RunsLocation.RunsFolderName)));
    }

    [Fact]
    public void WithoutOutRunsAreRecordedUnderTheRepositorysResultsFolderOnly()
    {
        // A stand-in repository: its marker file, and the command started from a sub-folder of it.
        var repo = Directory.CreateDirectory(Path.Combine(folder, "repo")).FullName;
        File.WriteAllText(Path.Combine(repo, PEMN.Runtime.Repository.MarkerFile), "");
        var work = Directory.CreateDirectory(Path.Combine(repo, "notebooks", "scratch")).FullName;
        var (cwd, root) = (Directory.GetCurrentDirectory(), Environment.GetEnvironmentVariable(PEMN.Runtime.Repository.RootVariable));
        try
        {
            Directory.SetCurrentDirectory(work);
            Environment.SetEnvironmentVariable(PEMN.Runtime.Repository.RootVariable, null);
            var (code, _, error) = PemnHarness.Run("train", "--preset", "smoke", "--epochs", "1");
            Assert.True(code == 0, error);
            Assert.Contains(Path.Combine(repo, "results", "runs"), error); // the records' folder is printed
        }
        finally
        {
            Directory.SetCurrentDirectory(cwd);
            Environment.SetEnvironmentVariable(PEMN.Runtime.Repository.RootVariable, root);
        }
        var written = Directory.GetFileSystemEntries(repo, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(repo, p)).Where(p => !p.StartsWith("results", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal([PEMN.Runtime.Repository.MarkerFile, "notebooks", Path.Combine("notebooks", "scratch")], written);
        Assert.Single(Directory.GetDirectories(Path.Combine(repo, "results", "runs")));
        Assert.True(File.Exists(Path.Combine(repo, "results", "runs.csv")));
    }
}
