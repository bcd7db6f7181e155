namespace PEMN.Data;

/// <summary>Downloads over HTTP(S) with <see cref="HttpClient"/>.</summary>
public sealed class HttpDownloader : IDownloader
{
    // A reachability probe must fail fast on a machine without network rather than hang the command.
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);
    // Data set archives are up to ~250 MB; allow a slow link.
    private static readonly TimeSpan DownloadTimeout = TimeSpan.FromMinutes(60);

    /// <inheritdoc/>
    public bool IsReachable(Uri url)
    {
        try
        {
            using var client = new HttpClient { Timeout = ProbeTimeout };
            using var request = new HttpRequestMessage(HttpMethod.Head, url);
            using var response = client.Send(request);
            return (int)response.StatusCode < 500;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException or IOException)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public void Download(Uri url, string destination)
    {
        using var client = new HttpClient { Timeout = DownloadTimeout };
        using var response = client.Send(new HttpRequestMessage(HttpMethod.Get, url), HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var body = response.Content.ReadAsStream();
        using var file = File.Create(destination);
        body.CopyTo(file);
    }
}
