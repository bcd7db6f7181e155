using PEMN.Runs;

namespace PEMN.Tests.Runs;

public class RunsCsvTests : IDisposable
{
    private readonly string folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "pemn-csv-" + Guid.NewGuid().ToString("N"))).FullName;
    private string Csv => Path.Combine(folder, "runs.csv");

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    private static Dictionary<string, string> Row(string id, string note = "plain") => new() { ["run_id"] = id, ["acc"] = "0.5", ["note"] = note };

    [Fact]
    public void RowsRoundTripWithQuoting()
    {
        RunsCsv.Write(Csv, ["run_id", "acc", "note"], [Row("a", "has, comma"), Row("b", "has \"quotes\"\nand a newline")]);
        var (header, rows) = RunsCsv.Read(Csv);
        Assert.Equal(["run_id", "acc", "note"], header);
        Assert.Equal(2, rows.Count);
        Assert.Equal("has, comma", rows[0]["note"]);
        Assert.Equal("has \"quotes\"\nand a newline", rows[1]["note"]);
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
    }

    [Fact]
    public void ALastRowWithoutItsNewlineIsARowAllTheSame()
    {
        // A table saved by an editor or another tool: every row counts, the last one included.
        File.WriteAllText(Csv, "run_id,acc\na,0.5\nb,0.7");
        Assert.Equal(["a", "b"], RunsCsv.Read(Csv).Rows.Select(r => r["run_id"]));
        File.WriteAllText(Csv, "run_id,acc\r\na,0.5\r\n\r\nb,\"0.7\"");
        Assert.Equal(["a", "b"], RunsCsv.Read(Csv).Rows.Select(r => r["run_id"]));
        Assert.Equal("0.7", RunsCsv.Read(Csv).Rows[1]["acc"]);
    }

    [Fact]
    public void AnEmptyFileIsAnEmptyTableAndAShortRowIsPadded()
    {
        File.WriteAllText(Csv, "");
        var (header, rows) = RunsCsv.Read(Csv);
        Assert.Empty(header);
        Assert.Empty(rows);
        File.WriteAllText(Csv, "run_id,acc,note\na\n");
        Assert.Equal("", Assert.Single(RunsCsv.Read(Csv).Rows)["note"]);
    }

    [Theory]
    [InlineData("# Notes\n\nSome text, with a comma.\n", "'# Notes'")]
    [InlineData("name,acc\nx,1\n", "'name'")]
    [InlineData("run_id,acc\na,0.5,extra\n", "record 2 has 3 fields")]
    [InlineData("run_id,acc\na,\"0.5\n", "never closed")]
    [InlineData("run_id,acc,acc\na,1,2\n", "repeated column")]
    public void AFileThatIsNotARunsTableIsRefusedNamingWhy(string text, string why)
    {
        File.WriteAllText(Csv, text);
        var e = Assert.Throws<RunsTableException>(() => RunsCsv.Read(Csv));
        Assert.Contains(Csv, e.Message);
        Assert.Contains(why, e.Message);
    }
}
