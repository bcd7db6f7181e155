using PEMN.Runtime;
using PEMN.Tests.Scripts;

namespace PEMN.Tests.FileFormat;

/// <summary>
/// Debian's Python with python3-torch and python3-numpy (installed by scripts/setup.sh), which runs the repository's
/// Python .pemn reader (python/pemn_reader/). /usr/bin/python3, not `python3`: a pyenv or venv python first on PATH has no torch.
/// </summary>
public static class PythonTorch
{
    /// <summary>The interpreter Debian's python3-torch installs into.</summary>
    public const string Interpreter = "/usr/bin/python3";

    /// <summary>How long one reader process may take: it imports torch (seconds) and decodes masks in pure Python, on a busy machine.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private static readonly Lazy<string?> Missing = new(() =>
    {
        if (!File.Exists(Interpreter)) return $"{Interpreter} is absent: install Debian's python3-torch and python3-numpy (scripts/setup.sh does) to run this test.";
        try
        {
            var (code, output) = ScriptProcess.Run(Interpreter, Path.GetTempPath(), null, Timeout, "-c", "import numpy, torch");
            return code == 0 ? null
                : $"{Interpreter} cannot import numpy and torch ({output.Trim().Split('\n')[^1]}): install Debian's python3-torch and python3-numpy (scripts/setup.sh does).";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or TimeoutException)
        {
            return $"{Interpreter} could not be run ({e.Message}).";
        }
    });

    /// <summary>Why the Python reader cannot run here, or null when it can.</summary>
    public static string? MissingReason => Missing.Value;

    /// <summary>The folder holding the pemn_reader package.</summary>
    public static string ReaderFolder => Path.Combine(Repository.Find(AppContext.BaseDirectory), "python");

    /// <summary>Runs `python3 -m pemn_reader ARGS` from <see cref="ReaderFolder"/>; returns its exit code and output.</summary>
    public static (int ExitCode, string Output) RunReader(params string[] args) =>
        ScriptProcess.Run(Interpreter, ReaderFolder, null, Timeout, ["-m", "pemn_reader", .. args]);
}

/// <summary>Skips a fact, saying why, where Debian's python3-torch is not installed.</summary>
public sealed class FactWhenPythonTorchAttribute : FactAttribute
{
    public FactWhenPythonTorchAttribute()
    {
        if (PythonTorch.MissingReason is { } reason) Skip = reason;
    }
}
