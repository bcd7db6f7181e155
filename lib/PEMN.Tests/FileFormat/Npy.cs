using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace PEMN.Tests.FileFormat;

/// <summary>One array of a NumPy .npy file: its shape and its float32, float64 or int64 data (row-major).</summary>
public sealed record NpyArray(long[] Shape, float[]? Float32, long[]? Int64, double[]? Float64 = null);

/// <summary>
/// NumPy's .npy format, version 1.0 (numpy.lib.format), for little-endian float32, float64 and int64 arrays in C order: what the
/// Python .pemn reader exchanges with the tests (inputs written here, rebuilt tensors and logits read back from its .npz).
/// </summary>
public static partial class Npy
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    private const byte Major = 1, Minor = 0;
    /// <summary>NumPy pads the header so the data starts at a multiple of 64 bytes (aligned for memory mapping).</summary>
    private const int Alignment = 64;

    /// <summary>Writes a float32 array of <paramref name="shape"/>.</summary>
    public static void Write(string path, float[] data, long[] shape)
    {
        var dims = string.Join("", shape.Select(d => d.ToString(CultureInfo.InvariantCulture) + ", "));
        var header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({dims.TrimEnd(' ')}), }}";
        var prefix = Magic.Length + 2 + 2;
        var padded = header.PadRight((prefix + header.Length + 1 + Alignment - 1) / Alignment * Alignment - prefix - 1) + "\n";
        using var stream = File.Create(path);
        using var w = new BinaryWriter(stream);
        w.Write(Magic);
        w.Write(Major);
        w.Write(Minor);
        w.Write(checked((ushort)padded.Length));
        w.Write(Encoding.ASCII.GetBytes(padded));
        foreach (var x in data) w.Write(x);   // BinaryWriter writes little-endian
    }

    /// <summary>Every array of an .npz archive (numpy.savez), by name without the .npy extension.</summary>
    public static Dictionary<string, NpyArray> ReadArchive(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        var arrays = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            using var s = entry.Open();
            using var copy = new MemoryStream();
            s.CopyTo(copy);
            arrays[Path.GetFileNameWithoutExtension(entry.FullName)] = Read(copy.ToArray(), $"{path}:{entry.FullName}");
        }
        return arrays;
    }

    /// <summary>One .npy file's array.</summary>
    /// <exception cref="InvalidDataException">Not .npy, or a dtype or layout other than little-endian float32 / float64 / int64 in C order.</exception>
    public static NpyArray Read(byte[] bytes, string name)
    {
        if (bytes.Length < Magic.Length + 4 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new InvalidDataException($"{name}: not a .npy file (no \\x93NUMPY magic).");
        var major = bytes[Magic.Length];
        var (headerLength, start) = major == 1
            ? (BitConverter.ToUInt16(bytes, Magic.Length + 2), Magic.Length + 4)
            : ((int)BitConverter.ToUInt32(bytes, Magic.Length + 2), Magic.Length + 6);
        var header = Encoding.ASCII.GetString(bytes, start, headerLength);
        var descr = Descr().Match(header).Groups[1].Value;
        if (!FortranFalse().IsMatch(header)) throw new InvalidDataException($"{name}: Fortran order; expected C order.");
        var shape = ShapeOf().Match(header).Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => long.Parse(d, CultureInfo.InvariantCulture)).ToArray();
        var data = bytes.AsSpan(start + headerLength);
        return descr switch
        {
            "<f4" => new NpyArray(shape, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(data).ToArray(), null),
            "<i8" => new NpyArray(shape, null, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(data).ToArray()),
            "<f8" => new NpyArray(shape, null, null, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(data).ToArray()),
            _ => throw new InvalidDataException($"{name}: dtype '{descr}'; expected '<f4', '<f8' or '<i8'."),
        };
    }

    [GeneratedRegex(@"'descr':\s*'([^']+)'")]
    private static partial Regex Descr();

    [GeneratedRegex(@"'fortran_order':\s*False")]
    private static partial Regex FortranFalse();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapeOf();
}
