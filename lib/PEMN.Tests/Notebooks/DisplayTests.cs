using System.Text.Json.Nodes;
using PEMN.Analysis;
using PEMN.Configuration;
using PEMN.Masking;
using PEMN.Notebooks;
using PEMN.Plans;
using PEMN.Storage;
using PEMN.Strategies;
using PEMN.Sweeps;
using Plotly.NET;

namespace PEMN.Tests.Notebooks;

/// <summary>The notebooks' tables, formatters and charts: what a reader sees must say what the numbers are.</summary>
public class DisplayTests
{
    private static LadderResult Row(string label, long seed, long unique, double acc, string? sameAs = null, string? runId = null) =>
        new(Rung.Of(label), seed, runId ?? $"{label}-{seed}", unique, 0.5, acc, acc, 60, true, "2026-11-28T21:00:00Z", sameAs);

    /// <summary>Dense, Mask, RP 1e-4 and RP 1e-5 = RP 1e-4 (its run), seeds 0 and 2.</summary>
    private static NamedLadder Ladder() => new("ConvMixer-64/4",
    [
        Row("Dense", 0, 0, 0.86), Row("Mask", 0, 100, 0.82), Row("RP 1e-4", 0, 1, 0.70), Row("RP 1e-5", 0, 1, 0.70, "RP 1e-4", "RP 1e-4-0"),
        Row("Dense", 2, 0, 0.88), Row("Mask", 2, 100, 0.84), Row("RP 1e-4", 2, 1, 0.74), Row("RP 1e-5", 2, 1, 0.74, "RP 1e-4", "RP 1e-4-2"),
    ]);

    private static JsonNode Json(GenericChart chart) => JsonNode.Parse(GenericChart.toFigureJson(chart))!;

    [Fact]
    public void TableCellsAreEncodedAndRowsMustFitTheColumns()
    {
        var table = new HtmlTable("a <b> caption").Column("x").Column("y", Align.Right).Row("<script>", "1").Note("n & m");
        var html = table.ToHtml();
        Assert.Contains("&lt;script&gt;", html);
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("a &lt;b&gt; caption", html);
        Assert.Contains("n &amp; m", html);
        Assert.Contains("text-align:right", html);
        var error = Assert.Throws<ArgumentException>(() => table.Row("only one"));
        Assert.Contains("2 cells; 1 were given", error.Message);
    }

    [Fact]
    public void LadderTableNamesTheSeedsAndShowsATwinRungOnceAndGrey()
    {
        var html = System.Net.WebUtility.HtmlDecode(Tables.Ladder(Ladder()).ToHtml());
        Assert.Contains(">seed 0<", html);
        Assert.Contains(">seed 2<", html);
        Assert.DoesNotContain(">seed 1<", html);
        Assert.Contains("87.00 ± 1.41", html);                      // Dense: mean 87, sample sd sqrt(2) points
        Assert.Contains("= RP 1e-4", html);
        Assert.Contains("<tr style=\"color:#8a8a8a\"><td", html);   // the twin row is muted
        Assert.Contains("6 run(s)", html);                          // RP 1e-5 has RP 1e-4's runs
        Assert.Contains("RP 1e-5 builds the same network as RP 1e-4", html);
        // The twin row repeats none of its twin's per-seed numbers.
        var twin = html[html.IndexOf("<td style", html.IndexOf("= RP 1e-4", StringComparison.Ordinal), StringComparison.Ordinal)..];
        Assert.DoesNotContain("72.00", twin[..twin.IndexOf("</tr>", StringComparison.Ordinal)]);
    }

    [Fact]
    public void FormattersPickTheirTypesThroughInterfacesAndLeaveOthersAlone()
    {
        var ladder = Ladder();
        Assert.Contains("Strategy ladder", HtmlFormatters.TryRender(ladder.Results.ToList())!);
        Assert.Contains("run 1", HtmlFormatters.TryRender(StrategyLadder.Summarize(ladder.Results))!);
        Assert.Contains("side by side", HtmlFormatters.TryRender(new[] { ladder, ladder })!);
        Assert.Null(HtmlFormatters.TryRender("text"));
        Assert.Null(HtmlFormatters.TryRender(new List<int> { 1 }));
        Assert.All(HtmlFormatters.All, f => Assert.True(f.Type.IsPublic || f.Type.IsNestedPublic, f.Type.Name));
    }

