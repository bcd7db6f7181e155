using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;

namespace PEMN.Browser;

/// <summary>
/// One notebook driven through the Jupyter Notebook UI as a user drives it (Debian 12's Notebook 6.4, the classic UI):
/// open its page, wait for the kernel, <em>Kernel &gt; Restart &amp; Run All</em>, confirm, wait until no cell runs and the
/// kernel is idle, then read every cell off the page (prompt number, error outputs, what each Plotly chart drew) and take
/// a full-page screenshot. The selectors are Notebook 6's (templates/notebook.html, static/notebook/js).
/// </summary>
public sealed class NotebookPage
{
    // Notebook 6's page: the kernel indicator's classes, the menu entries, the confirmation button.
    private const string KernelIdleClass = "kernel_idle_icon";
    private const string KernelDeadClass = "kernel_dead_icon";
    private const string KernelIdle = "#kernel_indicator_icon." + KernelIdleClass;
    private const string KernelMenu = "#kernellink";
    private const string RestartRunAll = "#restart_run_all > a";
    private const string ConfirmRestartRunAll = "Restart and Run All Cells";

    /// <summary>True once Notebook 6 has loaded the notebook and its kernel object exists.</summary>
    private const string LoadedScript = "() => !!(window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded && Jupyter.notebook.kernel)";

    /// <summary>The kernel indicator's class and how many code cells are queued or running (Notebook 6 marks them "running").</summary>
    private const string StateScript = """
        () => ({
          kernel: (document.querySelector('#kernel_indicator_icon') || {}).className || '',
          running: document.querySelectorAll('.cell.code_cell.running').length
        })
        """;

    /// <summary>True when every chart container holds Plotly's plot with its SVG (plotly.js draws after the output is inserted).</summary>
    private const string ChartsSettledScript = """
        () => [...document.querySelectorAll('.output_area .pemn-chart')].every(c => c.querySelector('.js-plotly-plot svg.main-svg'))
        """;

    /// <summary>
    /// Every cell as the page shows it. A chart is each <c>.pemn-chart</c> output (PEMN.Notebooks.Figures.NotebookHtml) and each
    /// other Plotly plot. Its marks are the SVG paths of its traces with a non-empty <c>d</c> (lines, markers, bars, error bars)
    /// and the heat maps' images; the legend's symbols are not counted. plotly.js classes most trace groups "trace", but a
    /// heat map's "hm", an image trace's "im", a contour's "contour" and a choropleth's "choropleth" (Lib.makeTraceGroups).
    /// </summary>
    private const string CellsScript = """
        () => Jupyter.notebook.get_cells().map((cell, index) => {
          const el = cell.element[0];
          const containers = [...el.querySelectorAll('.output_area .pemn-chart'),
            ...[...el.querySelectorAll('.output_area .js-plotly-plot')].filter(p => !p.closest('.pemn-chart'))];
          const charts = containers.map(c => {
            const plot = c.classList.contains('js-plotly-plot') ? c : c.querySelector('.js-plotly-plot');
            const svg = plot && plot.querySelector('svg.main-svg');
            const marks = !svg ? 0 : [...plot.querySelectorAll('.trace path, .trace image, .hm image, .im image, .contour path, .choropleth path')].filter(m => {
              if (m.closest('.legend')) return false;
              const d = m.getAttribute('d') || '';
              const href = m.getAttribute('href') || m.getAttributeNS('http://www.w3.org/1999/xlink', 'href') || '';
              return (d.length > 0 && d !== 'M0,0Z') || href.length > 0;
            }).length;
            return { drawn: !!svg, traces: plot && Array.isArray(plot.data) ? plot.data.length : 0, marks };
          });
          const n = cell.cell_type === 'code' ? cell.input_prompt_number : null;
          return {
            index, kind: cell.cell_type,
            executionCount: Number.isFinite(n) ? n : null,
            firstLine: cell.get_text().split('\n')[0].slice(0, 80),
            errors: [...el.querySelectorAll('.output_error')].map(e => e.innerText.trim().split('\n')[0].slice(0, 300)),
            charts
          };
        })
        """;

    /// <summary>
    /// Notebook 6 scrolls the notebook inside <c>#site</c>, a box of the window's height: let the page grow to the whole
    /// notebook so that a full-page screenshot shows every cell.
    /// </summary>
    private const string FullPageStyle = """
        html, body { height: auto !important; overflow: visible !important; }
        body { position: static !important; }
        #header { position: static !important; }
        #site { height: auto !important; overflow: visible !important; }
        """;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    /// <summary>How many polls in a row must find the run over: a kernel is idle for a moment between two cells.</summary>
    private const int QuietPolls = 3;

    private readonly IPage _page;
    private readonly BrowserCheckOptions _options;
    private readonly Action<string> _log;

    /// <summary>Drives <paramref name="page"/> (a fresh browser page) with the timeouts of <paramref name="options"/>.</summary>
    public NotebookPage(IPage page, BrowserCheckOptions options, Action<string> log)
    {
        _page = page;
        _options = options;
        _log = log;
    }

