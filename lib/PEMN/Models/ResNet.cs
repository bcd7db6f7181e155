using PEMN.Masking;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PEMN.Models;

/// <summary>
/// The CIFAR ResNets of He et al. 2016 (section 4.2): a 3x3 stem of 16 channels, three stages of n basic blocks
/// with 16, 32 and 64 channels (times a width multiplier), stride 2 at the start of stages 2 and 3, option-A
/// shortcuts (parameter-free: subsample and pad channels with zeros), global average pool and a linear head.
/// Depth = 6n + 2: ResNet-20, -32, -56 have n = 3, 5, 9. No biases; every conv and linear comes from the factory.
/// </summary>
public sealed class ResNet : nn.Module<Tensor, Tensor>
{
    /// <summary>Channels of the three stages at width multiplier 1.</summary>
    public static readonly long[] StageChannels = [16, 32, 64];

    private readonly nn.Module<Tensor, Tensor> stem, stemBn;
    private readonly ModuleList<BasicBlock> blocks;
    private readonly nn.Module<Tensor, Tensor> head;

    /// <summary>Builds ResNet-<paramref name="depth"/>.</summary>
    /// <param name="depth">6n + 2 (20, 32, 44, 56, 110 ...).</param>
    /// <param name="widthMultiplier">Multiplies the 16/32/64 channels.</param>
    /// <param name="inChannels">Image channels.</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="layers">The factory that makes every conv, linear and BN layer.</param>
    public ResNet(long depth, long widthMultiplier, long inChannels, long classes, LayerFactory layers) : base(nameof(ResNet))
    {
        var n = BlocksPerStage(depth);
        var widths = StageChannels.Select(c => c * widthMultiplier).ToArray();
        stem = layers.Conv2d("stem", new ConvSpec(inChannels, widths[0], 3, Padding: 1));
        stemBn = layers.BatchNorm2d(widths[0]);
        var list = new List<BasicBlock>();
        var input = widths[0];
        for (var stage = 0; stage < widths.Length; stage++)
            for (var i = 0; i < n; i++)
            {
                var stride = stage > 0 && i == 0 ? 2 : 1;
                list.Add(new BasicBlock($"stage{stage}.block{i}", input, widths[stage], stride, layers));
                input = widths[stage];
            }
        blocks = nn.ModuleList(list.ToArray());
        head = layers.Linear("head", input, classes);
        RegisterComponents();
    }

    /// <summary>n of depth = 6n + 2; throws for other depths.</summary>
    public static long BlocksPerStage(long depth)
    {
        if (depth < 8 || (depth - 2) % 6 != 0)
            throw new ArgumentOutOfRangeException(nameof(depth), depth, $"depth = {depth} is not allowed for a ResNet; allowed: 6n + 2 with n >= 1 (20, 32, 56 ...).");
        return (depth - 2) / 6;
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.relu(stemBn.forward(stem.forward(input)));
        foreach (var block in blocks) x = block.forward(x);
        return head.forward(x.mean([2, 3])).MoveToOuterDisposeScope();
    }
}

/// <summary>A basic residual block: conv3x3, BN, ReLU, conv3x3, BN, plus the option-A shortcut, then ReLU.</summary>
public sealed class BasicBlock : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> conv1, bn1, conv2, bn2;
    private readonly long stride, padChannels;

    /// <summary>Builds one block from <paramref name="input"/> to <paramref name="output"/> channels.</summary>
    public BasicBlock(string name, long input, long output, long stride, LayerFactory layers) : base(name)
    {
        if (output < input || (output - input) % 2 != 0)
            throw new ArgumentException($"Block '{name}': option-A shortcuts need output channels ({output}) >= input ({input}) with an even difference.");
        this.stride = stride;
        padChannels = (output - input) / 2;
        conv1 = layers.Conv2d($"{name}.conv1", new ConvSpec(input, output, 3, Stride: stride, Padding: 1));
        bn1 = layers.BatchNorm2d(output);
        conv2 = layers.Conv2d($"{name}.conv2", new ConvSpec(output, output, 3, Padding: 1));
        bn2 = layers.BatchNorm2d(output);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = bn2.forward(conv2.forward(nn.functional.relu(bn1.forward(conv1.forward(x)))));
        var shortcut = x;
        if (stride != 1) shortcut = shortcut[.., .., TensorIndex.Slice(null, null, stride), TensorIndex.Slice(null, null, stride)];
        // Option A: the missing channels are zeros, half before and half after (He et al.; the common CIFAR code).
        if (padChannels > 0) shortcut = nn.functional.pad(shortcut, [0, 0, 0, 0, padChannels, padChannels]);
        return nn.functional.relu(y.add_(shortcut)).MoveToOuterDisposeScope();
    }
}
