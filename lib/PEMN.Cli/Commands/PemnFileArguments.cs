using System.CommandLine;
using PEMN.Cli.Options;
using PEMN.FileFormat;

namespace PEMN.Cli.Commands;

/// <summary>What the .pemn file commands (pack, info, eval, unpack) share: the FILE argument, output files that are never overwritten by surprise.</summary>
public static class PemnFileArguments
{
    /// <summary>The FILE argument: a .pemn file to read.</summary>
    public static Argument<string> File() => new("FILE") { Description = $"A PEMN file ({PemnFile.Extension}), as pemn pack writes it." };

    /// <summary>The --output (-o) option, required.</summary>
    public static Option<string> Output(string description) => new("--output", "-o") { Description = description, Required = true };

    /// <summary>The --force option.</summary>
    public static Option<bool> Force() => new("--force") { Description = "Overwrite the output file if it exists (without it an existing file is refused)." };

    /// <summary>The full path of an output file that may be written: refused when it is a folder, or exists and <paramref name="force"/> is off.</summary>
    /// <exception cref="UsageException">The path is a folder, or an existing file without --force.</exception>
    public static string Writable(string path, bool force, string flag)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new UsageException(flag, $"'{full}' is a folder; allowed: a file path.");
        if (System.IO.File.Exists(full) && !force)
            throw new UsageException(flag, $"'{full}' exists; pass --force to overwrite it, or choose another path.");
        return full;
    }

    /// <summary>The bytes of the PEMN file at <paramref name="path"/>, reading no more than the reader's file limit.</summary>
    /// <exception cref="UsageException">The path does not exist or is a folder.</exception>
    public static byte[] Read(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new UsageException("FILE", $"'{full}' is a folder; allowed: a {PemnFile.Extension} file.");
        if (!System.IO.File.Exists(full)) throw new UsageException("FILE", $"'{full}' does not exist; allowed: a {PemnFile.Extension} file (pemn pack writes one).");
        using var stream = System.IO.File.OpenRead(full);
        return PemnFile.ReadAll(stream);
    }
}
