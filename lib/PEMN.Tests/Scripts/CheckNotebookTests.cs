using System.Text.Json.Nodes;
using PEMN.Runtime;

namespace PEMN.Tests.Scripts;

/// <summary>
/// scripts/check-notebook.py --committed: every committed notebook is nbformat 4.5 with cell ids (without them
/// nbformat warns MissingIDFieldWarning on every run) and kernelspec metadata; a new notebook without them fails here.
/// </summary>
public class CheckNotebookTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("pemn-nbcheck-");

    public void Dispose() => folder.Delete(recursive: true);

    private static string Root => Repository.Find();
    private static string Script => Path.Combine(Root, "scripts", "check-notebook.py");

    [Fact]
    public void CommittedNotebooksHaveCellIdsAndKernelMetadata()
    {
        var notebooks = Directory.GetFiles(Path.Combine(Root, "notebooks"), "*.ipynb").Order().ToArray();
        Assert.NotEmpty(notebooks);
        var (exitCode, output) = ScriptProcess.Run(Script, Root, null, Timeout, ["--committed", .. notebooks]);
        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public void ANotebookWithoutIdsFailsUntilTheyAreAddedAndItsSourcesStayTheSame()
    {
        var notebook = Path.Combine(folder.FullName, "new.ipynb");
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "notebooks", "01_strategy_ladder.ipynb")))!.AsObject();
        foreach (var cell in json["cells"]!.AsArray()) cell!.AsObject().Remove("id");
        json["nbformat_minor"] = 4;
        File.WriteAllText(notebook, json.ToJsonString());
        var sources = Sources(notebook);

        var (exitCode, output) = ScriptProcess.Run(Script, folder.FullName, null, Timeout, "--committed", notebook);
        Assert.Equal(1, exitCode);
        Assert.Contains("cell 0 (markdown) has no id", output);
        Assert.Contains("expected 4.5", output);

        Assert.Equal(0, ScriptProcess.Run(Script, folder.FullName, null, Timeout, "--add-ids", notebook).ExitCode);
        (exitCode, output) = ScriptProcess.Run(Script, folder.FullName, null, Timeout, "--committed", notebook);
        Assert.True(exitCode == 0, output);
        Assert.Equal(sources, Sources(notebook));
    }

    private static List<string> Sources(string notebook) =>
        JsonNode.Parse(File.ReadAllText(notebook))!["cells"]!.AsArray().Select(c => c!["source"]!.ToJsonString()).ToList();
}
