using Microsoft.Playwright;

namespace PEMN.Browser;

/// <summary>How <see cref="BrowserCheck"/> runs notebooks; every duration has a default sized for these 2-core machines.</summary>
/// <param name="ScreenshotFolder">Where each notebook's full-page PNG goes (<c>&lt;notebook&gt;.png</c>).</param>
public sealed record BrowserCheckOptions(string ScreenshotFolder)
{
    /// <summary>PEMN_SCALE for the kernels (smoke, quick or paper); null: the caller's environment decides.</summary>
    public string? Scale { get; init; }
    /// <summary>PEMN_RESULTS for the kernels (where runs and charts are written); null: the notebooks' default, results/.</summary>
    public string? ResultsFolder { get; init; }
    /// <summary>How long the Jupyter server, and a page of it, may take to answer.</summary>
    public TimeSpan ServerStartTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>How long a .NET kernel may take to start or restart (about 20 s on a quiet machine, more beside training).</summary>
    public TimeSpan KernelStartTimeout { get; init; } = TimeSpan.FromMinutes(3);
    /// <summary>How long one notebook's cells may run (quick-scale notebooks train for minutes where a run is missing).</summary>
    public TimeSpan RunTimeout { get; init; } = TimeSpan.FromMinutes(30);
    /// <summary>How long plotly.js may take to draw the charts once the cells have run.</summary>
    public TimeSpan ChartDrawTimeout { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>How often a long run says it is still running.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>The page's width in pixels: Notebook 6 lays the notebook out 1140 px wide from 1200 px on.</summary>
    public int ViewportWidth { get; init; } = 1280;
    /// <summary>The window's height in pixels (the screenshot is of the whole page, whatever this is).</summary>
    public int ViewportHeight { get; init; } = 900;

    /// <summary>Throws when a value cannot work, naming it.</summary>
    /// <exception cref="ArgumentException">An empty screenshot folder, a non-positive duration or size.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ScreenshotFolder)) throw new ArgumentException("ScreenshotFolder is empty: name a folder for the screenshots.", nameof(ScreenshotFolder));
        foreach (var (name, value) in new[] { (nameof(ServerStartTimeout), ServerStartTimeout), (nameof(KernelStartTimeout), KernelStartTimeout),
                     (nameof(RunTimeout), RunTimeout), (nameof(ChartDrawTimeout), ChartDrawTimeout), (nameof(ProgressInterval), ProgressInterval) })
            if (value <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");
        if (ViewportWidth <= 0) throw new ArgumentOutOfRangeException(nameof(ViewportWidth), ViewportWidth, "ViewportWidth must be positive.");
        if (ViewportHeight <= 0) throw new ArgumentOutOfRangeException(nameof(ViewportHeight), ViewportHeight, "ViewportHeight must be positive.");
    }
}

/// <summary>
/// The real-browser test of the notebooks: copies them into a temporary workspace (<see cref="NotebookWorkspace"/>),
/// starts the Jupyter Notebook server there (<see cref="JupyterServer"/>), and drives Debian's Chromium with Playwright
/// through each notebook's Restart &amp; Run All (<see cref="NotebookPage"/>), one notebook after the other, each
/// notebook's kernel shut down before the next starts (two kernels would share the 2 cores).
/// </summary>
public static class BrowserCheck
{
    /// <summary>Runs each of <paramref name="notebooks"/> (.ipynb files in a repository's notebooks/) in the browser.</summary>
    /// <param name="notebooks">The notebooks, in the order to run them.</param>
    /// <param name="options">Screenshot folder, scale, results folder, timeouts.</param>
    /// <param name="log">Receives a line at each step (kernel up, run started, progress, result).</param>
    /// <returns>One report per notebook, in order.</returns>
    /// <exception cref="ArgumentException">Bad options or notebooks (see <see cref="BrowserCheckOptions.Validate"/>, <see cref="NotebookWorkspace.Create"/>).</exception>
    /// <exception cref="InvalidOperationException">The server or the browser could not be started.</exception>
    public static async Task<IReadOnlyList<NotebookReport>> RunAsync(IReadOnlyList<string> notebooks, BrowserCheckOptions options, Action<string>? log = null)
    {
        options.Validate();
        log ??= _ => { };
        var chromium = Chromium.Executable();
        var screenshots = Directory.CreateDirectory(options.ScreenshotFolder).FullName;
        using var workspace = NotebookWorkspace.Create(notebooks);
        var environment = new Dictionary<string, string?>
        {
            // The kernels run in the workspace, outside the repository: tell the set-up where the repository is.
            ["PEMN_ROOT"] = workspace.Repository,
        };
        if (options.Scale is not null) environment["PEMN_SCALE"] = options.Scale;
        if (options.ResultsFolder is not null) environment["PEMN_RESULTS"] = Path.GetFullPath(options.ResultsFolder);
        await using var server = await JupyterServer.StartAsync(workspace.Root, environment, options.ServerStartTimeout);
        log($"jupyter notebook serving a copy of {notebooks.Count} notebook(s) at {server.Address} (scale {options.Scale ?? Environment.GetEnvironmentVariable("PEMN_SCALE") ?? "default"})");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true });
        log($"chromium {browser.Version} ({chromium})");
        var reports = new List<NotebookReport>();
        foreach (var path in workspace.Notebooks)
        {
            var name = Path.GetFileName(path);
            await using var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = options.ViewportWidth, Height = options.ViewportHeight } });
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout((float)options.ServerStartTimeout.TotalMilliseconds);
            var report = await new NotebookPage(page, options, log)
                .RunAsync(server.NotebookPage(path), name, Path.Combine(screenshots, Path.ChangeExtension(name, ".png")));
            await server.ShutDownSessionsAsync(path);
            log(report.Summary());
            foreach (var problem in report.Problems) log($"  {problem}");
            reports.Add(report);
        }
        return reports;
    }
}
