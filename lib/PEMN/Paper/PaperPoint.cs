using System.Globalization;
using PEMN.Models;
using PEMN.Runtime;
using PEMN.Strategies;

namespace PEMN.Paper;

/// <summary>
/// One panel of a paper figure: one model on the figure's data set. Fig. 3 has a panel per depth and width; the
/// compression figures have a panel per model and depth (their width is not printed, <see cref="PaperPoint.WidthInferred"/>).
/// </summary>
/// <param name="Figure">The figure.</param>
/// <param name="Model">The model family.</param>
/// <param name="Depth">Blocks (ConvMixer, ViT) or layers (ResNet).</param>
/// <param name="Width">The width (ConvMixer's dim, ViT's embedding) of a Fig. 3 panel; null for the compression figures.</param>
public sealed record PaperPanel(PaperFigure Figure, ModelName Model, int Depth, int? Width)
{
    /// <summary>The data set of the panel's accuracies (<see cref="PaperFigureKinds.DataSet"/>).</summary>
    public PaperDataSet DataSet => Figure.DataSet();

    /// <summary>"ConvMixer-256/6" (width/depth), "ConvMixer, depth 6", "ResNet-32", "ViT-512/8".</summary>
    public string ModelTitle => Model == ModelName.ResNet
        ? string.Create(CultureInfo.InvariantCulture, $"ResNet-{Depth}")
        : Width is { } w
            ? string.Create(CultureInfo.InvariantCulture, $"{Names.Label(Model)}-{w}/{Depth}")
            : string.Create(CultureInfo.InvariantCulture, $"{Names.Label(Model)}, depth {Depth}");

    /// <summary>"Fig. 3: ConvMixer-256/6, CIFAR-10": how a report titles the panel.</summary>
    public string Title => $"{Names.Label(Figure)}: {ModelTitle}, {Names.Label(DataSet)}";
}

/// <summary>
/// One plotted point of the paper (<see cref="PaperFigures"/>), with typed keys: the rung or the PEMN point as its
/// <see cref="StrategyConfig"/>, the series as its <see cref="CompressionMethod"/>. Accuracies and compressions are in
/// percent, as the figures plot them.
/// </summary>
/// <param name="Figure">The figure.</param>
/// <param name="Model">The model family (ResNet-50 of the ImageNet panels is the bottleneck ImageNet ResNet, not the library's CIFAR ResNet).</param>
/// <param name="Depth">Blocks or layers.</param>
/// <param name="Width">The width printed on the panel, or null when the row gives none.</param>
/// <param name="WidthInferred">The panel does not print its width and the reader inferred it (the file's '256?').</param>
/// <param name="DataSet">The data set of the accuracy.</param>
/// <param name="Method">The series: Dense, PEMN or a sparse baseline (the paper's "Random" and "Minimum").</param>
/// <param name="Strategy">
/// The rung (Fig. 3) or the PEMN point's strategy with its ratio, a baseline's strategy, Dense's; null for PEMN points of
/// the extra panels, which do not name their strategies.
/// </param>
/// <param name="CompressionPercent">Storage compression, % (compression figures); null for Dense, for Fig. 3 and where the file gives none.</param>
/// <param name="AtPlotEdge">The point sits at the plot's left edge (the file's '89.0(edge)'): its compression is the edge's, an upper bound.</param>
/// <param name="AccuracyPercent">Test accuracy, %.</param>
/// <param name="Legend">The series as the paper's legend or axis names it ("Minimum", "Ours", "RP_1e-1"), for display.</param>
/// <param name="Line">The line of the data file the point was read from (1-based).</param>
public sealed record PaperPoint(PaperFigure Figure, ModelName Model, int Depth, int? Width, bool WidthInferred, PaperDataSet DataSet,
    CompressionMethod Method, StrategyConfig? Strategy, double? CompressionPercent, bool AtPlotEdge, double AccuracyPercent,
    string Legend, int Line)
{
    /// <summary>The panel the point is drawn in (Fig. 3's by width, the others' by model and depth).</summary>
    public PaperPanel Panel => new(Figure, Model, Depth, Figure.IsLadder() ? Width : null);

    /// <summary>"Mask", "RP 1e-3", "Random 90 %", "PEMN 96.86 %": the point for display.</summary>
    public string Label =>
        Method == CompressionMethod.Pemn && Strategy is null ? $"PEMN{Percent()}"
        : Method.IsBaseline() ? $"{Names.Label(Method)}{Percent()}"
        : Strategy!.Label();

    /// <summary>
    /// Throws when a field is outside its range: a depth or width that is not positive, an accuracy outside (0, 100], a
    /// compression outside [0, 100), an edge flag without a compression, or a strategy of another series than <see cref="Method"/>.
    /// </summary>
    public PaperPoint Validate()
    {
        if (!Enum.IsDefined(Figure)) throw ConfigError.Enum(nameof(Figure), Figure);
        if (!Enum.IsDefined(Model)) throw ConfigError.Enum(nameof(Model), Model);
        if (!Enum.IsDefined(DataSet)) throw ConfigError.Enum(nameof(DataSet), DataSet);
        if (!Enum.IsDefined(Method)) throw ConfigError.Enum(nameof(Method), Method);
        if (Depth <= 0) throw new ArgumentOutOfRangeException(nameof(Depth), Depth, $"Depth = {Depth} must be positive.");
        if (Width is <= 0) throw new ArgumentOutOfRangeException(nameof(Width), Width, $"Width = {Width} must be positive.");
        if (WidthInferred && Width is null) throw new ArgumentException("WidthInferred is set but no width is given.", nameof(WidthInferred));
        if (!double.IsFinite(AccuracyPercent) || AccuracyPercent <= 0 || AccuracyPercent > 100)
            throw new ArgumentOutOfRangeException(nameof(AccuracyPercent), AccuracyPercent, $"AccuracyPercent = {AccuracyPercent} is outside (0, 100].");
        if (CompressionPercent is { } c && (!double.IsFinite(c) || c < 0 || c >= 100))
            throw new ArgumentOutOfRangeException(nameof(CompressionPercent), c, $"CompressionPercent = {c} is outside [0, 100).");
        if (AtPlotEdge && CompressionPercent is null) throw new ArgumentException("AtPlotEdge is set but no compression is given.", nameof(AtPlotEdge));
        if (Strategy is not null && CompressionMethods.Of(Strategy.Validate().Name) != Method)
            throw new ArgumentException($"Strategy {Names.Of(Strategy.Name)} is drawn in series {Names.Of(CompressionMethods.Of(Strategy.Name))}, not {Names.Of(Method)}.", nameof(Strategy));
        if (Strategy is null && Method != CompressionMethod.Pemn)
            throw new ArgumentException($"Series {Names.Of(Method)} needs its strategy; only PEMN points may leave it unnamed.", nameof(Strategy));
        return this;
    }

    private string Percent() => CompressionPercent is { } c ? string.Create(CultureInfo.InvariantCulture, $" {c:0.##} %") : "";
}
