using PEMN.Experiments;

namespace PEMN.Tests.Experiments;

public class RunsCsvTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "pemn-csv-" + Guid.NewGuid().ToString("N"));
    private string Csv => Path.Combine(folder, "runs.csv");

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    private static Dictionary<string, string> Row(string id, string note = "plain") => new() { ["run_id"] = id, ["acc"] = "0.5", ["note"] = note };

    [Fact]
    public void RowsRoundTripWithQuoting()
    {
        RunsCsv.Append(Csv, Row("a", "has, comma"));
        RunsCsv.Append(Csv, Row("b", "has \"quotes\"\nand a newline"));
        var (header, rows) = RunsCsv.Read(Csv);
        Assert.Equal(["run_id", "acc", "note"], header);
        Assert.Equal(2, rows.Count);
        Assert.Equal("has, comma", rows[0]["note"]);
        Assert.Equal("has \"quotes\"\nand a newline", rows[1]["note"]);
    }

    [Fact]
    public void TornLastLineIsIgnoredOnReadAndRepairedOnAppend()
    {
        RunsCsv.Append(Csv, Row("a"));
        RunsCsv.Append(Csv, Row("b"));
        // A kill during an append leaves part of a line without its newline.
        File.AppendAllText(Csv, "c,0.7,\"unfinished quo");
        Assert.Equal(["a", "b"], RunsCsv.Read(Csv).Rows.Select(r => r["run_id"]));
        RunsCsv.Append(Csv, Row("d"));
        var (header, rows) = RunsCsv.Read(Csv);
        Assert.Equal(["a", "b", "d"], rows.Select(r => r["run_id"]));
        Assert.All(File.ReadAllLines(Csv), line => Assert.Equal(header.Count, line.Split(',').Length));
        Assert.EndsWith("\n", File.ReadAllText(Csv));
    }

    [Fact]
    public void NewColumnsRewriteTheFileWithTheUnion()
    {
        RunsCsv.Append(Csv, Row("a"));
        RunsCsv.Append(Csv, new Dictionary<string, string> { ["run_id"] = "b", ["extra"] = "x" });
        var (header, rows) = RunsCsv.Read(Csv);
        Assert.Equal(["run_id", "acc", "note", "extra"], header);
        Assert.Equal("", rows[0]["extra"]);
        Assert.Equal("", rows[1]["acc"]);
        Assert.Equal("x", rows[1]["extra"]);
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
    }
}
