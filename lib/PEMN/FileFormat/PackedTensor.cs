namespace PEMN.FileFormat;

/// <summary>Element types of <see cref="PackedTensor"/>.</summary>
public enum TensorDType : byte
{
    /// <summary>IEEE 754 binary32.</summary>
    Float32 = 1,
    /// <summary>Two's complement 64-bit integer (e.g. BatchNorm's num_batches_tracked).</summary>
    Int64 = 2,
}

/// <summary>
/// Any other trained or running tensor of the network (BatchNorm affine and statistics, dense layers,
/// embeddings), by its parameter or buffer name. Exactly one of <see cref="Float32"/> and <see cref="Int64"/> is set.
/// </summary>
/// <param name="Name">Parameter or buffer name, e.g. "blocks.0.bn.running_var".</param>
/// <param name="Shape">Shape (rank 0 for a scalar).</param>
/// <param name="Float32">Row-major data when float32.</param>
/// <param name="Int64">Row-major data when int64.</param>
public sealed record PackedTensor(string Name, long[] Shape, float[]? Float32, long[]? Int64)
{
    /// <summary>A float32 tensor.</summary>
    public static PackedTensor Of(string name, long[] shape, float[] data) => new(name, shape, data, null);

    /// <summary>An int64 tensor.</summary>
    public static PackedTensor Of(string name, long[] shape, long[] data) => new(name, shape, null, data);

    /// <summary>The element type.</summary>
    public TensorDType DType => Float32 is not null ? TensorDType.Float32 : TensorDType.Int64;

    /// <summary>Number of elements held.</summary>
    public long DataLength => Float32?.LongLength ?? Int64?.LongLength ?? 0;
}
