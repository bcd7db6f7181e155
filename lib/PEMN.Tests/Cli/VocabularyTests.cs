using PEMN.Cli;
using PEMN.Configuration;

namespace PEMN.Tests.Cli;

/// <summary>
/// One vocabulary across commands: storage, train and ladder planning accept the same spellings of a flag's value and
/// refuse the same bad values with the usage exit code, naming the flag.
/// </summary>
public class VocabularyTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "pemn-vocab-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    // Train and the ladder plan only check the flags here: the smoke preset plus --epochs 0 stops train before any
    // compute when the flags are good (exit 2 naming --epochs), and the ladder is a dry run.
    private string[][] Commands() =>
    [
        // One-layer, so that every strategy flag below applies (the ladder sets strategies itself).
        ["storage", "--preset", "smoke", "--strategy", "one_layer"],
        ["train", "--preset", "smoke", "--strategy", "one_layer", "--epochs", "0", "--out", folder],
        ["ladder", "--preset", "smoke", "--dry-run", "--out", Path.Combine(folder, "ladder.csv")],
    ];

    public static TheoryData<string[]> Accepted() => new()
    {
        new[] { "--model", "resnet32" },
        new[] { "--model", "resnet", "--depth", "32" },
        new[] { "--dataset", "fashion-mnist" },
        new[] { "--dataset", "fashion_mnist" },
        new[] { "--include-linear" },
        new[] { "--norm", "not-learn", "--weight-init", "signed-constant" },
        new[] { "--precision", "bf16", "--memory-format", "nchw" },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void EveryCommandAcceptsTheSameSpellings(string[] flags)
    {
        foreach (var command in Commands())
        {
            var (code, _, error) = PemnHarness.Run([.. command, .. flags]);
            if (command[0] == "train")
            {
                // Everything but the deliberate --epochs 0 was accepted.
                Assert.Equal(ExitCodes.Usage, code);
                Assert.Contains("--epochs", error);
            }
            else
            {
                Assert.True(code == ExitCodes.Ok, $"{string.Join(" ", command)} {string.Join(" ", flags)}: {error}");
            }
        }
    }

    [Theory]
    [InlineData("--k", "(0, 1]", "--k", "0")]
    [InlineData("--k", "(0, 1]", "--k", "1.5")]
    [InlineData("--model", "resnet32", "--model", "resnet99")]
    [InlineData("--dataset", "fashion_mnist", "--dataset", "fashion-mnst")]
    [InlineData("--depth", "32 and 56", "--model", "resnet32", "--depth", "56")]
    [InlineData("--set training.epochs", "expected a number", "--set", "training.epochs=abc")]
    [InlineData("--preset", "smoke, smoke_vit", "--preset", "huge")]
    [InlineData("--precision", "fp32, bf16", "--precision", "fp16")]
    [InlineData("--memory-format", "channels_last (nhwc), contiguous", "--memory-format", "nwhc")]
    public void EveryCommandRefusesTheSameBadValues(string flag, string allowed, params string[] flags)
    {
        foreach (var command in Commands())
        {
            var args = command.Where(a => a != "0" && a != "--epochs").ToList();
            if (flags.Contains("--preset")) args.RemoveRange(1, 2);
            var (code, output, error) = PemnHarness.Run([.. args, .. flags]);
            Assert.True(code == ExitCodes.Usage, $"{string.Join(" ", args)} {string.Join(" ", flags)}: exit {code}, {error}");
            Assert.Contains(flag + ":", error);
            Assert.Contains(allowed, error);
            Assert.DoesNotContain("   at ", error);
            Assert.Equal("", output);
        }
        Assert.False(Directory.Exists(Path.Combine(folder, "runs")), "nothing was trained");
    }

    [Fact]
    public void SpellingsOfOneStrategyAreOneExperimentWithOneRunId()
    {
        var ids = new[] { "rp", "random_vector_padding", "random-vector-padding", "RP" }
            .Select(s => ExperimentJson.RunId(Resolve("--preset", "smoke", "--strategy", s, "--ratio", "0.01")))
            .Append(ExperimentJson.RunId(Resolve("--preset", "smoke", "--set", "strategy.name=rp", "--set", "strategy.ratio=0.01")))
            .Distinct().ToList();
        var id = Assert.Single(ids);
        Assert.StartsWith("random_vector_padding-convmixer16x2-", id); // the canonical name is the one written out
        // The precision is part of the experiment; the memory format, like the thread count, is not.
        var smoke = ExperimentJson.RunId(Resolve("--preset", "smoke"));
        Assert.NotEqual(smoke, ExperimentJson.RunId(Resolve("--preset", "smoke", "--precision", "bf16")));
        Assert.Equal(smoke, ExperimentJson.RunId(Resolve("--preset", "smoke", "--memory-format", "contiguous")));
        Assert.Equal(PEMN.Runtime.MemoryFormat.Contiguous, Resolve("--preset", "smoke", "--memory-format", "nchw").Training.MemoryFormat);
    }

    private static ExperimentConfig Resolve(params string[] args)
    {
        var command = new System.CommandLine.Command("train");
        var options = new PEMN.Cli.Options.ExperimentOptions();
        options.AddTo(command);
        return options.Resolve(command.Parse(args));
    }

    [Fact]
    public void HelpSaysPemnEverywhere()
    {
        foreach (var command in new[] { "train", "sweep", "ladder", "storage", "data", "bench", "migrate" })
        {
            var (code, output, _) = PemnHarness.Run(command, "--help");
            Assert.Equal(0, code);
            Assert.Contains($"pemn {command}", output);
            Assert.DoesNotContain("PEMN.Cli", output);
        }
        Assert.Contains("pemn [command]", PemnHarness.Run("--help").Out);
    }
}
