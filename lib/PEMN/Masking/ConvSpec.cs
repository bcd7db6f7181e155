using PEMN.Runtime;
using static TorchSharp.torch;

namespace PEMN.Masking;

/// <summary>The geometry of a 2-D convolution, as torch.nn.Conv2d takes it (square kernels).</summary>
/// <param name="InChannels">Input channels.</param>
/// <param name="OutChannels">Output channels.</param>
/// <param name="Kernel">Kernel size (square).</param>
/// <param name="Stride">Stride.</param>
/// <param name="Padding">Zero padding on each side; ignored when <paramref name="SamePadding"/>.</param>
/// <param name="Dilation">Spacing between kernel elements.</param>
/// <param name="Groups">Blocked connections; groups = in = out is depthwise.</param>
/// <param name="SamePadding">Pad so that the output has the input's spatial size (stride 1).</param>
public sealed record ConvSpec(
    long InChannels, long OutChannels, long Kernel,
    long Stride = 1, long Padding = 0, long Dilation = 1, long Groups = 1, bool SamePadding = false)
{
    /// <summary>The weight shape [out, in / groups, kernel, kernel].</summary>
    public long[] WeightShape => [OutChannels, InChannels / Groups, Kernel, Kernel];

    /// <summary>
    /// The bias-free convolution of <paramref name="input"/> with <paramref name="weight"/> under this geometry, in the
    /// memory format of the thread's <see cref="ComputeScope"/> (its precision is libtorch's autocast, which casts here).
    /// </summary>
    public Tensor Apply(Tensor input, Tensor weight)
    {
        using var scope = NewDisposeScope();
        var w = ComputeScope.ForConvolution(weight);
        var output = SamePadding
            ? nn.functional.conv2d_padding(input, w, null, [Stride], TorchSharp.Padding.Same, [Dilation], Groups)
            : nn.functional.conv2d(input, w, null, [Stride], [Padding], [Dilation], Groups);
        MultiplyAddCounter.Add(weight, output, conv: true);
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>Throws when the geometry is impossible.</summary>
    public ConvSpec Validate()
    {
        Positive(InChannels, nameof(InChannels)); Positive(OutChannels, nameof(OutChannels));
        Positive(Kernel, nameof(Kernel)); Positive(Stride, nameof(Stride));
        Positive(Dilation, nameof(Dilation)); Positive(Groups, nameof(Groups));
        if (Padding < 0) throw new ArgumentOutOfRangeException(nameof(Padding), Padding, "Padding must be >= 0.");
        if (InChannels % Groups != 0 || OutChannels % Groups != 0)
            throw new ArgumentException(
                $"Groups = {Groups} must divide in channels ({InChannels}) and out channels ({OutChannels}).");
        if (SamePadding && Stride != 1)
            throw new ArgumentException($"Same padding needs stride 1; stride is {Stride}.");
        return this;
    }

    private static void Positive(long value, string name)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(name, value, $"{name} must be >= 1; it is {value}.");
    }
}