    /// <summary>
    /// Opens <paramref name="address"/> (a notebook page of a running server), restarts the kernel and runs all cells,
    /// checks the result and saves a full-page PNG at <paramref name="screenshot"/>. Failures of the notebook are in the
    /// report's problems; so is a page that did not load or a run that did not end in time.
    /// </summary>
    public async Task<NotebookReport> RunAsync(Uri address, string notebook, string screenshot)
    {
        var clock = Stopwatch.StartNew();
        var problems = new List<string>();
        IReadOnlyList<CellReport> cells = [];
        string? saved = null;
        try
        {
            await _page.GotoAsync(address.ToString(), new() { Timeout = Milliseconds(_options.ServerStartTimeout) });
            await _page.WaitForFunctionAsync(LoadedScript, null, new() { Timeout = Milliseconds(_options.KernelStartTimeout) });
            await _page.WaitForSelectorAsync(KernelIdle, new() { Timeout = Milliseconds(_options.KernelStartTimeout) });
            _log($"{notebook}: kernel idle after {clock.Elapsed.TotalSeconds:0} s; Kernel > Restart & Run All");

            await _page.ClickAsync(KernelMenu);
            await _page.ClickAsync(RestartRunAll);
            await _page.GetByRole(AriaRole.Button, new() { Name = ConfirmRestartRunAll, Exact = true }).ClickAsync();

            if (await WaitForRunAsync(notebook) is { } stuck) problems.Add(stuck);
            // Charts draw after their output is inserted; give plotly.js a moment, then read whatever is there.
            try { await _page.WaitForFunctionAsync(ChartsSettledScript, null, new() { Timeout = Milliseconds(_options.ChartDrawTimeout) }); }
            catch (TimeoutException) { /* reported below as a chart that did not draw */ }
            cells = await ReadCellsAsync();
            problems.AddRange(NotebookReport.ProblemsOf(notebook, cells));
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            problems.Add($"{notebook}: the notebook page failed: {e.Message.Split('\n')[0]}");
            try { cells = await ReadCellsAsync(); problems.AddRange(NotebookReport.ProblemsOf(notebook, cells)); }
            catch (PlaywrightException) { /* the page never loaded: nothing to read */ }
        }
        try
        {
            await _page.AddStyleTagAsync(new() { Content = FullPageStyle });
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(screenshot))!);
            await _page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
            saved = screenshot;
        }
        catch (PlaywrightException e)
        {
            problems.Add($"{notebook}: no screenshot: {e.Message.Split('\n')[0]}");
        }
        return new NotebookReport(notebook, cells, problems, saved, clock.Elapsed);
    }

    /// <summary>Waits until the cells queued by Restart &amp; Run All have run; null when they did, else why not.</summary>
    private async Task<string?> WaitForRunAsync(string notebook)
    {
        // Restart first stops and starts the kernel, then queues every cell: wait for the queue to appear.
        var started = Stopwatch.StartNew();
        while ((await StateAsync()).Running == 0)
        {
            if (started.Elapsed > _options.KernelStartTimeout)
                return $"{notebook}: no cell started within {_options.KernelStartTimeout.TotalSeconds:0} s of Restart & Run All";
            await Task.Delay(PollInterval);
        }
        _log($"{notebook}: kernel restarted, cells queued after {started.Elapsed.TotalSeconds:0} s");

        var running = Stopwatch.StartNew();
        var quiet = 0;
        var lastReport = TimeSpan.Zero;
        while (quiet < QuietPolls)
        {
            var state = await StateAsync();
            if (state.Kernel.Contains(KernelDeadClass, StringComparison.Ordinal)) return $"{notebook}: the kernel died during the run";
            quiet = state.Running == 0 && state.Kernel.Contains(KernelIdleClass, StringComparison.Ordinal) ? quiet + 1 : 0;
            if (running.Elapsed > _options.RunTimeout)
                return $"{notebook}: the run did not end within {_options.RunTimeout.TotalSeconds:0} s ({state.Running} cells still queued or running)";
            if (running.Elapsed - lastReport > _options.ProgressInterval)
            {
                lastReport = running.Elapsed;
                _log($"{notebook}: running for {running.Elapsed.TotalSeconds:0} s, {state.Running} cells queued or running");
            }
            await Task.Delay(PollInterval);
        }
        _log($"{notebook}: run over after {running.Elapsed.TotalSeconds:0} s, kernel idle");
        return null;
    }

    private async Task<(string Kernel, int Running)> StateAsync()
    {
        var state = await _page.EvaluateAsync<JsonElement>(StateScript);
        return (state.GetProperty("kernel").GetString() ?? "", state.GetProperty("running").GetInt32());
    }

    private async Task<IReadOnlyList<CellReport>> ReadCellsAsync()
    {
        var cells = await _page.EvaluateAsync<JsonElement>(CellsScript);
        return cells.EnumerateArray().Select(c => new CellReport(
            c.GetProperty("index").GetInt32(),
            c.GetProperty("kind").GetString() ?? "",
            c.GetProperty("executionCount").ValueKind == JsonValueKind.Number ? c.GetProperty("executionCount").GetInt32() : null,
            c.GetProperty("firstLine").GetString() ?? "",
            c.GetProperty("errors").EnumerateArray().Select(e => e.GetString() ?? "").ToList(),
            c.GetProperty("charts").EnumerateArray().Select(h => new ChartReport(
                h.GetProperty("drawn").GetBoolean(), h.GetProperty("traces").GetInt32(), h.GetProperty("marks").GetInt32())).ToList())).ToList();
    }

    private static float Milliseconds(TimeSpan t) => (float)t.TotalMilliseconds;
}