    [Fact]
    public void StorageTableShowsThePapersCAndItsParts()
    {
        var config = ExperimentPresets.Smoke with { Strategy = new StrategyConfig(StrategyName.RandomVectorPadding, 1e-2) };
        var report = StorageMeasurement.Run(config.Network);
        var html = HtmlFormatters.TryRender(report)!;
        Assert.Contains("Storage of RP 1e-2", html);
        Assert.Contains($">{report.UniqueValues:N0}<", html);
        Assert.Contains($"{report.MaskBits:N0} bits", html);
        Assert.Contains((100 * report.CompressionRatio).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + " %", html);
    }

    [Fact]
    public void ConfigTableShowsOnlyTheFieldsThatApply()
    {
        var convMixer = ConfigFields.Applying(ExperimentPresets.Quick);
        Assert.Contains("model.kernel", convMixer);
        Assert.Contains("model.dim", convMixer);
        Assert.DoesNotContain("model.heads", convMixer);
        Assert.DoesNotContain("strategy.ratio", convMixer);        // Mask has no ratio
        Assert.Contains("training.lr_max", convMixer);
        Assert.Contains("training.seed", convMixer);
        Assert.Contains("data.per_class", convMixer);

        var vit = ConfigFields.Applying(ExperimentPresets.QuickViT with { Strategy = new StrategyConfig(StrategyName.RandomVectorPadding, 1e-3) });
        Assert.Contains("model.heads", vit);
        Assert.DoesNotContain("model.kernel", vit);
        Assert.Contains("strategy.ratio", vit);

        Assert.Contains("training.epochs", ConfigFields.Applying(ExperimentPresets.SmokeViT));
        var html = Tables.Config(ExperimentPresets.Quick).ToHtml();
        Assert.Contains(">training<", html);
        Assert.Contains("lr_max 0.05", html);
        Assert.DoesNotContain("heads", html);
    }

    [Fact]
    public void LadderChartDrawsTwinRungsOnceWithErrorBarsAndUniqueValuesUnderTheLabels()
    {
        var chart = Charts.Ladder(Ladder());
        var json = Json(chart);
        var mean = json["data"]![0]!;
        Assert.Equal(3, mean["y"]!.AsArray().Count);                                // Dense, Mask, RP 1e-4 = 1e-5
        Assert.Equal(100 * Math.Sqrt(0.0002), (double)mean["error_y"]!["array"]![0]!, 6);
        var ticks = json["layout"]!["xaxis"]!["ticktext"]!.AsArray().Select(t => (string)t!).ToList();
        Assert.Equal(["Dense<br>trained", "Mask<br>100 values", "RP 1e-4 = 1e-5<br>1 value"], ticks);
        Assert.Equal(6, json["data"]![1]!["y"]!.AsArray().Count);                  // each seed of each drawn rung
        Assert.Equal(false, GenericChart.getConfig(chart).GetPropertyValue("displayModeBar"));
    }

    [Fact]
    public void CompressionChartLabelsPemnWithItsValuesAndDrawsDenseAcrossTheDrawnCompressions()
    {
        CompressionPoint Point(CompressionMethod method, string label, double compression, long values, double accuracy) =>
            new("p", method, Strategy(label), label, 0, label, null, 0.5, compression, values, accuracy, accuracy, 1, true, null);
        StrategyConfig Strategy(string label) => label.StartsWith("Random", StringComparison.Ordinal) ? new(StrategyName.SparseRandom) : Rung.Of(label);
        var result = new CompressionResult(FigurePlans.ConvMixerCompression.PanelsAt(Scale.Smoke)[0],
        [
            Point(CompressionMethod.Dense, "Dense", 0, 928, 0.9), Point(CompressionMethod.Pemn, "RP 1e-1", 0.94, 26, 0.8),
            Point(CompressionMethod.Pemn, "RP 1e-2", 0.966, 3, 0.7),
            Point(CompressionMethod.SparseRandom, "Random 90 %", 0.90, 72, 0.5), Point(CompressionMethod.SparseRandom, "Random 96 %", 0.96, 26, 0.3),
        ]);
        var json = Json(Charts.Compression(result));
        var data = json["data"]!.AsArray();
        Assert.Equal(["PEMN", "Random", "Dense"], data.Select(t => (string)t!["name"]!));
        Assert.Equal(["RP 1e-1: 26 values", "RP 1e-2: 3 values"], data[0]!["text"]!.AsArray().Select(t => (string)t!));
        Assert.Equal("markers+text", (string)data[0]!["mode"]!);
        // Close points put their labels on opposite sides: the higher one above, the lower one below.
        Assert.Equal(["top center", "bottom center"], data[0]!["textposition"]!.AsArray().Select(t => (string)t!));
        Assert.Equal([90.0, 96.6], data[2]!["x"]!.AsArray().Select(v => Math.Round((double)v!, 6)));   // dense spans every drawn point
        Assert.Equal([90.0, 90.0], data[2]!["y"]!.AsArray().Select(v => Math.Round((double)v!, 6)));
        Assert.Equal("dash", (string)data[2]!["line"]!["dash"]!);
        Assert.Throws<ArgumentException>(() => Charts.Compression(result with { Points = [Point(CompressionMethod.Dense, "Dense", 0, 928, 0.9)] }));
    }

