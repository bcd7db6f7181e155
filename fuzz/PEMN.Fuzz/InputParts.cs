namespace PEMN.Fuzz;

/// <summary>
/// Splits one fuzz input into the several files a reader of a folder needs (a run folder, a Tiny-ImageNet root). The
/// parts are separated by <see cref="Separator"/>, a byte that never occurs in the text files of those folders, so the
/// fuzzer can grow, shrink and swap parts with its ordinary mutations.
/// </summary>
public static class InputParts
{
    /// <summary>The separator: a NUL byte.</summary>
    public const byte Separator = 0;

    /// <summary>The first <paramref name="count"/> parts (missing ones null: that file is absent; the last part takes the rest).</summary>
    public static byte[]?[] Split(byte[] input, int count)
    {
        var parts = new byte[]?[count];
        var start = 0;
        for (var i = 0; i < count && start <= input.Length; i++)
        {
            var end = i == count - 1 ? -1 : Array.IndexOf(input, Separator, start);
            if (end < 0) end = input.Length;
            parts[i] = input[start..end];
            start = end + 1;
        }
        return parts;
    }

    /// <summary>The parts joined with the separator: how a corpus file for a folder target is made.</summary>
    public static byte[] Join(params byte[][] parts)
    {
        var joined = new List<byte>();
        for (var i = 0; i < parts.Length; i++)
        {
            if (i > 0) joined.Add(Separator);
            joined.AddRange(parts[i]);
        }
        return [.. joined];
    }
}
