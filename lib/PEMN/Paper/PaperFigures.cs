using System.Globalization;
using System.Text.RegularExpressions;
using PEMN.Models;
using PEMN.Runtime;
using PEMN.Strategies;

namespace PEMN.Paper;

/// <summary>A line of the paper's data file that does not parse: it names the file, the line and the field.</summary>
/// <param name="source">The file's name (or where the text came from).</param>
/// <param name="line">The 1-based line.</param>
/// <param name="field">The column (figure, backbone, depth, width, setting, x, acc) or "header".</param>
/// <param name="problem">What is wrong, with the allowed values.</param>
public sealed class PaperFiguresFormatException(string source, int line, string field, string problem)
    : FormatException($"{source} line {line}, field {field}: {problem}")
{
    /// <summary>The 1-based line.</summary>
    public int Line { get; } = line;

    /// <summary>The column, or "header".</summary>
    public string Field { get; } = field;
}

/// <summary>
/// The paper's plotted points (Bai et al., NeurIPS 2022), read off the authors' vector figures into
/// <c>Paper/paper-figures.csv</c> (embedded in the library, so notebooks and the package have it without a path), with
/// its provenance (<see cref="PaperProvenance"/>: source, method, read-off error). Packed rows are unpacked into one typed
/// point each: a compression figure's '/'-separated series (compressions in <c>x</c>, accuracies in <c>acc</c>), and the
/// extra panels' '|'-packed rows (one part per series of the '/'-separated setting).
/// <para>
/// The paper's two sparse baselines are mapped onto the library's: "Random" is <see cref="StrategyName.SparseRandom"/>;
/// "Minimum" (the sparse network trained from scratch after removing the smallest-magnitude weights, as the file's header
/// and the paper say) is <see cref="StrategyName.SparseMagnitude"/>, which removes the smallest |w| of the initial weights
/// and trains the rest from scratch. It is not <see cref="StrategyName.SparseMagnitudeTrained"/>: that one prunes the
/// trained dense network and fine-tunes it, a baseline beyond the paper (the compression comparison's paper baselines are
/// the same two; a test holds them equal).
/// </para>
/// </summary>
public sealed class PaperFigures
{
    /// <summary>The embedded data file's resource name.</summary>
    public const string ResourceName = "PEMN.Paper.paper-figures.csv";

    /// <summary>The data file's name, as errors name it.</summary>
    public const string FileName = "paper-figures.csv";

    /// <summary>The data file's column header, in order.</summary>
    public static IReadOnlyList<string> Columns { get; } = ["figure", "backbone", "depth", "width", "setting", "x", "acc"];

    /// <summary>The paper's legends for its sparse baselines, and the library's strategy each is (see <see cref="PaperFigures"/>).</summary>
    public static IReadOnlyDictionary<string, StrategyName> PaperBaselines { get; } = new Dictionary<string, StrategyName>(StringComparer.Ordinal)
    {
        ["Random"] = StrategyName.SparseRandom,
        ["Minimum"] = StrategyName.SparseMagnitude,
    };

    /// <summary>The legend of the paper's PEMN points in the compression figures.</summary>
    public const string OursLegend = "Ours";

    private static readonly Lazy<PaperFigures> Embedded = new(() => Parse(ReadEmbedded(), FileName));

    private PaperFigures(PaperProvenance provenance, IReadOnlyList<PaperPoint> points)
    {
        Provenance = provenance;
        Points = points;
        Panels = points.Select(p => p.Panel).Distinct().ToList();
    }

    /// <summary>Where the values come from and how exact they are.</summary>
    public PaperProvenance Provenance { get; }

    /// <summary>Every point, in the order of the file (a packed row's points in the order they are packed).</summary>
    public IReadOnlyList<PaperPoint> Points { get; }

    /// <summary>Every panel, in the order of the file.</summary>
    public IReadOnlyList<PaperPanel> Panels { get; }

    /// <summary>The points of one figure, in file order.</summary>
    public IReadOnlyList<PaperPoint> Of(PaperFigure figure) => Points.Where(p => p.Figure == figure).ToList();

    /// <summary>The points of one panel, in file order.</summary>
    public IReadOnlyList<PaperPoint> In(PaperPanel panel) => Points.Where(p => p.Panel == panel).ToList();

    /// <summary>The library's copy of the paper's values (parsed once).</summary>
    public static PaperFigures Load() => Embedded.Value;