    /// <summary>A PEMN series at two k, a sparse baseline at two q and dense, as packed files.</summary>
    private static IReadOnlyList<FilePoint> Files() =>
    [
        new("Mask", "k = 0.5", 0.5, "m5", 5000, 3000, 500, 1000, 500, 1.0, 0.83, 0.82),
        new("Mask", "k = 0.05", 0.05, "m05", 4500, 3000, 150, 1000, 350, 0.3, 0.71, 0.70),
        new("Random", "Random 96 %", 0.03, "r96", 2000, 300, 100, 1000, 600, 0.27, 0.40, 0.39) { IsSparse = true },
        new("Random", "Random 90 %", 0.08, "r90", 2600, 800, 200, 1000, 600, 0.45, 0.60, 0.59) { IsSparse = true },
        new("Dense", "Dense", 1, "d", 100_000, 0, 0, 98_000, 2000, 0, 0.88, 0.87) { IsDense = true },
    ];

    [Fact]
    public void FileChartsDrawEachSeriesInOrderOfKWithDenseAndHOfK()
    {
        var trade = Json(Charts.FileTradeOff(Files())).AsObject();
        var data = trade["data"]!.AsArray();
        Assert.Equal(["PEMN Mask (k swept)", "sparse: Random", "Dense (100,000 bytes)"], data.Take(3).Select(t => (string)t!["name"]!));
        Assert.Equal([4500.0, 5000], data[0]!["x"]!.AsArray().Select(v => (double)v!));         // k = 0.05 first
        Assert.Equal([70.0, 82.0], data[0]!["y"]!.AsArray().Select(v => Math.Round((double)v!, 6))); // final accuracy, %
        Assert.Equal(["0.05", "0.5"], data[0]!["text"]!.AsArray().Select(t => (string)t!));
        Assert.Equal([2000.0, 100_000], data[2]!["x"]!.AsArray().Select(v => (double)v!));        // dense spans every file
        Assert.Equal("log", (string)trade["layout"]!["xaxis"]!["type"]!);

        var bits = Json(Charts.MaskBits(Files()))["data"]!.AsArray();
        var entropy = bits[0]!;
        var at = entropy["x"]!.AsArray().Select(v => (double)v!).ToList().IndexOf(0.5);
        Assert.Equal(1.0, (double)entropy["y"]![at]!, 12);
        Assert.Equal([1.0, 1.0], bits[1]!["y"]!.AsArray().Select(v => (double)v!));                // the bitmap
        Assert.Equal([0.05, 0.5], bits[2]!["x"]!.AsArray().Select(v => (double)v!));
        Assert.DoesNotContain(bits, t => ((string)t!["name"]!).Contains("Dense"));

        // Bytes per part: the parts of each file stack to its length; the checkpoint is its own bar.
        var parts = Json(Charts.FileBytes(Files().Take(2).ToList(), 60_000))["data"]!.AsArray();
        Assert.Equal(5000.0, parts.Take(4).Sum(t => (double)t!["x"]![0]!));
        Assert.Equal(60_000.0, (double)parts[4]!["x"]![2]!);
        Assert.Throws<ArgumentException>(() => Charts.FileBytes([], 1));
        Assert.Throws<ArgumentException>(() => Charts.MaskBits([Files()[^1]]));
    }

