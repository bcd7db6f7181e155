using System.Buffers.Binary;

namespace PEMN.FileFormat;

internal static partial class PemnFileReader
{
    /// <summary>A little-endian reader confined to one section; every read checks the bytes left first.</summary>
    private ref struct Cursor(ReadOnlySpan<byte> file, int start, int end, string section, List<PemnField>? fields)
    {
        private readonly ReadOnlySpan<byte> file = file;

        public int Position { get; private set; } = start;

        /// <summary>Offset of the last field read.</summary>
        public int LastOffset { get; private set; } = start;

        public readonly int Remaining => end - Position;

        public readonly PemnFileException Error(PemnFileError reason, string field, long offset, string detail) =>
            new(reason, $"{section} section, {field}", offset, detail);

        public byte U8(string name) => Take(name, sizeof(byte), PemnFieldType.U8)[0];

        public ushort U16(string name) => BinaryPrimitives.ReadUInt16LittleEndian(Take(name, sizeof(ushort), PemnFieldType.U16));

        public uint U32(string name) => BinaryPrimitives.ReadUInt32LittleEndian(Take(name, sizeof(uint), PemnFieldType.U32));

        public ulong U64(string name) => BinaryPrimitives.ReadUInt64LittleEndian(Take(name, sizeof(ulong), PemnFieldType.U64));

        public long I64(string name) => BinaryPrimitives.ReadInt64LittleEndian(Take(name, sizeof(long), PemnFieldType.I64));

        public float F32(string name) => BinaryPrimitives.ReadSingleLittleEndian(Take(name, sizeof(float), PemnFieldType.F32));

        public ReadOnlySpan<byte> Bytes(string name, int count) => Take(name, count, PemnFieldType.Bytes);

        public void Skip(string name, int count) => Take(name, count, PemnFieldType.Bytes);

        /// <summary>Throws unless every byte of the section was read.</summary>
        public readonly void End()
        {
            if (Position != end)
                throw Error(PemnFileError.TrailingBytes, "end", Position, $"{end - Position} bytes follow the last field of the section");
        }

        /// <summary>A table's entry count, checked against the limit and against what the rest of the section can hold.</summary>
        public int Count(string name, string what, int minEntryBytes, PemnLimits limits)
        {
            var count = U32(name);
            if (count > (uint)limits.MaxTableEntries)
                throw Error(PemnFileError.LimitExceeded, $"{what} count", LastOffset, $"{count} {what} exceed the limit of {limits.MaxTableEntries}");
            if ((long)count * minEntryBytes > Remaining)
                throw Error(PemnFileError.LimitExceeded, $"{what} count", LastOffset,
                    $"{count} {what} need at least {(long)count * minEntryBytes} bytes ({minEntryBytes} each), the section has {Remaining} left");
            return (int)count;
        }

        /// <summary>A u64 size, at most <paramref name="max"/>.</summary>
        public long Size(string name, string what, long max)
        {
            var value = U64(name);
            if (value > (ulong)max)
                throw Error(PemnFileError.LimitExceeded, what, LastOffset, $"{what} {value} exceeds the limit of {max}");
            return (long)value;
        }

        /// <summary>A u16-length strict UTF-8 string, non-empty and within the limit.</summary>
        public string String(string name, string what, PemnLimits limits)
        {
            var length = U16($"{name}Length");
            var at = LastOffset;
            if (length == 0) throw Error(PemnFileError.InvalidField, what, at, "the name is empty");
            if (length > limits.MaxStringBytes)
                throw Error(PemnFileError.LimitExceeded, what, at, $"the name declares {length} bytes, more than the limit of {limits.MaxStringBytes}");
            if (length > Remaining)
                throw Error(PemnFileError.Truncated, what, at, $"the name declares {length} bytes, the section has {Remaining} left");
            return PackedRules.DecodeUtf8(Bytes(name, length))
                ?? throw Error(PemnFileError.InvalidText, what, at, "the name is not valid UTF-8");
        }

        /// <summary>A rank byte and that many i64 dimensions, checked with <see cref="PackedRules.ShapeError"/>.</summary>
        public long[] Shape(string name, string what, int minRank, long minDim, PemnLimits limits, out long elements)
        {
            var rank = U8($"{name}.rank");
            var at = LastOffset;
            if (rank < minRank || rank > PackedRules.MaxRank)
                throw Error(PemnFileError.InvalidField, $"{what} rank", at, $"rank {rank} is outside [{minRank}, {PackedRules.MaxRank}]");
            var shape = new long[rank];
            for (var d = 0; d < rank; d++) shape[d] = I64($"{name}.shape[{d}]");
            if (PackedRules.ShapeError(shape, minRank, minDim, limits.MaxElements, out elements) is { } error)
            {
                var reason = shape.Any(d => d < minDim) ? PemnFileError.InvalidField : PemnFileError.LimitExceeded;
                throw Error(reason, $"{what} shape", at, error);
            }
            return shape;
        }

        public float[] Floats(string name, string what, long count)
        {
            var bytes = ElementBytes(name, what, count, sizeof(float));
            var values = new float[count];
            for (var i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..]);
            return values;
        }

        public long[] Longs(string name, string what, long count)
        {
            var bytes = ElementBytes(name, what, count, sizeof(long));
            var values = new long[count];
            for (var i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes[(i * sizeof(long))..]);
            return values;
        }

        private ReadOnlySpan<byte> ElementBytes(string name, string what, long count, int elementBytes)
        {
            // Compared in elements, not bytes: count * elementBytes may overflow an int when the limits are raised.
            if (count > Remaining / elementBytes)
                throw Error(PemnFileError.LimitExceeded, what, Position,
                    $"{count} elements of {elementBytes} bytes need {count * elementBytes} bytes, the section has {Remaining} left");
            return Take(name, (int)count * elementBytes, PemnFieldType.Bytes);
        }

        private ReadOnlySpan<byte> Take(string name, int size, PemnFieldType type)
        {
            if (size > Remaining)
                throw Error(PemnFileError.Truncated, name, Position, $"the field needs {size} bytes, the section has {Remaining} left");
            fields?.Add(new PemnField(name, Position, size, type));
            LastOffset = Position;
            var span = file.Slice(Position, size);
            Position += size;
            return span;
        }
    }
}
