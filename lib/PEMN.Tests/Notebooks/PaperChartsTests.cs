using System.Text.Json.Nodes;
using PEMN.Analysis;
using PEMN.Models;
using PEMN.Notebooks;
using PEMN.Paper;
using PEMN.Sweeps;
using Plotly.NET;

namespace PEMN.Tests.Notebooks;

public class PaperChartsTests
{
    private static PanelComparison Panel()
    {
        var figures = PaperFigures.Load();
        var panel = new PaperPanel(PaperFigure.Fig3, ModelName.ConvMixer, 6, 256);
        var paper = figures.In(panel).Select(p => PanelPoint.FromPaper(p, figures.Provenance)).ToList();
        // The workbook: Dense and Mask over two seeds, MP over one.
        LadderResult Row(string rung, long seed, double acc) => new(Rung.Of(rung), seed, $"{rung}-{seed}", 10, 0.5, acc, acc, 1, true, "", null);
        var workbook = new WorkbookPanel("ConvMixer-64/4", PanelPoint.FromLadder([Row("Dense", 0, 0.87), Row("Dense", 1, 0.88), Row("Mask", 0, 0.82),
            Row("Mask", 1, 0.84), Row("MP", 0, 0.81)]));
        return PaperComparison.Compare(panel, paper, workbook);
    }

    [Fact]
    public void TheGapChartSetsEachSidesGapToItsOwnDenseSideBySide()
    {
        var json = JsonNode.Parse(GenericChart.toFigureJson(PaperCharts.Gaps(Panel())))!;
        var data = json["data"]!.AsArray();
        Assert.Equal(["paper (its Dense)", "workbook (its Dense)"], data.Select(t => (string)t!["name"]!));
        Assert.Equal(8, data[0]!["x"]!.AsArray().Count);                                          // every rung but Dense
        Assert.Equal(-4.58, Math.Round((double)data[0]!["y"]![0]!, 6));                          // Mask: 89.43 - 94.01
        Assert.Equal(-4.5, Math.Round((double)data[1]!["y"]![0]!, 6));                           // Mask: 83.0 - 87.5
        Assert.Null(data[1]!["y"]![1]);                                                            // no One-layer in the workbook
        // Error bars: two standard errors of two seeds for Mask, none for MP's one seed.
        Assert.Equal(Math.Round(200 * 0.01 * Math.Sqrt(2) / Math.Sqrt(2), 6), Math.Round((double)data[1]!["error_y"]!["array"]![0]!, 6));
        Assert.Equal(0, (double)data[1]!["error_y"]!["array"]![2]!);
    }

    [Fact]
    public void TheClaimsTableGivesBothVerdictsAndOneSeedDifferencesWithoutNoise()
    {
        var html = System.Net.WebUtility.HtmlDecode(Tables.Claims(Panel()).ToHtml());
        Assert.Contains("Mask is below Dense", html);
        Assert.Contains("holds (-4.58 ± 0.10)", html);
        Assert.Contains("no data", html);                       // One-layer is missing
        Assert.Contains("Workbook: ConvMixer-64/4.", html);
        Assert.DoesNotContain("± 0.00", html);
    }
}
