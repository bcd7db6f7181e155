using PEMN.Masking;
using PEMN.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PEMN.Models;

/// <summary>How a ViT turns its tokens into one vector for the head.</summary>
public enum Pooling
{
    /// <summary>A learned class token prepended to the patches; its final state feeds the head (the original ViT).</summary>
    ClassToken,
    /// <summary>The mean of the patch tokens' final states.</summary>
    Mean,
}

/// <summary>
/// A Vision Transformer for small images (Dosovitskiy et al. 2021), every linear masked through the factory:
/// patch-embedding conv, learned position embedding, depth x pre-norm blocks [x + MHSA(LN(x)), x + MLP(LN(x))],
/// final LayerNorm, head. The PEMN paper gives no ViT hyper-parameters; the workbook's defaults, a common
/// CIFAR-size choice, are patch 4 (64 tokens on 32x32), 8 heads, MLP ratio 2, class-token pooling, no dropout
/// (masks over random weights regularise already). Position embedding and class token are trained (like norms):
/// the storage report counts them with the other trained parameters.
/// </summary>
public sealed class ViT : nn.Module<Tensor, Tensor>
{
    /// <summary>Std of the position embedding and class token init (the original ViT's truncated normal 0.02).</summary>
    public const double EmbeddingInitStd = 0.02;

    private readonly nn.Module<Tensor, Tensor> patchEmbed;
    private readonly Parameter positions;
    private readonly Parameter? classToken;
    private readonly ModuleList<TransformerBlock> blocks;
    private readonly nn.Module<Tensor, Tensor> norm, head;
    private readonly Pooling pooling;

    /// <summary>Builds the model.</summary>
    public ViT(long dim, long depth, long patch, long heads, long mlpRatio, Pooling pooling, long inChannels, long imageSize,
        long classes, LayerFactory layers) : base(nameof(ViT))
    {
        if (imageSize % patch != 0)
            throw new ArgumentException($"ViT: image size {imageSize} is not divisible by patch {patch}; allowed: a patch that divides the image side.", nameof(patch));
        if (dim % heads != 0)
            throw new ArgumentException($"ViT: dim {dim} is not divisible by heads {heads}; allowed: heads that divide dim.", nameof(heads));
        this.pooling = pooling;
        var tokens = (imageSize / patch) * (imageSize / patch) + (pooling == Pooling.ClassToken ? 1 : 0);
        patchEmbed = layers.Conv2d("patch_embed", new ConvSpec(inChannels, dim, patch, Stride: patch));
        using var generator = new Generator(SeedMix.Derive(layers.Seed, long.MaxValue, 0));
        positions = new Parameter(randn([1, tokens, dim], generator: generator).mul_(EmbeddingInitStd));
        if (pooling == Pooling.ClassToken) classToken = new Parameter(randn([1, 1, dim], generator: generator).mul_(EmbeddingInitStd));
        var list = new List<TransformerBlock>();
        for (var i = 0; i < depth; i++) list.Add(new TransformerBlock($"block{i}", dim, heads, mlpRatio, layers));
        blocks = nn.ModuleList(list.ToArray());
        norm = layers.LayerNorm(dim);
        head = layers.Linear("head", dim, classes);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = patchEmbed.forward(input).flatten(2).transpose(1, 2); // [B, N, dim]
        if (classToken is not null) x = cat([classToken.expand(x.shape[0], -1, -1), x], 1);
        x = x.add(positions);
        foreach (var block in blocks) x = block.forward(x);
        x = norm.forward(x);
        var pooled = pooling == Pooling.ClassToken ? x[.., 0] : x.mean([1]);
        return head.forward(pooled).MoveToOuterDisposeScope();
    }
}

/// <summary>One pre-norm transformer block: x + MHSA(LN(x)), then x + MLP(LN(x)); qkv, projection and MLP are factory linears.</summary>
public sealed class TransformerBlock : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> norm1, qkv, proj, norm2, fc1, act, fc2;
    private readonly long heads;

    /// <summary>Builds one block of width <paramref name="dim"/>.</summary>
    public TransformerBlock(string name, long dim, long heads, long mlpRatio, LayerFactory layers) : base(name)
    {
        this.heads = heads;
        norm1 = layers.LayerNorm(dim);
        qkv = layers.Linear($"{name}.qkv", dim, 3 * dim);
        proj = layers.Linear($"{name}.proj", dim, dim);
        norm2 = layers.LayerNorm(dim);
        fc1 = layers.Linear($"{name}.fc1", dim, dim * mlpRatio);
        act = nn.GELU();
        fc2 = layers.Linear($"{name}.fc2", dim * mlpRatio, dim);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var (b, n, d) = (x.shape[0], x.shape[1], x.shape[2]);
        var qkvOut = qkv.forward(norm1.forward(x)).view(b, n, 3, heads, d / heads).permute(2, 0, 3, 1, 4); // [3, B, H, N, dh]
        var (q, k, v) = (qkvOut[0], qkvOut[1], qkvOut[2]);
        var attention = q.matmul(k.transpose(-2, -1)).mul_(1.0 / Math.Sqrt(d / heads)).softmax(-1);
        var mixed = attention.matmul(v).transpose(1, 2).reshape(b, n, d);
        x = x.add(proj.forward(mixed));
        x = x.add(fc2.forward(act.forward(fc1.forward(norm2.forward(x)))));
        return x.MoveToOuterDisposeScope();
    }
}
