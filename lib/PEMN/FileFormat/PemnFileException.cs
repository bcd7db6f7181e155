namespace PEMN.FileFormat;

/// <summary>Why a PEMN file was rejected: the kinds of fault a reader tells apart.</summary>
public enum PemnFileError
{
    /// <summary>The bytes do not start with the PEMN magic (or are too short to hold it).</summary>
    NotPemnFile,
    /// <summary>The file declares a format version this reader does not read.</summary>
    UnsupportedVersion,
    /// <summary>The file is shorter than its header declares, or a field runs past the end of its section.</summary>
    Truncated,
    /// <summary>The file is longer than its header declares, or a section holds bytes after its last field.</summary>
    TrailingBytes,
    /// <summary>The SHA-256 of the content does not match the one stored at the end.</summary>
    ChecksumMismatch,
    /// <summary>The table of contents is malformed: unknown, repeated, missing, misordered or misplaced sections.</summary>
    BadTableOfContents,
    /// <summary>A declared count or size exceeds the reader's limits or what the remaining bytes can hold.</summary>
    LimitExceeded,
    /// <summary>A field holds a value outside its allowed range or inconsistent with another field.</summary>
    InvalidField,
    /// <summary>A string or the configuration is not valid UTF-8 (or, for the configuration, not valid JSON).</summary>
    InvalidText,
    /// <summary>A mask payload is not a valid encoding of a mask of the layer's size, or disagrees with its kept count.</summary>
    InvalidMask,
}

/// <summary>
/// A PEMN file was rejected. <see cref="Reason"/> says what kind of fault it is; the message names the section,
/// the field, the byte offset and, for sizes, what was declared against what is available.
/// </summary>
public sealed class PemnFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">The kind of fault.</param>
    /// <param name="location">Section and field, e.g. "Layers: layer 2 ('blocks.0.conv') shape".</param>
    /// <param name="offset">Byte offset of the field in the file (-1 when it is the file as a whole).</param>
    /// <param name="detail">What is wrong, with the declared and the available values.</param>
    public PemnFileException(PemnFileError reason, string location, long offset, string detail)
        : base(offset >= 0 ? $"PEMN file rejected ({reason}) at byte {offset}, {location}: {detail}" : $"PEMN file rejected ({reason}), {location}: {detail}")
    {
        Reason = reason;
        Location = location;
        Offset = offset;
    }

    /// <summary>The kind of fault.</summary>
    public PemnFileError Reason { get; }

    /// <summary>The section and field at fault.</summary>
    public string Location { get; }

    /// <summary>Byte offset of the field at fault, or -1.</summary>
    public long Offset { get; }
}
