using PEMN.Configuration;
using PEMN.Reports;
using PEMN.Runs;
using PEMN.Sweeps;

namespace PEMN.Tests.Reports;

public class LadderTableTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "pemn-ladder-" + Guid.NewGuid().ToString("N"));
    private string Table => Path.Combine(folder, "ladder.md");

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    private static readonly LadderResult[] Rows =
    [
        new(Rung.Of("Dense"), 0, "dense-a", 0, 0, 0.86, 0.85, 190, false, "2026-01-01T00:00:00Z", null),
        new(Rung.Of("Mask"), 0, "mask-b", 23_680, -0.03, 0.83, 0.83, 255, true, "2026-01-01T00:05:00Z", null),
    ];

    private static string Markdown(IReadOnlyList<LadderResult> rows, RunProvenance provenance) =>
        LadderTable.Markdown(rows, ExperimentPresets.Smoke, "scripts/pemn ladder --preset smoke --out runs.csv", provenance);

    [Fact]
    public void RewritingWithOnlyANewCommitMachineAndDateKeepsTheOldFile()
    {
        var first = Markdown(Rows, new RunProvenance("aaaaaaa", "vm", 2, "2026-01-01T00:00:00Z"));
        var second = Markdown(Rows, new RunProvenance("bbbbbbb-dirty", "laptop", 8, "2026-02-02T00:00:00Z"));
        Assert.NotEqual(first, second);

        Assert.True(ReportFile.Write(Table, first));
        Assert.False(ReportFile.Write(Table, second));
        Assert.Equal(first, File.ReadAllText(Table));
    }

    [Fact]
    public void ANewResultReplacesTheFileWithItsNewProvenance()
    {
        Assert.True(ReportFile.Write(Table, Markdown(Rows, new RunProvenance("aaaaaaa", "vm", 2, "2026-01-01T00:00:00Z"))));
        var retrained = Markdown([Rows[0], Rows[1] with { BestTestAccuracy = 0.84 }], new RunProvenance("bbbbbbb", "vm", 2, "2026-02-02T00:00:00Z"));

        Assert.True(ReportFile.Write(Table, retrained));
        Assert.Equal(retrained, File.ReadAllText(Table));
        Assert.Contains("bbbbbbb", File.ReadAllText(Table));
    }

    [Fact]
    public void ACommittedTableWithOtherLineEndingsCountsAsUnchanged()
    {
        var markdown = Markdown(Rows, new RunProvenance("aaaaaaa", "vm", 2, "2026-01-01T00:00:00Z"));
        Directory.CreateDirectory(folder);
        File.WriteAllText(Table, markdown.ReplaceLineEndings("\r\n"));

        Assert.False(ReportFile.Write(Table, Markdown(Rows, new RunProvenance("ccccccc", "vm", 2, "2026-03-03T00:00:00Z"))));
    }
}
