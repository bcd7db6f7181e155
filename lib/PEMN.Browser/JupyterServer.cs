using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace PEMN.Browser;

/// <summary>
/// The Jupyter Notebook server the README tells users to start (<c>jupyter notebook</c>, Debian's package
/// jupyter-notebook), started headless on a free loopback port with a token of its own, in a given folder.
/// Its kernels inherit the environment given here (PEMN_SCALE, PEMN_RESULTS, ...). Stopped, with its kernels, on dispose.
/// </summary>
public sealed class JupyterServer : IAsyncDisposable
{
    /// <summary>The command that starts the server (Debian: /usr/bin/jupyter-notebook through <c>jupyter</c>).</summary>
    public const string Command = "jupyter";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private readonly Process _process;
    private readonly Task<string> _log;

    private JupyterServer(Process process, Task<string> log, Uri address, string token)
    {
        _process = process;
        _log = log;
        Address = address;
        Token = token;
    }

    /// <summary>The server's base address (http://127.0.0.1:PORT/).</summary>
    public Uri Address { get; }
    /// <summary>The token every request carries.</summary>
    public string Token { get; }

    /// <summary>The address of a notebook's page, <paramref name="path"/> relative to the served folder with '/'.</summary>
    public Uri NotebookPage(string path) => new(Address, $"notebooks/{Uri.EscapeDataString(path).Replace("%2F", "/")}?token={Token}");

    /// <summary>
    /// Starts <c>jupyter notebook</c> serving <paramref name="folder"/> and waits until it answers its kernel list.
    /// </summary>
    /// <param name="folder">The folder to serve; kernels start in the notebook's own folder below it.</param>
    /// <param name="environment">Variables to set for the server and so for its kernels (a null value removes one).</param>
    /// <param name="startTimeout">How long the server may take to answer.</param>
    /// <exception cref="DirectoryNotFoundException"><paramref name="folder"/> does not exist.</exception>
    /// <exception cref="InvalidOperationException">The server could not be started, exited, or did not answer in time; the message quotes its log.</exception>
    public static async Task<JupyterServer> StartAsync(string folder, IReadOnlyDictionary<string, string?> environment, TimeSpan startTimeout)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Folder to serve '{folder}' does not exist.");
        var port = FreePort();
        var token = Guid.NewGuid().ToString("N");
        var info = new ProcessStartInfo(Command) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "notebook", "--no-browser", "--ip=127.0.0.1", $"--port={port}", "--port-retries=0",
                     $"--NotebookApp.token={token}", $"--notebook-dir={folder}" })
            info.ArgumentList.Add(a);
        if (Environment.UserName == "root") info.ArgumentList.Add("--allow-root"); // the server refuses root otherwise
        foreach (var (name, value) in environment)
            if (value is null) info.Environment.Remove(name); else info.Environment[name] = value;
        Process process;
        try { process = Process.Start(info) ?? throw new InvalidOperationException($"'{Command} notebook' did not start."); }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"'{Command} notebook' could not be started ({e.Message}): run scripts/setup.sh (Debian package jupyter-notebook).", e);
        }
        var log = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync(); // drained so that the server never blocks on a full pipe
        var server = new JupyterServer(process, log, new Uri($"http://127.0.0.1:{port}/"), token);
        try
        {
            await server.WaitUntilUpAsync(startTimeout);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Shuts down the kernels of every session of <paramref name="path"/> (a notebook checked and done with).</summary>
    public async Task ShutDownSessionsAsync(string path)
    {
        using var http = Client();
        using var sessions = JsonDocument.Parse(await http.GetStringAsync($"api/sessions?token={Token}"));
        foreach (var session in sessions.RootElement.EnumerateArray())
            if (session.GetProperty("path").GetString() == path)
                (await http.DeleteAsync($"api/sessions/{session.GetProperty("id").GetString()}?token={Token}")).EnsureSuccessStatusCode();
    }

    /// <summary>Stops the server and every kernel it started.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private HttpClient Client() => new() { BaseAddress = Address };

    private async Task WaitUntilUpAsync(TimeSpan timeout)
    {
        using var http = Client();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"'{Command} notebook' exited with code {_process.ExitCode}:\n{await _log}");
            try
            {
                await http.GetStringAsync($"api/kernelspecs?token={Token}");
                return;
            }
            catch (HttpRequestException) when (clock.Elapsed < timeout)
            {
                await Task.Delay(PollInterval);
            }
            catch (HttpRequestException e)
            {
                throw new InvalidOperationException($"'{Command} notebook' did not answer on {Address} within {timeout.TotalSeconds:0} s ({e.Message}).", e);
            }
        }
    }

    private static int FreePort()
    {
        // Port 0: the system picks a free port; it is released again for the server to take (a tiny race, as in the tests).
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
