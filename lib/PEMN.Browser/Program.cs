using PEMN.Browser;

// The real-browser check of the notebooks as a command (scripts/browser-notebooks.sh runs it; the tests call BrowserCheck).
const int UsageError = 64; // sysexits' EX_USAGE: apart from the count of failed notebooks
const string Usage = """
    Usage: PEMN.Browser --out DIR [--scale smoke|quick|paper] [--results DIR] [--timeout SECONDS] NOTEBOOK.ipynb ...
      Opens each notebook in Jupyter Notebook in Chromium, runs Kernel > Restart & Run All, and fails it on an error output,
      a code cell that never ran or a Plotly chart that drew no points; saves DIR/<notebook>.png (full page).
      --scale    PEMN_SCALE of the kernels (default: the environment's)
      --results  PEMN_RESULTS of the kernels (default: the repository's results/)
      --timeout  seconds one notebook's cells may run (default 1800)
    Exit code: the number of failed notebooks (0: all passed); 64 for bad arguments.
    """;

string? outFolder = null, scale = null, results = null;
TimeSpan? timeout = null;
var notebooks = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
    try
    {
        switch (args[i])
        {
            case "--out": outFolder = Value(); break;
            case "--scale": scale = Value(); break;
            case "--results": results = Value(); break;
            case "--timeout":
                var text = Value();
                timeout = int.TryParse(text, out var seconds) && seconds > 0 ? TimeSpan.FromSeconds(seconds)
                    : throw new ArgumentException($"--timeout '{text}' is not a positive number of seconds.");
                break;
            case "-h" or "--help": Console.WriteLine(Usage); return 0;
            case var option when option.StartsWith("--", StringComparison.Ordinal): throw new ArgumentException($"Unknown option '{option}'.");
            default: notebooks.Add(args[i]); break;
        }
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine($"browser: {e.Message}\n{Usage}");
        return UsageError;
    }
}
if (outFolder is null || notebooks.Count == 0)
{
    Console.Error.WriteLine($"browser: {(outFolder is null ? "--out is required" : "no notebook given")}.\n{Usage}");
    return UsageError;
}

var options = new BrowserCheckOptions(outFolder) { Scale = scale, ResultsFolder = results };
if (timeout is { } t) options = options with { RunTimeout = t };
try
{
    var reports = await BrowserCheck.RunAsync(notebooks, options, line => Console.WriteLine($"browser: {line}"));
    var failed = reports.Count(r => !r.Passed);
    Console.WriteLine($"browser: {reports.Count - failed} of {reports.Count} notebooks passed");
    return failed;
}
catch (Exception e) when (e is ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidOperationException)
{
    Console.Error.WriteLine($"browser: {e.Message}");
    return e is InvalidOperationException ? notebooks.Count : UsageError;
}
