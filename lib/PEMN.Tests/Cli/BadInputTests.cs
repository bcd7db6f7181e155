using System.Security.Cryptography;
using PEMN.Cli;
using PEMN.Runs;

namespace PEMN.Tests.Cli;

/// <summary>
/// Every bad input a user can give (issue 18's list): each is refused before any compute with its exit code, a message
/// that names the input (flag, file or config field) and the bad value and says what is allowed, no .NET stack trace,
/// and nothing that existed before changed (an existing output folder with a complete run and its table included).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes: the read-only cases
public class BadInputTests(BadInputTests.Inputs inputs) : IClassFixture<BadInputTests.Inputs>
{
    private readonly string folder = inputs.Folder;

    /// <summary>The inputs, made once for every case (each case checks that it changed none of them).</summary>
    public sealed class Inputs : IDisposable
    {
        /// <summary>The test folder.</summary>
        public string Folder { get; } = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "pemn-bad-" + Guid.NewGuid().ToString("N"))).FullName;

        public Inputs()
        {
            // An output folder with one complete smoke run and its table: what a user's results look like.
            var (code, _, error) = PemnHarness.Run("train", "--preset", "smoke", "--epochs", "1", "--out", In("out"));
            Assert.True(code == 0, error);
            File.WriteAllText(In("notes.md"), "# Notes\n\nA markdown file, with a comma.\n");
            File.WriteAllText(In("readonly.csv"), File.ReadAllText(Path.Combine(In("out"), RunsLocation.TableName)));
            File.SetUnixFileMode(In("readonly.csv"), UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            Directory.CreateDirectory(In("readonly-dir"));
            File.SetUnixFileMode(In("readonly-dir"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
            Directory.CreateDirectory(In("a-folder"));
            Directory.CreateDirectory(In("table-folder.csv"));
            File.WriteAllText(In("notes.csv"), "# Notes\n\nA markdown file, with a comma.\n");
            Directory.CreateDirectory(In("no-data"));
            File.WriteAllText(In("grid.json"), """{ "preset": "smoke", "grid": { "training.seed": [0, 1] } }""");
            File.WriteAllText(In("preset-3.json"), """{ "preset": 3 }""");
            File.WriteAllText(In("base-list.json"), """{ "preset": "smoke", "base": [1] }""");
            File.WriteAllText(In("no-base.json"), """{ "grid": { "training.seed": [0, 1] } }""");
            File.WriteAllText(In("missing-config.json"), """{ "config": "nowhere.json" }""");
            var config = File.ReadAllText(Directory.GetFiles(Path.Combine(In("out"), RunsLocation.RunsFolderName), ExperimentRunner.ConfigFile, SearchOption.AllDirectories)[0]);
            File.WriteAllText(In("null-model.json"), System.Text.RegularExpressions.Regex.Replace(config, "\"model\": \\{[^}]*\\}", "\"model\": null"));
            // Fashion-MNIST with a folder where one of its files should be (an archive extracted in place).
            var fashion = Directory.CreateDirectory(Path.Combine(Folder, "data", "fashion_mnist")).FullName;
            foreach (var file in Directory.GetFiles(PEMN.Data.DataLocator.DebianFashionMnist).Where(f => !f.Contains("t10k-labels")))
                File.Copy(file, Path.Combine(fashion, Path.GetFileName(file)));
            Directory.CreateDirectory(Path.Combine(fashion, "t10k-labels-idx1-ubyte.gz"));
        }

        private string In(string name) => Path.Combine(Folder, name);

        public void Dispose()
        {
            File.SetUnixFileMode(In("readonly-dir"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Directory.Delete(Folder, recursive: true);
        }
    }

    /// <summary>Arguments (with {f} for the test folder), exit code, and what the message must contain: the input, the value, what is allowed.</summary>
    public static TheoryData<string, int, string[]> Cases() => new()
    {
        // Outputs: checked before compute.
        { "train --preset smoke --out {f}/out --csv {f}/notes.md", ExitCodes.Usage, ["--csv:", "notes.md", "'# Notes'", "run_id"] },
        { "train --preset smoke --out {f}/out --csv {f}/readonly.csv", ExitCodes.Io, ["--csv:", "readonly.csv", "read-only", "allowed: a writable file"] },
        { "train --preset smoke --out {f}/out --csv {f}/a-folder", ExitCodes.Io, ["--csv:", "a-folder", "is a folder", "allowed: a file path"] },
        { "train --preset smoke --out {f}/readonly-dir", ExitCodes.Io, ["--out:", "readonly-dir", "read-only", "allowed: a writable folder"] },
        { "train --preset smoke --out {f}/notes.md", ExitCodes.Io, ["--out:", "notes.md", "is a file", "allowed: a folder"] },
        { "sweep --grid {f}/grid.json --out {f}/notes.md", ExitCodes.Io, ["--out:", "notes.md", "is a file", "allowed: a folder"] },
        // The old form, --out TABLE.csv: the table is checked as before.
        { "sweep --grid {f}/grid.json --out {f}/table-folder.csv", ExitCodes.Io, ["--out:", "table-folder.csv", "is a folder", "allowed: a file path"] },
        { "sweep --grid {f}/grid.json --out {f}/notes.csv", ExitCodes.Usage, ["--out:", "notes.csv", "'# Notes'", "run_id"] },
        { "ladder --preset smoke --out {f}/table-folder.csv", ExitCodes.Io, ["--out:", "table-folder.csv", "is a folder", "allowed: a file path"] },
        // Config and grid files.
        { "train --config {f}/a-folder --out {f}/out", ExitCodes.Usage, ["--config:", "a-folder", "is a folder", "allowed: a config JSON file"] },
        { "train --config {f}/null-model.json --out {f}/out", ExitCodes.Usage, ["--config:", "section 'model' is null", "allowed: an object"] },
        { "sweep --grid {f}/a-folder --out {f}/out/runs.csv", ExitCodes.Usage, ["--grid:", "a-folder", "is a folder", "allowed: a grid JSON file"] },
        { "sweep --grid {f}/preset-3.json --out {f}/out/runs.csv", ExitCodes.Usage, ["--grid:", "preset-3.json", "preset = 3", "allowed: a preset name (smoke, "] },
        { "sweep --grid {f}/base-list.json --out {f}/out/runs.csv", ExitCodes.Usage, ["--grid:", "base-list.json", "base = [1]", "allowed: an object of config fields"] },
        { "sweep --grid {f}/no-base.json --out {f}/out/runs.csv", ExitCodes.Usage, ["--grid:", "no-base.json", "no base config", "\"preset\""] },
        { "sweep --grid {f}/missing-config.json --out {f}/out/runs.csv", ExitCodes.Usage, ["--grid:", "nowhere.json", "does not exist", "allowed: a config JSON file"] },
        // Numbers: finite and in range.
        { "storage --model resnet --depth 7", ExitCodes.Usage, ["--depth:", "depth = 7", "6n + 2"] },
        { "train --preset smoke --strategy rp --ratio NaN --out {f}/out", ExitCodes.Usage, ["--ratio:", "NaN", "allowed: a finite number", "(0, 1)"] },
        { "train --preset smoke --lr-max Infinity --out {f}/out", ExitCodes.Usage, ["--lr-max:", "Infinity", "allowed: a finite number"] },
        { "train --preset smoke --k 1e-9 --out {f}/out", ExitCodes.Usage, ["--k:", "masking.keep_fraction = 1E-09", "less than one of the 64 weights", "allowed for this model: [0.01563, 1]"] },
        { "ladder --preset smoke --k 0.001 --out {f}/out/runs.csv --dry-run", ExitCodes.Usage, ["--k:", "0.001", "allowed for this model"] },
        { "train --preset smoke --set training.epochs=abc --out {f}/out", ExitCodes.Usage, ["--set training.epochs:", "\"abc\"", "expected a number"] },
        // Fields that do not apply to the strategy: refused, not ignored.
        { "storage --ratio 0.01", ExitCodes.Usage, ["--ratio:", "strategy.ratio does not apply to strategy mask", "it applies to random_vector_padding"] },
        { "train --preset smoke --strategy dense --set strategy.include_linear=true --out {f}/out", ExitCodes.Usage, ["--set strategy.include_linear:", "does not apply to strategy dense", "one_layer"] },
        { "train --preset smoke --strategy one_layer --sign-symmetric --out {f}/out", ExitCodes.Usage, ["--sign-symmetric:", "does not apply to strategy one_layer"] },
        // Data: present and readable, checked before compute.
        { "train --preset quick --data-dir {f}/no-data --out {f}/out", ExitCodes.Data, ["fashion_mnist not found", "no-data", "train-images-idx3-ubyte.gz"] },
        { "data --dataset fashion_mnist --data-dir {f}/data --offline", ExitCodes.Data, ["t10k-labels-idx1-ubyte.gz is a folder", "expected a file"] },
        { "train --preset quick --data-dir {f}/data --out {f}/out", ExitCodes.Data, ["t10k-labels-idx1-ubyte.gz is a folder", "expected a file"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ABadInputIsRefusedNamingItAndChangesNothing(string command, int code, string[] message)
    {
        var args = command.Replace("{f}", folder).Split(' ');
        var before = Snapshot();
        var (exit, output, error) = PemnHarness.Run(args);
        Assert.True(exit == code, $"{command}: exit {exit}, expected {code}\n{error}");
        foreach (var part in message) Assert.Contains(part, error);
        Assert.DoesNotContain("   at ", error); // no stack trace
        Assert.DoesNotContain("Exception", error);
        Assert.Equal("", output);
        Assert.Equal(before, Snapshot());
    }

    /// <summary>Every file and folder under the test folder with its content hash and permissions.</summary>
    private SortedDictionary<string, string> Snapshot()
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories))
        {
            var mode = File.GetUnixFileMode(path);
            entries[Path.GetRelativePath(folder, path)] = Directory.Exists(path)
                ? $"folder {mode}"
                : $"{Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)))} {mode} {File.GetLastWriteTimeUtc(path):O}";
        }
        return entries;
    }
}
