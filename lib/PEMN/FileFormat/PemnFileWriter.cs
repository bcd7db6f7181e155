using System.Buffers.Binary;
using System.Security.Cryptography;

namespace PEMN.FileFormat;

/// <summary>Writes the bytes of FileFormat.md; the reader (<see cref="PemnFileReader"/>) is its mirror image.</summary>
internal static class PemnFileWriter
{
    public static (byte[] Bytes, PemnFileLayout Layout) Write(PackedNetwork network, PemnWriteOptions options, List<PemnField>? fields)
    {
        network.Validate();
        var version = PemnFile.VersionOf(network);
        var w = new FieldWriter(fields);
        w.Raw("header.magic", PemnFile.Magic, PemnFieldType.Bytes);
        w.U32("header.version", version);
        w.U32("header.sectionCount", (uint)PemnFile.SectionCountOf(version));
        var fileLengthAt = w.U64("header.fileLength", 0);

        // Kinds 1 .. section count, in order (the enum's order).
        var kinds = Enum.GetValues<PemnSectionKind>()[..PemnFile.SectionCountOf(version)];
        var offsetAt = new int[kinds.Length];
        var lengthAt = new int[kinds.Length];
        for (var i = 0; i < kinds.Length; i++)
        {
            w.U32($"toc[{i}].kind", (uint)kinds[i]);
            offsetAt[i] = w.U64($"toc[{i}].offset", 0);
            lengthAt[i] = w.U64($"toc[{i}].length", 0);
        }

        var sections = new List<PemnSection>();
        var masks = new List<PemnMaskLayout>();
        for (var i = 0; i < kinds.Length; i++)
        {
            var start = w.Position;
            switch (kinds[i])
            {
                case PemnSectionKind.Config: w.Raw("config.json", PackedRules.Utf8(network.ConfigJson), PemnFieldType.Bytes); break;
                case PemnSectionKind.Values: WriteValues(w, network.Prototypes); break;
                case PemnSectionKind.Layers: WriteLayers(w, network.Layers, options, masks); break;
                case PemnSectionKind.Permutations: WritePermutations(w, network.Permutations); break;
                case PemnSectionKind.Tensors: WriteTensors(w, network.Tensors); break;
                case PemnSectionKind.SparseLayers: WriteSparseLayers(w, network.SparseLayers, options, masks); break;
            }
            w.PatchU64(offsetAt[i], (ulong)start);
            w.PatchU64(lengthAt[i], (ulong)(w.Position - start));
            sections.Add(new PemnSection(kinds[i], start, w.Position - start));
        }

        var fileLength = w.Position + PemnFile.ChecksumBytes;
        w.PatchU64(fileLengthAt, (ulong)fileLength);
        w.Raw("checksum", SHA256.HashData(w.Written), PemnFieldType.Bytes);
        return (w.ToArray(), new PemnFileLayout(fileLength, sections, masks, fields, version));
    }

    private static void WriteValues(FieldWriter w, IReadOnlyList<PackedPrototype> prototypes)
    {
        w.U32("values.count", (uint)prototypes.Count);
        for (var i = 0; i < prototypes.Count; i++)
        {
            var p = prototypes[i];
            var name = $"values[{i}]";
            w.U8($"{name}.source", (byte)p.Source);
            w.U64($"{name}.length", (ulong)p.Length);
            w.U64($"{name}.tiledLength", (ulong)p.TiledLength);
            if (p.Values is { } values)
            {
                w.Floats($"{name}.values", values);
                continue;
            }
            var recipe = p.Recipe!;
            w.U32($"{name}.generator", (uint)recipe.Generator);
            w.U64($"{name}.seed", recipe.Seed);
            WriteShape(w, name, recipe.Shape);
            w.Raw($"{name}.sha256", recipe.Sha256, PemnFieldType.Bytes);
        }
    }

    private static void WriteLayers(FieldWriter w, IReadOnlyList<PackedLayer> layers, PemnWriteOptions options, List<PemnMaskLayout> masks)
    {
        w.U32("layers.count", (uint)layers.Count);
        for (var i = 0; i < layers.Count; i++)
        {
            var l = layers[i];
            var name = $"layers[{i}]";
            WriteString(w, $"{name}.path", l.Path);
            WriteShape(w, name, l.Shape);
            w.U32($"{name}.prototype", (uint)l.Prototype);
            w.U64($"{name}.offset", (ulong)l.Offset);
            w.F32($"{name}.scale", l.Scale);
            WriteMask(w, name, l.Path, l.Shape, l.Mask, PemnLayerForm.Masked, options, masks);
        }
    }

    private static void WriteSparseLayers(FieldWriter w, IReadOnlyList<PackedSparseLayer> layers, PemnWriteOptions options, List<PemnMaskLayout> masks)
    {
        w.U32("sparse.count", (uint)layers.Count);
        for (var i = 0; i < layers.Count; i++)
        {
            var l = layers[i];
            var name = $"sparse[{i}]";
            WriteString(w, $"{name}.path", l.Path);
            WriteShape(w, name, l.Shape);
            WriteMask(w, name, l.Path, l.Shape, l.Mask, PemnLayerForm.Sparse, options, masks);
            w.Floats($"{name}.values", l.Values);
        }
    }

