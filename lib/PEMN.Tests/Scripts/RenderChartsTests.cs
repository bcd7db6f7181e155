using PEMN.Notebooks;
using PEMN.Runtime;

namespace PEMN.Tests.Scripts;

/// <summary>
/// scripts/render-charts.sh on a fresh folder: the figure step of scripts/reproduce.sh, which must draw a chart
/// page into a PNG from a relative folder and fail loudly when no image comes out, even with an older PNG there.
/// </summary>
public class RenderChartsTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("pemn-render-");

    public void Dispose() => folder.Delete(recursive: true);

    private static string Script => Path.Combine(Repository.Find(), "scripts", "render-charts.sh");

    /// <summary>A tiny self-contained chart page in a sub-folder whose name has a space (file:// URLs must be encoded).</summary>
    private string Page()
    {
        var sub = Directory.CreateDirectory(Path.Combine(folder.FullName, "fig ure"));
        var page = Path.Combine(sub.FullName, "tiny.chart.html");
        File.WriteAllText(page, "<!doctype html><html><body style=\"margin:0\"><div style=\"width:300px;height:200px;background:#1f77b4\"></div></body></html>");
        return page;
    }

    [Fact]
    public void DrawsAPngFromARelativeFolder()
    {
        var page = Page();
        var (exitCode, output) = ScriptProcess.Run(Script, Path.GetDirectoryName(folder.FullName)!, null, Timeout, folder.Name);

        Assert.True(exitCode == 0, output);
        var png = page.Replace(".chart.html", ".png");
        Assert.True(File.Exists(png), output);
        Assert.Equal(PngSignature, File.ReadAllBytes(png).Take(8));
        Assert.Contains("1 chart(s)", output);
    }

    [Fact]
    public void APageThatNamesItsFigureSizeIsDrawnAtThatSize()
    {
        var page = Path.Combine(folder.FullName, "sized.chart.html");
        File.WriteAllText(page, $"<!doctype html><html><head><meta name=\"{Figures.SizeMeta}\" content=\"420x260\"><style>body{{margin:0}}</style></head>" +
            "<body><div style=\"width:420px;height:260px;background:#2ca02c\"></div></body></html>");
        var (exitCode, output) = ScriptProcess.Run(Script, folder.FullName, null, Timeout, folder.FullName);

        Assert.True(exitCode == 0, output);
        var png = File.ReadAllBytes(page.Replace(".chart.html", ".png"));
        // PNG IHDR: width and height, big-endian, at bytes 16 and 20.
        Assert.Equal((420, 260), (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)),
            System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20))));
    }

    [Fact]
    public void NoImageFailsAndLeavesTheOlderPngAsItWas()
    {
        var page = Page();
        var png = page.Replace(".chart.html", ".png");
        File.WriteAllBytes(png, [.. PngSignature, 1, 2, 3]);
        var browserThatWritesNothing = new Dictionary<string, string> { ["PEMN_CHROMIUM"] = "/bin/true" };

        var (exitCode, output) = ScriptProcess.Run(Script, folder.FullName, browserThatWritesNothing, Timeout, folder.FullName);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("no image from", output);
        Assert.Equal([.. PngSignature, 1, 2, 3], File.ReadAllBytes(png));
    }
}
