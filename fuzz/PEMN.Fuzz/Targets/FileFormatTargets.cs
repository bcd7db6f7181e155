using System.Buffers.Binary;
using System.Security.Cryptography;
using PEMN.FileFormat;
using PEMN.Runs;

namespace PEMN.Fuzz.Targets;

/// <summary>The <c>.pemn</c> reader: versions 1 and 2, every mask coding, the byte report and the packed configuration.</summary>
public static class FileFormatTargets
{
    /// <summary>Offset of the header's file-length field (FileFormat.md, section 3).</summary>
    private const int FileLengthOffset = 16;

    /// <summary>
    /// The <c>.pemn</c> target. Before reading, the input's declared length and SHA-256 are made right (when it is long enough
    /// to hold them): a random mutation almost never keeps the checksum, and without this fix-up the fuzzer would explore the
    /// checksum test only. The checks of length and checksum themselves are covered by the unit tests.
    /// </summary>
    public static FuzzTarget Pemn { get; } = new("pemn", ".pemn files (PemnFile.ReadWithLayout, PemnFileReport, RunPacking.ConfigOf)", Read,
        [typeof(PemnFileException)]);

    private static void Read(byte[] input)
    {
        var bytes = WithLengthAndChecksum(input);
        PemnFile.ReadWithLayout(bytes, fields: true);
        var report = PemnFileReport.Of(bytes);
        RunPacking.ConfigOf(report.Network);
    }

    /// <summary>
    /// <paramref name="input"/> with its header's file length and its trailing SHA-256 set to the values a writer would
    /// store, when it has room for both; shorter inputs are returned as they are.
    /// </summary>
    public static byte[] WithLengthAndChecksum(byte[] input)
    {
        if (input.Length < PemnFile.HeaderBytes + PemnFile.ChecksumBytes) return input;
        var bytes = (byte[])input.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(FileLengthOffset), (ulong)bytes.Length);
        var contentEnd = bytes.Length - PemnFile.ChecksumBytes;
        SHA256.HashData(bytes.AsSpan(0, contentEnd), bytes.AsSpan(contentEnd));
        return bytes;
    }
}
