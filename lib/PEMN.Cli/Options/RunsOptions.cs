using System.CommandLine;
using PEMN.Runs;
using PEMN.Runtime;

namespace PEMN.Cli.Options;

/// <summary>
/// Where a command's runs go, the same on every command that trains or rewrites runs (train, sweep, ladder, migrate):
/// <c>--out FOLDER</c> is the folder holding <c>runs/&lt;run id&gt;/</c> and its runs table, <c>--csv FILE</c> names another
/// table for them (default <c>FOLDER/runs.csv</c>; train and migrate only: a sweep's runs always sit beside its table, so
/// there the table is named by the old form). Sweep and ladder once took the table itself, <c>--out TABLE.csv</c>: that
/// form still works, with a note giving the new one, so scripts written for it do not break.
/// </summary>
public sealed class RunsOptions
{
    /// <summary>The results folder of the repository, the default of train's --out and plan's --results.</summary>
    public const string DefaultResults = "results";

    private readonly bool required;
    private readonly bool otherTable;

    /// <summary>The folder holding runs/ and the runs table.</summary>
    public Option<string> Out { get; }

    /// <summary>Another runs table for the runs in --out.</summary>
    public Option<string> Csv { get; } = new("--csv")
    {
        Description = $"Runs table to bring up to date (default <out>/{RunsLocation.TableName}): a runs table, an empty file or a new path.",
    };

    /// <summary>Creates the options.</summary>
    /// <param name="required">--out must be given; otherwise it defaults to results/ of the repository.</param>
    /// <param name="otherTable">The command offers --csv (its runner takes the table and the folder apart).</param>
    public RunsOptions(bool required, bool otherTable)
    {
        this.required = required;
        this.otherTable = otherTable;
        Out = new Option<string>("--out")
        {
            Description = $"Folder holding the run folders ({RunsLocation.RunsFolderName}/<run id>) and their table " +
                (required ? "." : $"(default: {DefaultResults}/ of the repository)."),
            Required = required,
        };
    }

    /// <summary>Adds --out and --csv to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Out);
        if (otherTable) command.Options.Add(Csv);
    }

    /// <summary>The location the command line names.</summary>
    /// <exception cref="UsageException">--out is a table and --csv is given too, or no --out outside the repository.</exception>
    public RunsLocation Resolve(ParseResult parse)
    {
        var given = parse.GetValue(Out);
        var csv = otherTable ? parse.GetValue(Csv) : null;
        if (given is not null && given.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            if (csv is not null)
                throw new UsageException("--out", $"'{given}' is a runs table, and --csv names one too; allowed: --out FOLDER --csv TABLE.");
            var location = RunsLocation.OfTable(given);
            Console.Error.WriteLine($"note: --out {given} names a runs table, the old form; the same in the new form: " +
                $"--out {location.Directory} --csv {location.Table}");
            return location;
        }
        return RunsLocation.At(required ? Path.GetFullPath(given!) : ResultsRoot(given), csv is null ? null : Path.GetFullPath(csv));
    }

    /// <summary>The folder <paramref name="given"/>, else results/ of the repository (never a stray folder wherever the command runs).</summary>
    /// <exception cref="UsageException">Nothing given and not inside the repository.</exception>
    public static string ResultsRoot(string? given, string flag = "--out")
    {
        if (given is not null) return Path.GetFullPath(given);
        var root = Repository.TryFind() ?? throw new UsageException(flag,
            $"not given, and this is not inside the repository (no {Repository.MarkerFile} above {Directory.GetCurrentDirectory()}); allowed: {flag} FOLDER.");
        return Path.Combine(root, DefaultResults);
    }
}
