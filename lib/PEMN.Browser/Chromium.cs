namespace PEMN.Browser;

/// <summary>
/// The browser the check drives: Debian's <c>chromium</c> (installed by scripts/setup.sh). Playwright's own browser
/// download is never used: these machines reach package registries only, not Playwright's download host.
/// </summary>
public static class Chromium
{
    /// <summary>Environment variable naming another Chromium executable (optional).</summary>
    public const string ExecutableVariable = "PEMN_CHROMIUM";

    /// <summary>Where Debian's package <c>chromium</c> installs the browser.</summary>
    public const string DebianExecutable = "/usr/bin/chromium";

    /// <summary>
    /// The executable named by <c>PEMN_CHROMIUM</c> when set, else Debian's <c>/usr/bin/chromium</c>.
    /// </summary>
    /// <exception cref="FileNotFoundException">The executable is not there; the message names it and how to install it.</exception>
    public static string Executable()
    {
        var named = Environment.GetEnvironmentVariable(ExecutableVariable);
        var path = string.IsNullOrWhiteSpace(named) ? DebianExecutable : named.Trim();
        if (!File.Exists(path))
            throw new FileNotFoundException(string.IsNullOrWhiteSpace(named)
                ? $"Chromium not found at {DebianExecutable}: run scripts/setup.sh (Debian package chromium), or set {ExecutableVariable} to a Chromium executable."
                : $"{ExecutableVariable} = '{named}' is not a file; point it at a Chromium executable or unset it ({DebianExecutable}).", path);
        return path;
    }
}
