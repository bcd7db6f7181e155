using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using PEMN.Runtime;

namespace PEMN.Tests.Notebooks;

/// <summary>
/// The README's Jupyter path: `cd notebooks &amp;&amp; jupyter notebook` starts a server (Debian's jupyter-notebook,
/// installed by scripts/setup.sh) that serves the notebooks and offers the .NET kernels. Started headless on
/// loopback, asked over HTTP, stopped. Running a kernel is what the smoke notebook tests do.
/// </summary>
public class JupyterServerTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task JupyterNotebookServesTheNotebooksWithTheDotnetKernels()
    {
        var notebooks = Path.Combine(Repository.Find(), "notebooks");
        var port = FreePort();
        var token = Guid.NewGuid().ToString("N");
        var info = new ProcessStartInfo("jupyter") { WorkingDirectory = notebooks, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "notebook", "--no-browser", "--ip=127.0.0.1", $"--port={port}", "--port-retries=0", $"--NotebookApp.token={token}" })
            info.ArgumentList.Add(a);
        if (Environment.UserName == "root") info.ArgumentList.Add("--allow-root"); // the server refuses root otherwise
        using var server = Process.Start(info)!;
        var log = server.StandardError.ReadToEndAsync();
        _ = server.StandardOutput.ReadToEndAsync(); // drained so the server never blocks on a full pipe
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            var kernelspecs = await GetWhenUp(http, $"api/kernelspecs?token={token}", server, log);
            var names = JsonDocument.Parse(kernelspecs).RootElement.GetProperty("kernelspecs").EnumerateObject().Select(p => p.Name).ToList();
            Assert.Contains(".net-csharp", names);
            Assert.Contains(".net-fsharp", names);

            var contents = JsonDocument.Parse(await http.GetStringAsync($"api/contents?token={token}")).RootElement.GetProperty("content")
                .EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToList();
            Assert.All(Directory.GetFiles(notebooks, "*.ipynb"), nb => Assert.Contains(Path.GetFileName(nb), contents));
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit();
        }
    }

    private static async Task<string> GetWhenUp(HttpClient http, string path, Process server, Task<string> log)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (server.HasExited) Assert.Fail($"jupyter notebook exited with {server.ExitCode}:\n{await log}");
            try { return await http.GetStringAsync(path); }
            catch (HttpRequestException) when (clock.Elapsed < StartTimeout) { await Task.Delay(250); }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
