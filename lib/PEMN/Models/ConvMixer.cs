using PEMN.Masking;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PEMN.Models;

/// <summary>
/// ConvMixer (Trockman and Kolter, "Patches Are All You Need?"), as in the PEMN authors' code:
/// patch conv, act, BN; depth x [residual(depthwise conv, act, BN), pointwise conv, act, BN];
/// global average pool; linear head. No biases. Every conv and linear comes from the layer factory.
/// </summary>
public sealed class ConvMixer : nn.Module<Tensor, Tensor>
{
    private readonly Sequential stem;
    private readonly ModuleList<ConvMixerBlock> blocks;
    private readonly nn.Module<Tensor, Tensor> head;

    /// <summary>Builds the model.</summary>
    /// <param name="dim">Channels (the width, e.g. 256).</param>
    /// <param name="depth">Number of mixer blocks.</param>
    /// <param name="kernel">Depthwise kernel size (the paper: 5).</param>
    /// <param name="patch">Patch size of the stem (the paper: 2 on CIFAR).</param>
    /// <param name="inChannels">Image channels.</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="activation">GELU (default) or ReLU.</param>
    /// <param name="layers">The factory that makes every conv, linear and BN layer.</param>
    public ConvMixer(long dim, long depth, long kernel, long patch, long inChannels, long classes,
        Activation activation, LayerFactory layers) : base(nameof(ConvMixer))
    {
        stem = nn.Sequential(
            ("conv", layers.Conv2d("stem", new ConvSpec(inChannels, dim, patch, Stride: patch))),
            ("act", Activations.Create(activation)),
            ("bn", layers.BatchNorm2d(dim)));
        var list = new List<ConvMixerBlock>();
        for (var i = 0; i < depth; i++) list.Add(new ConvMixerBlock($"block{i}", dim, kernel, activation, layers));
        blocks = nn.ModuleList(list.ToArray());
        head = layers.Linear("head", dim, classes);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = stem.forward(input);
        foreach (var block in blocks) x = block.forward(x);
        x = x.mean([2, 3]);
        return head.forward(x).MoveToOuterDisposeScope();
    }
}

/// <summary>One ConvMixer block: residual depthwise mixing of space, then pointwise mixing of channels.</summary>
public sealed class ConvMixerBlock : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> depthwise, act1, bn1, pointwise, act2, bn2;

    /// <summary>Builds one block of width <paramref name="dim"/>.</summary>
    public ConvMixerBlock(string name, long dim, long kernel, Activation activation, LayerFactory layers) : base(name)
    {
        depthwise = layers.Conv2d($"{name}.depthwise", new ConvSpec(dim, dim, kernel, Groups: dim, SamePadding: true));
        act1 = Activations.Create(activation);
        bn1 = layers.BatchNorm2d(dim);
        pointwise = layers.Conv2d($"{name}.pointwise", new ConvSpec(dim, dim, 1));
        act2 = Activations.Create(activation);
        bn2 = layers.BatchNorm2d(dim);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var mixed = bn1.forward(act1.forward(depthwise.forward(x))).add_(x);
        return bn2.forward(act2.forward(pointwise.forward(mixed))).MoveToOuterDisposeScope();
    }
}
