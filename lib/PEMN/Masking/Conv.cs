using static TorchSharp.torch;

namespace PEMN.Masking;

/// <summary>One place that turns a <see cref="ConvSpec"/> into a functional convolution call.</summary>
internal static class Conv
{
    public static Tensor Apply(Tensor input, Tensor weight, ConvSpec spec) => spec.SamePadding
        ? nn.functional.conv2d_padding(input, weight, null, [spec.Stride], TorchSharp.Padding.Same, [spec.Dilation], spec.Groups)
        : nn.functional.conv2d(input, weight, null, [spec.Stride], [spec.Padding], [spec.Dilation], spec.Groups);
}