    [Fact]
    public void ScoreStepTableOrdersEntriesByScoreAndNamesWhatEnteredAndLeftTheMask()
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        var weight = TorchSharp.torch.tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        var before = TorchSharp.torch.tensor(new float[] { 0.4f, -0.3f, 0.2f, 0.1f }).reshape(2, 2);
        var after = TorchSharp.torch.tensor(new float[] { 0.4f, -0.1f, 0.2f, 0.3f }).reshape(2, 2);
        var gradient = before - after;
        var maskBefore = TorchSharp.torch.tensor(new float[] { 1, 1, 0, 0 }).reshape(2, 2);
        var maskAfter = TorchSharp.torch.tensor(new float[] { 1, 0, 1, 1 }).reshape(2, 2);
        var html = Tables.ScoreStep(weight, before, gradient, after, maskBefore, maskAfter).ToHtml();
        // Largest |score| first: [0, 0] kept, [0, 1] leaves, [1, 0] enters, [1, 1] enters.
        var order = new[] { "[0, 0]", "[0, 1]", "[1, 0]", "[1, 1]" }.Select(e => html.IndexOf(e, StringComparison.Ordinal)).ToList();
        Assert.Equal(order.Order(), order);
        Assert.Contains(">leaves<", html);
        Assert.Contains(">enters<", html);
        Assert.Contains("2 entered and 1 left the mask", html);
        Assert.Throws<ArgumentException>(() => Tables.ScoreStep(weight, before, gradient, after, maskBefore, TorchSharp.torch.ones(3)));
    }

    [Fact]
    public void MaskDriftChartDrawsEachLayerTheNetworkTheIntervalsAndChance()
    {
        var history = new PEMN.Training.MaskDriftHistory(["stem", "head"], 0.5,
        [
            new(0, 0, 0, 0, 1, [0, 0]),
            new(0.5, 4, 0.10, 0.10, 0.9, [0.04, 0.2]),
            new(1, 8, 0.02, 0.11, 0.89, [0.05, 0.21]),
        ]);
        var data = Json(Charts.MaskDrift(history))["data"]!.AsArray();
        Assert.Equal(["each layer: changed since start", "each layer: changed since start", "changed since the previous look",
            "whole network: changed since start", "two unrelated masks differ in 50 %"], data.Select(t => (string)t!["name"]!));
        Assert.Equal([0.5, 1.0], data[2]!["x"]!.AsArray().Select(v => (double)v!));               // no bar for the start
        Assert.Equal([0.0, 10, 11], data[3]!["y"]!.AsArray().Select(v => Math.Round((double)v!, 6)));
        Assert.Equal([50.0, 50], data[4]!["y"]!.AsArray().Select(v => (double)v!));
        var text = history.Describe();
        Assert.Contains("head (21.0 %)", text);
        Assert.Contains("settles", text);
        Assert.Contains("part of the initial selection survives", text);                      // 11 % against 50 %
        Assert.Contains("by epoch 0.5 (step 4)", text);
        var redrawn = history with { Snapshots = [.. history.Snapshots.Take(2), new(1, 8, 0.3, 0.46, 0.54, [0.5, 0.4])] };
        Assert.Contains("training re-drew the selection", redrawn.Describe());
        Assert.Contains("still moving", redrawn.Describe());
        Assert.Throws<ArgumentException>(() => Charts.MaskDrift(history with { Snapshots = history.Snapshots.Take(1).ToList() }));
    }

    [Fact]
    public void TheFilesTableGivesBytesPartByPartAndBothAccuracies()
    {
        var html = System.Net.WebUtility.HtmlDecode(Tables.Files(Files()).ToHtml());
        foreach (var cell in new[] { ">4,500<", ">0.300<", ">0.286<", ">70.00 %<", ">71.00 %<", ">100,000<" }) Assert.Contains(cell, html);
        Assert.NotNull(HtmlFormatters.TryRender(Files()));
    }

    [Fact]
    public void SideBySideLaddersGiveEachModelItsOwnAxisOnOneAccuracyScale()
    {
        var json = Json(Charts.Ladders([Ladder(), Ladder() with { Model = "ViT-64/4" }]));
        Assert.Equal("x2", (string)json["data"]![2]!["xaxis"]!);
        Assert.All(json["data"]!.AsArray(), t => Assert.Equal("y", (string)t!["yaxis"]!));
        Assert.Contains("RP ≤1e-4<br>1", json["layout"]!["xaxis2"]!["ticktext"]!.AsArray().Select(t => (string)t!));
    }

    [Fact]
    public void SavedChartIsSelfContainedAndNamesItsSize()
    {
        var folder = Directory.CreateTempSubdirectory("pemn-figure-");
        try
        {
            var path = Figures.Save(Charts.Ladder(Ladder()), folder.FullName, "ladder");
            Assert.Equal(Path.Combine(folder.FullName, "ladder.chart.html"), path);
            var html = File.ReadAllText(path);
            Assert.Contains($"<meta name=\"{Figures.SizeMeta}\" content=\"{Figures.DefaultWidth}x{Figures.DefaultHeight}\">", html[..500]);
            // The encoding where a browser looks for it (the first 1024 bytes): axis labels' minus signs are not ASCII.
            Assert.Contains("<meta charset=\"utf-8\">", html[..500]);
            Assert.True(ExecutedNotebook.EmbedsPlotlyJs(html), "the page loads plotly.js from a CDN");
            Assert.Throws<ArgumentException>(() => Figures.Save(Charts.Ladder(Ladder()), folder.FullName, "../x"));
        }
        finally { folder.Delete(recursive: true); }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NotebookChartDrawsOfflineWithOrWithoutAnAmdLoaderInThePage(bool amdLoader)
    {
        // Jupyter and nbconvert's HTML load require.js: plotly.js then registers as an anonymous AMD module and never
        // defines window.Plotly. This stand-in refuses anonymous modules the way require.js does.
        const string requireJs = "<script>window.define = function () { throw new Error('Mismatched anonymous define() module'); }; window.define.amd = {};</script>";
        var folder = Directory.CreateTempSubdirectory("pemn-notebook-chart-");
        try
        {
            var page = Path.Combine(folder.FullName, "output.html");
            File.WriteAllText(page, "<!doctype html><html><head>" + (amdLoader ? requireJs : "") + "</head><body>" +
                Figures.NotebookHtml(Charts.Ladder(Ladder())) + "<script>document.title = typeof window.define;</script></body></html>");
            var browser = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.First(File.Exists);
            var (_, dom) = Scripts.ScriptProcess.Run(browser, folder.FullName, null, TimeSpan.FromMinutes(2),
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", $"--user-data-dir={Path.Combine(folder.FullName, "profile")}",
                "--virtual-time-budget=10000", "--dump-dom", new Uri(page).AbsoluteUri);
            Assert.Contains("class=\"main-svg\"", dom);                       // plotly drew the figure
            Assert.Contains(amdLoader ? "<title>function</title>" : "<title>undefined</title>", dom);   // the page's loader is back
        }
        finally { folder.Delete(recursive: true); }
    }

    [Fact]
    public void NumbersReadTheSameOnEveryMachineAndZeroHasNoSign()
    {
        Assert.Equal("0.0 %", Numbers.Percent(-0.00001, 1));
        Assert.Equal("82.90 %", Numbers.Percent(0.829));
        Assert.Equal("23,680", Numbers.Count(23680));
        Assert.Equal("+1.2", Numbers.SignedPoints(0.012));
        Assert.Equal("757,760 bits (92.5 KiB)", Numbers.Bits(757760));
        Assert.Equal("2 h 03 min", Numbers.Duration(7380));
    }

    [Fact]
    public void PairLabelsShowWhereTwoPathsDiffer()
    {
        var overlap = new MaskOverlap(0.5, 1.0 / 3, 0.5);
        Assert.Equal("blocks.{0↔2}.pointwise", Charts.PairLabel(new MaskPairOverlap("blocks.0.pointwise", "blocks.2.pointwise", [4, 4], overlap, overlap)));
        Assert.Equal("head", Charts.PairLabel(new MaskPairOverlap("head", "head", [4, 4], overlap, overlap)));
    }

    private static PointResult Point(string series, long values, long seed, double acc, bool reused = true, string? sameAs = null) =>
        new(series, FewValues.Label(values), seed, $"{series}-{values}-{seed}", values, values, 32 * values, 0.97, acc, acc, 100, reused, sameAs);

    [Fact]
    public void PointsTableGivesEachSeedItsColumnAndSaysWhatWasReused()
    {
        var results = new[]
        {
            Point("copy", 1, 0, 0.70), Point("copy", 1, 1, 0.80), Point("copy", 1, 2, 0.75, reused: false),
            Point("copy", 41, 0, 0.86),
        };
        var html = Tables.Points(results).ToHtml();
        Assert.Contains("75.00 &#177; 5.00", html);                                      // mean ± sample sd over 3 seeds
        Assert.Contains(">seed 2<", html);
        Assert.Matches("41 values</td>.*<td[^>]*>86.00</td><td[^>]*></td><td[^>]*></td></tr>", html);   // no run of seeds 1, 2 at 41 values
        Assert.Contains("4 run(s), 6 min 40 s of training in all, 3 reused, 1 trained now.", html);
    }

    [Fact]
    public void FewValuesChartDrawsEverySeedAndTheMeanWithItsSdOnALogAxisOfStoredValues()
    {
        var results = new[]
        {
            Point("copy", 1, 0, 0.70), Point("copy", 1, 1, 0.80), Point("copy", 5, 0, 0.84), Point("copy", 5, 1, 0.86),
            Point("rand", 1, 0, 0.70, sameAs: "copy-1-0"), Point("rand", 5, 0, 0.85),
        };
        var json = Json(Charts.FewValues(results, ["copy", "rand"]));
        var data = json["data"]!.AsArray();
        Assert.Equal(4, data.Count);                                                 // per series: seeds, mean
        Assert.Equal([70.0, 80.0, 84.0, 86.0], data[0]!["y"]!.AsArray().Select(v => Math.Round((double)v!, 6)));
        Assert.Equal([75.0, 85.0], data[1]!["y"]!.AsArray().Select(v => Math.Round((double)v!, 6)));
        Assert.Equal(100 * Math.Sqrt(0.005), (double)data[1]!["error_y"]!["array"]![0]!, 6);
        Assert.Single(data[2]!["y"]!.AsArray());                                     // rand's one-value run is copy's network: drawn once, by copy
        Assert.True((double)data[0]!["x"]![0]! < 1 && (double)data[2]!["x"]![0]! > 5, "the series sit apart, either side of the count");
        Assert.Equal("log", (string)json["layout"]!["xaxis"]!["type"]!);
        Assert.Equal(["1", "5"], json["layout"]!["xaxis"]!["ticktext"]!.AsArray().Select(t => (string)t!));
        var error = Assert.Throws<ArgumentException>(() => Charts.FewValues(results, ["signed constant"]));
        Assert.Contains("copy, rand", error.Message);
    }

    [Fact]
    public void SignsTableListsEachSignsSeedsAndMeanAndSaysWhenASignWasNeverDrawn()
    {
        var html = Tables.Signs(
        [
            new SignSplit("copy", false, [Point("copy", 1, 1, 0.78), Point("copy", 1, 2, 0.80)], [Point("copy", 1, 0, 0.72)]),
            new SignSplit("signed constant", false, [Point("signed constant", 1, 0, 0.79)], []),
            new SignSplit("sign-symmetric", true, [Point("sign-symmetric", 1, 0, 0.77)], []),
        ]).ToHtml();
        Assert.Contains("1 (78.00), 2 (80.00)", html);
        Assert.Contains("79.00 %", html);   // the negative seeds' mean
        Assert.Contains(">none<", html);   // signed constant never drew a positive value
        Assert.Contains("sign-symmetric (every layer holds both signs)", html);
    }

    [Fact]
    public void VerdictsTableSaysStableOrNotAndWhatTheVariantCosts()
    {
        var html = Tables.Verdicts([new VariantVerdict("signed constant", 0.8, 0.005, 0.7, 0.04, true, -155, 0.002, 0.004, 2)]).ToHtml();
        Assert.Contains(">yes<", html);
        Assert.Contains("-155 bits", html);
        Assert.Contains("no measurable difference", html);
        Assert.Contains("+0.20 (noise &#177; 0.40)", html);
    }
}
