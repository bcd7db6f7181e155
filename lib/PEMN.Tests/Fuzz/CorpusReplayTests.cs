using PEMN.Fuzz;
using PEMN.Runtime;

namespace PEMN.Tests.Fuzz;

/// <summary>
/// Every committed fuzz input (fuzz/corpus/TARGET: the minimised corpus of the recorded campaign; fuzz/regressions/TARGET:
/// the inputs of fixed findings) runs through its target's contract in-process: it parses or is refused with a documented
/// exception thrown by the library. No AFL needed; all targets take a few seconds together.
/// </summary>
public class CorpusReplayTests
{
    /// <summary>A committed corpus stays small: a few kilobytes per target, no data sets.</summary>
    private const long MaxCorpusBytes = 32 * 1024;

    private static readonly string FuzzFolder = Path.Combine(Repository.Find(AppContext.BaseDirectory), "fuzz");

    public static TheoryData<string> Targets() => [.. FuzzTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_corpus_and_regression_input_keeps_the_contract(string name)
    {
        var target = FuzzTargets.Get(name);
        var files = Inputs(name).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            try
            {
                target.Run(File.ReadAllBytes(file));
            }
            catch (Exception e)
            {
                Assert.Fail($"{Path.GetRelativePath(FuzzFolder, file)}: {e.GetType().FullName}: {e.Message}\n{e.StackTrace}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Each_target_has_a_small_committed_corpus(string name)
    {
        var corpus = Path.Combine(FuzzFolder, "corpus", name);
        Assert.True(Directory.Exists(corpus), $"fuzz/corpus/{name} is missing; see fuzz/README.md (minimise a campaign's queue into it)");
        var bytes = Directory.GetFiles(corpus).Sum(f => new FileInfo(f).Length);
        Assert.InRange(bytes, 1, MaxCorpusBytes);
    }

    [Fact]
    public void A_documented_exception_thrown_inside_the_runtime_is_a_finding()
    {
        // ArgumentException is documented for configs; one out of a BCL collection (the duplicate-key finding) is not a refusal.
        var target = new FuzzTarget("probe", "probe", _ => new Dictionary<string, int> { ["a"] = 1 }.Add("a", 2), [typeof(ArgumentException)]);
        Assert.Throws<ArgumentException>(() => target.Run([]));
    }

    private static IEnumerable<string> Inputs(string name) =>
        new[] { "corpus", "regressions" }
            .Select(kind => Path.Combine(FuzzFolder, kind, name))
            .Where(Directory.Exists)
            .SelectMany(Directory.GetFiles)
            .Order(StringComparer.Ordinal);
}
