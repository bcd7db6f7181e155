namespace PEMN.Data;

/// <summary>Fetches files from the network; injected so that tests (and offline machines) never touch it.</summary>
public interface IDownloader
{
    /// <summary>True when <paramref name="url"/>'s host answers; false quickly when offline.</summary>
    bool IsReachable(Uri url);
    /// <summary>Saves the content at <paramref name="url"/> to <paramref name="destination"/> (overwritten).</summary>
    void Download(Uri url, string destination);
}
