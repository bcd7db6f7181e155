using PEMN.Analysis;
using PEMN.Configuration;
using PEMN.Masking;
using PEMN.Runs;
using PEMN.Storage;
using PEMN.Sweeps;

namespace PEMN.Notebooks;

/// <summary>How values of one type are shown as HTML in a notebook.</summary>
/// <param name="Type">The type (a value of a derived or implementing type uses it too).</param>
/// <param name="Render">The HTML of a value of that type.</param>
public sealed record HtmlFormatter(Type Type, Func<object, string> Render);

/// <summary>
/// The notebooks' HTML formatters for the workbook's result types, which the shared set-up cell registers with the
/// notebook engine (<c>Formatter.Register(f.Type, ..., "text/html")</c>), so that a cell ending in a storage report, a
/// run, a ladder or a mask summary shows a compact table (<see cref="Tables"/>) instead of the engine's object dump.
/// This project does not reference the engine: registering is the set-up file's one loop.
/// </summary>
public static class HtmlFormatters
{
    /// <summary>Every formatter, most specific types first.</summary>
    public static IReadOnlyList<HtmlFormatter> All { get; } =
    [
        Of<NotebookSession>(s => Tables.Session(s).ToHtml()),
        Of<ExperimentConfig>(c => Tables.Config(c).ToHtml()),
        Of<StorageReport>(r => Tables.Storage(r).ToHtml()),
        Of<IEnumerable<StorageReport>>(r => Tables.Storage(r).ToHtml()),
        Of<RunOutcome>(r => Tables.Run(r).ToHtml()),
        Of<NamedLadder>(l => Tables.Ladder(l).ToHtml()),
        Of<IReadOnlyList<NamedLadder>>(l => Tables.Compare(l).ToHtml()),
        Of<IReadOnlyList<LadderResult>>(r => Tables.Ladder(r).ToHtml()),
        Of<IReadOnlyList<LadderSummary>>(r => Tables.Ladder(r).ToHtml()),
        Of<IReadOnlyList<LadderGap>>(g => Tables.Gaps(g).ToHtml()),
        Of<IReadOnlyList<LayerMaskSummary>>(m => Tables.Masks(m).ToHtml()),
        Of<IReadOnlyList<MaskPairOverlap>>(p => Tables.Overlaps(p).ToHtml()),
        Of<LayerMaskView>(v => Tables.LayerView(v).ToHtml()),
        Of<TrainedRun>(r => Tables.Trained([r]).ToHtml()),
        Of<IEnumerable<TrainedRun>>(r => Tables.Trained(r).ToHtml()),
        Of<IReadOnlyList<FilePoint>>(p => Tables.Files(p).ToHtml()),
        Of<IEnumerable<RunFile>>(f => Tables.RunFiles(f).ToHtml()),
        Of<IReadOnlyList<PointResult>>(r => Tables.Points(r).ToHtml()),
        Of<IReadOnlyList<PointSummary>>(s => Tables.Points(s).ToHtml()),
        Of<IReadOnlyList<SeedDraw>>(d => Tables.Draws(d).ToHtml()),
        Of<NetworkAnalysis>(a => Tables.Analysis(a).ToHtml() + Tables.Norms(a).ToHtml()),
        Of<IEnumerable<FewValuesVariant>>(v => Tables.Variants(v).ToHtml()),
        Of<IReadOnlyList<VariantVerdict>>(v => Tables.Verdicts(v).ToHtml()),
        Of<HtmlTable>(t => t.ToHtml()),
    ];

    /// <summary>The HTML of <paramref name="value"/> from the first formatter whose type it is, or null when none applies.</summary>
    public static string? TryRender(object value) =>
        All.FirstOrDefault(f => f.Type.IsInstanceOfType(value))?.Render(value);

    private static HtmlFormatter Of<T>(Func<T, string> render) => new(typeof(T), value => render((T)value));
}
