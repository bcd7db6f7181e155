using System.Text.Json.Nodes;
using PEMN.Runtime;

namespace PEMN.Tests.Scripts;

/// <summary>
/// scripts/notebook-index.py: the index of the executed workbook shows each notebook of the README's reading order
/// with its title, question, verdict and figures, and says what is missing.
/// </summary>
public class NotebookIndexTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("pemn-nbindex-");

    public void Dispose() => folder.Delete(recursive: true);

    private static string Root => Repository.Find();
    private static string Script => Path.Combine(Root, "scripts", "notebook-index.py");

    [Fact]
    public void EveryNotebookOfTheReadingOrderNamesItsFiguresAndAVerdictCell()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var table = readme[readme.IndexOf("In reading order", StringComparison.Ordinal)..];
        var names = Directory.GetFiles(Path.Combine(Root, "notebooks"), "0*.ipynb").Select(Path.GetFileNameWithoutExtension)
            .Where(n => table.Contains($"`{n}`", StringComparison.Ordinal) && !n!.Contains("smoke", StringComparison.Ordinal)).ToList();
        Assert.True(names.Count >= 7, $"the reading order lists {names.Count} notebooks");
        foreach (var name in names)
        {
            var notebook = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "notebooks", name + ".ipynb")))!;
            Assert.True(notebook["metadata"]?["pemn"]?["figures"]?.AsArray().Count > 0, $"{name}: no metadata.pemn.figures");
            Assert.True(notebook["cells"]!.AsArray().Any(c => c!["metadata"]?["tags"]?.AsArray().Any(t => (string?)t == "verdict") == true),
                $"{name}: no cell tagged verdict");
        }
    }

    [Fact]
    public void TheIndexShowsTitleQuestionVerdictAndFigureAndFailsOnAMissingFigure()
    {
        var root = folder.FullName;
        File.WriteAllText(Path.Combine(root, "README.md"),
            "In reading order:\n\n| notebook | the question | what |\n|---|---|---|\n| `01_demo` (C#) | Do masks suffice? | a demo |\n\nAfter.\n");
        Directory.CreateDirectory(Path.Combine(root, "notebooks"));
        File.WriteAllText(Path.Combine(root, "notebooks", "01_demo.ipynb"), Notebook(executed: false));
        Directory.CreateDirectory(Path.Combine(root, "results", "notebooks"));
        File.WriteAllText(Path.Combine(root, "results", "notebooks", "01_demo.ipynb"), Notebook(executed: true));
        var figure = Path.Combine(root, "results", "demo", "quick", "main.png");
        Directory.CreateDirectory(Path.GetDirectoryName(figure)!);
        File.WriteAllBytes(figure, [0x89, 0x50, 0x4e, 0x47]);
        File.WriteAllBytes(Path.Combine(root, "results", "notebooks", "01_demo.png"), [0x89, 0x50, 0x4e, 0x47]);
        string[] args = ["--scale", "quick", "--results", "results", "--readme", "README.md", "--notebooks", "notebooks"];

        var (exitCode, output) = ScriptProcess.Run(Script, root, null, Timeout, args);
        Assert.True(exitCode == 0, output);
        var index = File.ReadAllText(Path.Combine(root, "results", "notebooks", "index.html"));
        Assert.Contains("<h2>1. A demo of the index</h2>", index);
        Assert.Contains("Do masks suffice?", index);
        Assert.Contains("The claim holds at every seed.", index);
        Assert.DoesNotContain("not part of the verdict", index);
        Assert.Contains("src=\"../demo/quick/main.png\"", index);
        Assert.Contains("href=\"01_demo.ipynb\"", index);
        Assert.Contains("href=\"01_demo.png\">the notebook in the browser (screenshot)", index);
        Assert.DoesNotContain("<script", index);

        File.Delete(figure);
        (exitCode, output) = ScriptProcess.Run(Script, root, null, Timeout, args);
        Assert.Equal(1, exitCode);
        Assert.Contains("01_demo: figure demo/quick/main.png is missing", output);
        Assert.Contains("(missing)", File.ReadAllText(Path.Combine(root, "results", "notebooks", "index.html")));
    }

    private static string Notebook(bool executed)
    {
        JsonArray Outputs(string text) => executed ? [new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = text }] : [];
        return new JsonObject
        {
            ["metadata"] = new JsonObject { ["pemn"] = new JsonObject { ["figures"] = new JsonArray("demo/{scale}/main.png") } },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
            ["cells"] = new JsonArray(
                new JsonObject { ["cell_type"] = "markdown", ["id"] = "a", ["metadata"] = new JsonObject(), ["source"] = "# 1. A demo of the index\n\nText." },
                new JsonObject { ["cell_type"] = "code", ["id"] = "b", ["metadata"] = new JsonObject(), ["source"] = "x", ["outputs"] = Outputs("not part of the verdict") },
                new JsonObject
                {
                    ["cell_type"] = "code", ["id"] = "c", ["metadata"] = new JsonObject { ["tags"] = new JsonArray("verdict") },
                    ["source"] = "y", ["outputs"] = Outputs("The claim holds at every seed."),
                }),
        }.ToJsonString();
    }
}