    /// <summary>The embedded data file's text, header included.</summary>
    public static string ReadEmbedded()
    {
        using var stream = typeof(PaperFigures).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The library has no resource {ResourceName}: lib/PEMN/PEMN.csproj embeds Paper/{FileName}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Parses a data file in the format of <c>Paper/paper-figures.csv</c>.</summary>
    /// <param name="text">The file's text.</param>
    /// <param name="source">The name errors give the file.</param>
    /// <exception cref="PaperFiguresFormatException">A line does not parse; the message names the line, the field and the allowed values.</exception>
    public static PaperFigures Parse(string text, string source = FileName)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var header = lines.TakeWhile(l => l.StartsWith('#')).Select(l => l.TrimStart('#').Trim()).ToList();
        var provenance = ParseProvenance(header, source);
        var index = header.Count;
        if (index >= lines.Length || lines[index].Trim() != string.Join(",", Columns))
            throw new PaperFiguresFormatException(source, index + 1, "header", $"expected the column line '{string.Join(",", Columns)}' after the '#' lines.");
        var points = new List<PaperPoint>();
        for (var i = index + 1; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0) continue;
            points.AddRange(new RowParser(source, i + 1, lines[i]).Points());
        }
        return new PaperFigures(provenance, points);
    }

    private static PaperProvenance ParseProvenance(IReadOnlyList<string> header, string source)
    {
        if (header.Count < 2)
            throw new PaperFiguresFormatException(source, header.Count + 1, "header", "expected '#' lines: the source, then 'Method: ...' with the read-off error.");
        const string methodPrefix = "Method:";
        if (!header[1].StartsWith(methodPrefix, StringComparison.Ordinal))
            throw new PaperFiguresFormatException(source, 2, "header", $"expected '# {methodPrefix} ...', found '# {header[1]}'.");
        var method = header[1][methodPrefix.Length..].Trim();
        var error = Regex.Match(method, @"read-off error about \+-(?<e>\d+(\.\d+)?) accuracy points");
        if (!error.Success)
            throw new PaperFiguresFormatException(source, 2, "header", "the method line names no read-off error; expected 'read-off error about +-E accuracy points'.");
        return new PaperProvenance(header[0], method, double.Parse(error.Groups["e"].Value, CultureInfo.InvariantCulture), header.Skip(2).ToList()).Validate();
    }

    /// <summary>One series of a row: what its points are (before their values are known).</summary>
    private sealed record Series(CompressionMethod Method, IReadOnlyList<StrategyConfig>? Strategies, StrategyConfig? Single, string Legend, string Abbreviation);

    /// <summary>The points of one data line; every error names the line and the field.</summary>
    private sealed class RowParser(string source, int line, string text)
    {
        private static readonly Regex Backbone = new(@"^(?<family>[A-Za-z]+?)(?<depth>\d+)?$");
        private static readonly Regex StrategyToken = new(@"^(?<name>[A-Za-z][A-Za-z-]*?)?[_ ]?(?<ratio>\d+(\.\d+)?e-?\d+)?$");
        private static readonly Regex Compression = new(@"^(?<value>\d+(\.\d+)?)(?<edge>\(edge\))?$");
        private static readonly Regex PackedPart = new(@"^(?<prefix>[A-Za-z]+)?(@(?<at>[^:]+):)?\s*(?<values>.*)$");
        private const string NotGiven = "see report";

        private PaperFiguresFormatException Error(string field, string problem) => new(source, line, field, problem);

        public IEnumerable<PaperPoint> Points()
        {
            var f = text.Split(',').Select(s => s.Trim()).ToArray();
            if (f.Length != Columns.Count)
                throw Error("line", $"{f.Length} fields; expected {Columns.Count} ({string.Join(",", Columns)}).");
            if (!Names.TryParse<PaperFigure>(f[0], out var figure))
                throw Error("figure", $"'{f[0]}' is not allowed; allowed: {Names.Allowed<PaperFigure>()}.");
            var (model, depth) = ParseModel(f[1], f[2]);
            var (width, inferred) = ParseWidth(f[3]);
            var settings = f[4].Split('/').Select(s => s.Trim()).ToList();
            var series = new List<Series>();
            StrategyConfig? previous = null;
            foreach (var s in settings) series.Add(ParseSeries(s, ref previous));
            var packed = f[6].Contains('|');
            if (packed != (series.Count > 1))
                throw Error("acc", series.Count > 1
                    ? $"the setting names {series.Count} series; expected their values '|'-packed, one part each."
                    : "'|'-packed values need a '/'-separated setting naming one series per part.");
            var values = packed ? UnpackValues(series, f[5], f[6]) : [SingleValues(series[0], f[5], f[6])];
            for (var i = 0; i < series.Count; i++)
                foreach (var point in Make(figure, model, depth, width, inferred, series[i], values[i].Accuracies, values[i].Compressions))
                    yield return point;
        }

        private (ModelName Model, int Depth) ParseModel(string backbone, string depthText)
        {
            var m = Backbone.Match(backbone);
            if (!m.Success || !Names.TryParse<ModelName>(m.Groups["family"].Value, out var model))
                throw Error("backbone", $"'{backbone}' is not allowed; allowed: {Names.Allowed<ModelName>()}, followed by the depth for ResNets (ResNet32).");
            int? fromName = m.Groups["depth"].Success ? int.Parse(m.Groups["depth"].Value, CultureInfo.InvariantCulture) : null;
            int? fromColumn = depthText.Length == 0 ? null
                : int.TryParse(depthText, NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d
                : throw Error("depth", $"'{depthText}' is not a whole number.");
            if (fromName is not null && fromColumn is not null && fromName != fromColumn)
                throw Error("depth", $"{fromColumn} contradicts the backbone's {backbone}.");
            var depth = fromName ?? fromColumn ?? throw Error("depth", $"no depth: give it in the depth column or the backbone's name ({backbone}32).");
            if (depth <= 0) throw Error("depth", $"{depth} must be positive.");
            return (model, depth);
        }

        private (int? Width, bool Inferred) ParseWidth(string text)
        {
            if (text.Length == 0) return (null, false);
            var inferred = text.EndsWith('?');
            var digits = inferred ? text[..^1] : text;
            return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var w) && w > 0
                ? (w, inferred)
                : throw Error("width", $"'{text}' is not a positive whole number (a trailing '?' marks a width the panel does not print).");
        }

        private Series ParseSeries(string setting, ref StrategyConfig? previous)
        {
            if (PaperBaselines.TryGetValue(setting, out var baseline))
                return new Series(CompressionMethods.Of(baseline), null, new StrategyConfig(baseline), setting, setting[..1]);
            if (setting == OursLegend) return new Series(CompressionMethod.Pemn, null, null, setting, OursLegend);
            if (setting.StartsWith(OursLegend + "(", StringComparison.Ordinal) && setting.EndsWith(')'))
            {
                var strategies = new List<StrategyConfig>();
                foreach (var token in setting[(OursLegend.Length + 1)..^1].Split(';'))
                {
                    var strategy = ParseStrategy(token.Trim(), previous);
                    if (CompressionMethods.Of(strategy.Name) != CompressionMethod.Pemn)
                        throw Error("setting", $"'{token}' in {setting} is not a PEMN strategy.");
                    strategies.Add(previous = strategy);
                }
                return new Series(CompressionMethod.Pemn, strategies, null, OursLegend, OursLegend);
            }
            var rung = ParseStrategy(setting, null);
            return new Series(CompressionMethods.Of(rung.Name), null, rung, setting, "");
        }

        /// <summary>"Mask", "One-layer", "MP", "RP_1e-3", "RP1e-1", or a bare ratio "1e-2" continuing the previous RP.</summary>
        private StrategyConfig ParseStrategy(string token, StrategyConfig? previous)
        {
            var m = StrategyToken.Match(token);
            var allowed = $"allowed: {Names.Allowed<StrategyName>()}, RP with its ratio (RP_1e-3), {string.Join(", ", PaperBaselines.Keys)}, {OursLegend}(...)";
            if (!m.Success || token.Length == 0) throw Error("setting", $"'{token}' is not allowed; {allowed}.");
            StrategyName name;
            if (m.Groups["name"].Success)
            {
                if (!Names.TryParse(m.Groups["name"].Value, out name)) throw Error("setting", $"'{token}' is not allowed; {allowed}.");
            }
            else if (previous is { Name: StrategyName.RandomVectorPadding }) name = previous.Name;
            else throw Error("setting", $"the bare ratio '{token}' must follow an RP point.");
            var config = new StrategyConfig(name);
            if (m.Groups["ratio"].Success)
            {
                if (!config.Applies("ratio")) throw Error("setting", $"'{token}': a ratio applies to RP only.");
                config = config with { Ratio = double.Parse(m.Groups["ratio"].Value, CultureInfo.InvariantCulture) };
            }
            else if (name == StrategyName.RandomVectorPadding) throw Error("setting", $"'{token}': RP needs its ratio (RP_1e-3).");
            try
            {
                return config.Validate().Canonical();
            }
            catch (ArgumentException e)
            {
                throw Error("setting", ConfigError.Describe(e));
            }
        }

        private (IReadOnlyList<double> Accuracies, IReadOnlyList<(double Value, bool Edge)>? Compressions) SingleValues(Series series, string x, string acc) =>
            (Numbers("acc", acc), x.Length == 0 ? null : x == NotGiven ? null : Compressions("x", x));

        /// <summary>
        /// The '|'-packed parts, one per series in the setting's order: Dense's bare value, then "R ...", "M ...", "Ours ..." or
        /// "Ours@compressions: ...". <c>x</c> is "see report" (compressions not in the file) or ';'-separated groups, one per
        /// series after Dense.
        /// </summary>
        private List<(IReadOnlyList<double> Accuracies, IReadOnlyList<(double Value, bool Edge)>? Compressions)> UnpackValues(
            IReadOnlyList<Series> series, string x, string acc)
        {
            var parts = acc.Split('|').Select(p => p.Trim()).ToList();
            if (parts.Count != series.Count)
                throw Error("acc", $"{parts.Count} '|'-separated parts; the setting names {series.Count} series ({string.Join("/", series.Select(s => s.Legend))}).");
            var withCompressions = series.Where(s => s.Method != CompressionMethod.Dense).ToList();
            var groups = x == NotGiven ? null : x.Split(';').Select(g => g.Trim()).ToList();
            if (groups is not null && groups.Count != withCompressions.Count)
                throw Error("x", $"{groups.Count} ';'-separated groups; expected one per series after Dense ({withCompressions.Count}), or '{NotGiven}'.");
            var list = new List<(IReadOnlyList<double>, IReadOnlyList<(double, bool)>?)>();
            for (var i = 0; i < parts.Count; i++)
            {
                var m = PackedPart.Match(parts[i]);
                var prefix = m.Groups["prefix"].Success ? m.Groups["prefix"].Value : "";
                if (prefix != series[i].Abbreviation)
                    throw Error("acc", $"part {i + 1} '{parts[i]}' starts with '{prefix}'; the setting's series {i + 1} is {series[i].Legend}, " +
                        $"expected '{series[i].Abbreviation}'{(series[i].Abbreviation.Length == 0 ? " (no prefix)" : "")}.");
                IReadOnlyList<(double, bool)>? compressions = null;
                if (m.Groups["at"].Success) compressions = Compressions("acc", m.Groups["at"].Value);
                var group = withCompressions.IndexOf(series[i]);
                if (groups is not null && group >= 0)
                {
                    if (compressions is not null) throw Error("x", $"series {series[i].Legend} has compressions in both x and acc; give them once.");
                    compressions = Compressions("x", groups[group]);
                }
                list.Add((Numbers("acc", m.Groups["values"].Value), compressions));
            }
            return list;
        }

        private IEnumerable<PaperPoint> Make(PaperFigure figure, ModelName model, int depth, int? width, bool inferred, Series series,
            IReadOnlyList<double> accuracies, IReadOnlyList<(double Value, bool Edge)>? compressions)
        {
            var isSingle = series.Method == CompressionMethod.Dense || (figure.IsLadder() && series.Strategies is null);
            if (isSingle && accuracies.Count != 1)
                throw Error("acc", $"{accuracies.Count} values for {series.Legend}; expected one.");
            if (isSingle && compressions is not null)
                throw Error("x", $"{series.Legend} is drawn without a compression; expected x empty.");
            if (compressions is not null && compressions.Count != accuracies.Count)
                throw Error("x", $"{compressions.Count} compressions for {accuracies.Count} accuracies of {series.Legend}; expected one each.");
            if (series.Strategies is { } named && named.Count != accuracies.Count)
                throw Error("setting", $"{named.Count} strategies in {series.Legend}(...) for {accuracies.Count} accuracies; expected one each.");
            for (var j = 0; j < accuracies.Count; j++)
            {
                var point = new PaperPoint(figure, model, depth, width, inferred, figure.DataSet(), series.Method,
                    series.Strategies?[j] ?? series.Single, compressions?[j].Value, compressions?[j].Edge ?? false, accuracies[j], series.Legend, line);
                try
                {
                    point.Validate();
                }
                catch (ArgumentException e)
                {
                    throw Error(e.ParamName is "AccuracyPercent" ? "acc" : e.ParamName is "CompressionPercent" or "AtPlotEdge" ? "x" : "setting", ConfigError.Describe(e));
                }
                yield return point;
            }
        }

        private IReadOnlyList<double> Numbers(string field, string text) =>
            text.Split('/').Select(t => double.TryParse(t.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw Error(field, $"'{t.Trim()}' is not a number (accuracies in %, '/'-separated).")).ToList();

        private IReadOnlyList<(double Value, bool Edge)> Compressions(string field, string text) =>
            text.Split('/').Select(t =>
            {
                var m = Compression.Match(t.Trim());
                return m.Success
                    ? (double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture), m.Groups["edge"].Success)
                    : throw Error(field, $"'{t.Trim()}' is not a compression (in %, '/'-separated; '89.0(edge)' marks a point at the plot's left edge).");
            }).ToList();
    }
}