    /// <summary>kept, coding, payload length and payload: the mask fields both layer forms share.</summary>
    private static void WriteMask(FieldWriter w, string name, string path, long[] shape, MaskBits mask, PemnLayerForm form,
        PemnWriteOptions options, List<PemnMaskLayout> masks)
    {
        w.U64($"{name}.kept", (ulong)mask.CountOnes());
        var (coding, payload) = options.Coding is { } forced
            ? (forced, MaskCoder.Encode(mask, shape, forced))
            : MaskCoder.Encode(mask, shape);
        w.U8($"{name}.coding", (byte)coding);
        w.U64($"{name}.payloadLength", (ulong)payload.Length);
        masks.Add(new PemnMaskLayout(path, mask.Length, coding, w.Position, payload.Length, form));
        w.Raw($"{name}.payload", payload, PemnFieldType.Bytes);
    }

    private static void WritePermutations(FieldWriter w, IReadOnlyList<PackedPermutation> permutations)
    {
        w.U32("permutations.count", (uint)permutations.Count);
        for (var i = 0; i < permutations.Count; i++)
        {
            var p = permutations[i];
            var name = $"permutations[{i}]";
            w.U32($"{name}.prototype", (uint)p.Prototype);
            w.U32($"{name}.generator", (uint)p.Generator);
            w.U64($"{name}.seed", p.Seed);
            w.U64($"{name}.length", (ulong)p.Length);
            w.Raw($"{name}.sha256", p.Sha256, PemnFieldType.Bytes);
        }
    }

    private static void WriteTensors(FieldWriter w, IReadOnlyList<PackedTensor> tensors)
    {
        w.U32("tensors.count", (uint)tensors.Count);
        for (var i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            var name = $"tensors[{i}]";
            WriteString(w, $"{name}.name", t.Name);
            w.U8($"{name}.dtype", (byte)t.DType);
            WriteShape(w, name, t.Shape);
            if (t.Float32 is { } floats) w.Floats($"{name}.data", floats);
            else w.Longs($"{name}.data", t.Int64!);
        }
    }

    private static void WriteString(FieldWriter w, string name, string text)
    {
        var bytes = PackedRules.Utf8(text);
        w.U16($"{name}Length", (ushort)bytes.Length);
        w.Raw(name, bytes, PemnFieldType.Bytes);
    }

    private static void WriteShape(FieldWriter w, string name, long[] shape)
    {
        w.U8($"{name}.rank", (byte)shape.Length);
        for (var d = 0; d < shape.Length; d++) w.I64($"{name}.shape[{d}]", shape[d]);
    }

    /// <summary>A growing little-endian byte buffer that names what it writes.</summary>
    private sealed class FieldWriter(List<PemnField>? fields)
    {
        private byte[] buffer = new byte[InitialCapacity];
        private const int InitialCapacity = 4096;

        public int Position { get; private set; }

        public ReadOnlySpan<byte> Written => buffer.AsSpan(0, Position);

        public byte[] ToArray() => buffer.AsSpan(0, Position).ToArray();

        public void U8(string name, byte value) => Take(name, sizeof(byte), PemnFieldType.U8)[0] = value;

        public void U16(string name, ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Take(name, sizeof(ushort), PemnFieldType.U16), value);

        public void U32(string name, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Take(name, sizeof(uint), PemnFieldType.U32), value);

        /// <summary>Writes a u64 and returns its offset, for fields patched later.</summary>
        public int U64(string name, ulong value)
        {
            var at = Position;
            BinaryPrimitives.WriteUInt64LittleEndian(Take(name, sizeof(ulong), PemnFieldType.U64), value);
            return at;
        }

        public void I64(string name, long value) => BinaryPrimitives.WriteInt64LittleEndian(Take(name, sizeof(long), PemnFieldType.I64), value);

        public void F32(string name, float value) => BinaryPrimitives.WriteSingleLittleEndian(Take(name, sizeof(float), PemnFieldType.F32), value);

        public void Floats(string name, float[] values)
        {
            var span = Take(name, checked(values.Length * sizeof(float)), PemnFieldType.Bytes);
            for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(span[(i * sizeof(float))..], values[i]);
        }

        public void Longs(string name, long[] values)
        {
            var span = Take(name, checked(values.Length * sizeof(long)), PemnFieldType.Bytes);
            for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(span[(i * sizeof(long))..], values[i]);
        }

        public void Raw(string name, ReadOnlySpan<byte> bytes, PemnFieldType type) => bytes.CopyTo(Take(name, bytes.Length, type));

        public void PatchU64(int at, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(at, sizeof(ulong)), value);

        private Span<byte> Take(string name, int size, PemnFieldType type)
        {
            var needed = checked(Position + size);
            if (needed > buffer.Length) Array.Resize(ref buffer, (int)Math.Min(Array.MaxLength, Math.Max(needed, 2L * buffer.Length)));
            fields?.Add(new PemnField(name, Position, size, type));
            var span = buffer.AsSpan(Position, size);
            Position = needed;
            return span;
        }
    }
}
