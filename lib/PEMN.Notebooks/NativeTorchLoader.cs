using System.Runtime.InteropServices;

namespace PEMN.Notebooks;

/// <summary>
/// Loads libtorch and TorchSharp's native wrapper by absolute path before the first use of <c>torch</c>.
/// Inside a .NET Interactive kernel TorchSharp's own loader does not find them (it probes beside the
/// host, not beside our dll); once loaded here, its own load by name finds the loaded copies.
/// The copies loaded are the ones the build placed next to this project's dll (lib/PEMN.Notebooks/bin, which holds PEMN.dll
/// and libtorch), which scripts/fix-native.py has patched (environment.md); the NuGet cache copies are the fallback.
/// </summary>
public static class NativeTorchLoader
{
    /// <summary>libtorch's CPU kernels: must be loaded before the wrapper that links to it.</summary>
    public const string TorchCpu = "libtorch_cpu.so";
    /// <summary>libtorch's CUDA kernels, present only in a CUDA build (<c>-p:TorchBackend=cuda</c>).</summary>
    public const string TorchCuda = "libtorch_cuda.so";
    /// <summary>TorchSharp's native wrapper.</summary>
    public const string Wrapper = "libLibTorchSharp.so";

    private static readonly Lock Gate = new();
    private static IReadOnlyList<string>? loaded;

    /// <summary>
    /// Loads the native libraries once per process and returns the absolute paths loaded (empty where
    /// this is not Linux: there TorchSharp's own loader is used). Throws naming the folders searched
    /// when a library is missing.
    /// </summary>
    public static IReadOnlyList<string> EnsureLoaded()
    {
        lock (Gate)
        {
            if (loaded is not null) return loaded;
            if (!OperatingSystem.IsLinux()) return loaded = [];
            var folders = CandidateFolders().ToList();
            var paths = new List<string>();
            var torchCpu = Locate(TorchCpu, folders);
            paths.Add(torchCpu);
            var cuda = Path.Combine(Path.GetDirectoryName(torchCpu)!, TorchCuda);
            if (File.Exists(cuda)) paths.Add(cuda);
            paths.Add(Locate(Wrapper, folders));
            foreach (var path in paths) NativeLibrary.Load(path);
            return loaded = paths;
        }
    }

    /// <summary>Folders searched in order: beside this dll (runtimes/linux-x64/native), then the NuGet cache.</summary>
    public static IEnumerable<string> CandidateFolders()
    {
        var assemblyDir = Path.GetDirectoryName(typeof(NativeTorchLoader).Assembly.Location);
        if (!string.IsNullOrEmpty(assemblyDir))
        {
            yield return Path.Combine(assemblyDir, "runtimes", "linux-x64", "native");
            yield return assemblyDir;
        }
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(cache))
            cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var torchSharpVersion = typeof(TorchSharp.torch).Assembly.GetName().Version;
        if (torchSharpVersion is not null)
            yield return Path.Combine(cache, "torchsharp", $"{torchSharpVersion.Major}.{torchSharpVersion.Minor}.{torchSharpVersion.Build}",
                "runtimes", "linux-x64", "native");
        foreach (var package in new[] { "libtorch-cpu-linux-x64", "libtorch-cuda-12.8-linux-x64" })
        {
            var packageDir = Path.Combine(cache, package);
            if (!Directory.Exists(packageDir)) continue;
            foreach (var version in Directory.GetDirectories(packageDir).OrderDescending(StringComparer.Ordinal))
                yield return Path.Combine(version, "runtimes", "linux-x64", "native");
        }
    }

    private static string Locate(string file, IReadOnlyList<string> folders) =>
        folders.Select(f => Path.Combine(f, file)).FirstOrDefault(File.Exists)
        ?? throw new FileNotFoundException(
            $"{file} not found in {string.Join(", ", folders)}; run scripts/setup.sh (it restores and builds the solution).", file);
}
