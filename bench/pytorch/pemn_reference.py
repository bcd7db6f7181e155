#!/usr/bin/python3
"""PyTorch reference of the workbook's ConvMixer, dense and masked (PEMN sparse selection).

What it is: an independent PyTorch restatement of lib/PEMN/Models/ConvMixer.cs and
lib/PEMN/Masking/ (masked layers, TopKMask, MaskedWeight's straight-through estimator), with the
same module paths as the C# model's state_dict (stem.conv.weight, blocks.0.depthwise.scores,
blocks.1.bn2.running_var, head.weight, ...), so that tensors move between the two by name.
It is this project's own code, written from our C# definitions; the authors' code
(github.com/yueb17/PEMN, src/convmixer/models.py) was only read to compare.

Used by:
- bench/pytorch/make_fixtures.py, which writes the fixtures that
  lib/PEMN.Tests/Models/ReferenceForwardTests.cs checks our forward and backward passes against;
- a later side-by-side speed benchmark: `training_step` and `time_training_steps` below, on the
  presets QUICK (Fashion-MNIST protocol) and CIFAR_256_8. Nothing here runs a benchmark by itself.

Run with Debian's PyTorch (`apt-get install -y --no-install-recommends python3-torch`, torch 1.13).
Where a pyenv or venv python3 shadows the system one, call /usr/bin/python3 explicitly.
    /usr/bin/python3 bench/pytorch/pemn_reference.py        # builds both presets, one tiny step, prints shapes
"""

import math
import time
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

# The protocols the speed benchmark will compare (lib/PEMN/Experiments/ExperimentPresets.cs).
# QUICK: the CPU protocol (Fashion-MNIST 1x28x28, ConvMixer-64/4, kernel 5, patch 2, batch 128,
# AdamW lr_max 0.05 for masks, weight decay 0.005, k = 0.5, GELU, learnable BN).
QUICK = dict(dim=64, depth=4, kernel=5, patch=2, in_channels=1, image_size=28, classes=10,
             batch=128, lr=0.05, weight_decay=0.005)
# CIFAR_256_8: the paper's model on 3x32x32, at the batch toolchain.md measured (64).
CIFAR_256_8 = dict(dim=256, depth=8, kernel=5, patch=2, in_channels=3, image_size=32, classes=10,
                   batch=64, lr=0.05, weight_decay=0.005)


# ---------------------------------------------------------------------------------------------
# Masking: top-k of |scores| per layer and the straight-through estimator
# ---------------------------------------------------------------------------------------------

def kept_count(n, k):
    """Entries kept out of n at keep fraction k: n - floor((1 - k) n) (TopKMask.KeptCount).

    The authors' GetSubnet zeroes the first int((1 - k) n) entries of the ascending sort, i.e. the same count.
    """
    if not (0 < k <= 1):
        raise ValueError(f"keep fraction k = {k} is outside (0, 1]")
    return n - int(math.floor((1 - k) * n))


def topk_mask(scores, k):
    """Binary mask (dtype of scores): 1 for the kept_count largest |scores| of the tensor, else 0.

    Ties are broken in favour of the lower flat index (a stable descending sort), as TopKMask.Compute
    and TopKMask.ComputeBySort do. The authors' code sorts with an unstable sort, so its tie-break is
    unspecified; with continuous random scores there are no ties.
    """
    with torch.no_grad():
        flat = scores.detach().abs().flatten()
        keep = kept_count(flat.numel(), k)
        _, idx = torch.sort(flat, descending=True, stable=True)
        mask = torch.zeros_like(flat)
        mask[idx[:keep]] = 1
        return mask.view_as(scores)


def topk_mask_select(scores, k):
    """The same mask as topk_mask by one kthvalue selection instead of a sort, as TopKMask.Compute computes it.

    Ties at the threshold keep the lower flat indices, counted on the device (no value goes to the host).
    """
    with torch.no_grad():
        flat = scores.detach().abs().flatten()
        n = flat.numel()
        keep = kept_count(n, k)
        if keep == n:
            return torch.ones_like(scores)
        threshold = flat.kthvalue(n - keep).values
        above = flat > threshold
        tied = flat == threshold
        missing = keep - above.sum()
        mask = above | (tied & (tied.long().cumsum(0) <= missing))
        return mask.to(scores.dtype).view_as(scores)


def effective_weight_ours(weight, scores, k, mask_of=topk_mask):
    """W * ((|S| - stop_gradient(|S|)) + M), as lib/PEMN/Masking/MaskedWeight.cs writes it.

    The bracket is exactly 0 in value, so the result is exactly W * M; autograd sees dM/d|S| = 1,
    so dL/dS = (dL/dW_eff * W) * sign(S). Without gradients it is plain W * M (the C# no-grad branch).
    """
    mask = mask_of(scores, k)
    if not (scores.requires_grad and torch.is_grad_enabled()):
        return weight * mask
    magnitude = scores.abs()
    return weight * ((magnitude - magnitude.detach()) + mask)


class _GetSubnet(torch.autograd.Function):
    """The authors' formulation (models.py, GetSubnet): a mask of |S| whose backward is the identity.

    Restated here (not copied) to check that it gives the same gradient as ours: the identity
    passes dL/dM = dL/dW_eff * W to |S|, and abs' backward multiplies by sign(S).
    """

    @staticmethod
    def forward(ctx, magnitude, k):
        return topk_mask(magnitude, k)

    @staticmethod
    def backward(ctx, grad):
        return grad, None


def effective_weight_authors(weight, scores, k):
    """W * GetSubnet(|S|, k), the authors' way of writing the same estimator."""
    return weight * _GetSubnet.apply(scores.abs(), k)


def effective_weight_ours_select(weight, scores, k):
    """Our estimator with the mask by selection: what our library computes, step for step (the speed benchmark's masked model)."""
    return effective_weight_ours(weight, scores, k, topk_mask_select)


STE = {"ours": effective_weight_ours, "authors": effective_weight_authors, "ours_select": effective_weight_ours_select}


def kaiming_normal_(t):
    """Kaiming normal, fan_in, ReLU gain: N(0, 2 / fan_in) (Initializers.Weight, KaimingNormal)."""
    return nn.init.kaiming_normal_(t, mode="fan_in", nonlinearity="relu")


def score_init_(t):
    """Kaiming uniform with a = sqrt(5): U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (Initializers.Scores)."""
    return nn.init.kaiming_uniform_(t, a=math.sqrt(5))


class MaskedConv2d(nn.Module):
    """Bias-free conv computing with W * M(S): frozen weight buffer 'weight', parameter 'scores'."""

    def __init__(self, in_ch, out_ch, kernel, stride=1, groups=1, same=False, k=0.5, ste="ours"):
        super().__init__()
        shape = (out_ch, in_ch // groups, kernel, kernel)
        self.register_buffer("weight", kaiming_normal_(torch.empty(shape)))
        self.scores = nn.Parameter(score_init_(torch.empty(shape)))
        self.stride, self.groups, self.same, self.k = stride, groups, same, k
        self.effective = STE[ste]

    def forward(self, x):
        w = self.effective(self.weight, self.scores, self.k)
        padding = "same" if self.same else 0
        return F.conv2d(x, w, None, self.stride, padding, 1, self.groups)


class MaskedLinear(nn.Module):
    """Bias-free linear layer computing with W * M(S); 'weight' a buffer, 'scores' a parameter."""

    def __init__(self, in_features, out_features, k=0.5, ste="ours"):
        super().__init__()
        shape = (out_features, in_features)
        self.register_buffer("weight", kaiming_normal_(torch.empty(shape)))
        self.scores = nn.Parameter(score_init_(torch.empty(shape)))
        self.k = k
        self.effective = STE[ste]

    def forward(self, x):
        return F.linear(x, self.effective(self.weight, self.scores, self.k))


class Layers:
    """The reference's LayerFactory: dense or masked conv/linear, and BatchNorm.

    dense_init: "pytorch" (the default) keeps PyTorch's default (Kaiming uniform, a = sqrt 5): the authors' dense
    model ('regular': plain nn.Conv2d / nn.Linear) and our LayerFactory for LayerKind.Dense since issue 11;
    "kaiming_normal" gives dense layers Kaiming normal weights, as our library did before.
    BatchNorm is affine for dense models always and for masked ones when affine_norm (our
    NormMode.Learnable, the authors' 'learn'); eps 1e-5, momentum 0.1 in both frameworks.
    """

    def __init__(self, kind="masked", k=0.5, affine_norm=True, ste="ours", dense_init="pytorch"):
        if kind not in ("dense", "masked"):
            raise ValueError(f"kind = {kind!r}; allowed: dense, masked")
        if dense_init not in ("kaiming_normal", "pytorch"):
            raise ValueError(f"dense_init = {dense_init!r}; allowed: kaiming_normal, pytorch")
        self.kind, self.k, self.affine_norm, self.ste, self.dense_init = kind, k, affine_norm, ste, dense_init

    def _init_dense(self, weight):
        if self.dense_init == "kaiming_normal":
            with torch.no_grad():
                kaiming_normal_(weight)

    def conv2d(self, in_ch, out_ch, kernel, stride=1, groups=1, same=False):
        if self.kind == "masked":
            return MaskedConv2d(in_ch, out_ch, kernel, stride, groups, same, self.k, self.ste)
        conv = nn.Conv2d(in_ch, out_ch, kernel, stride, "same" if same else 0, groups=groups, bias=False)
        self._init_dense(conv.weight)
        return conv

    def linear(self, in_features, out_features):
        if self.kind == "masked":
            return MaskedLinear(in_features, out_features, self.k, self.ste)
        linear = nn.Linear(in_features, out_features, bias=False)
        self._init_dense(linear.weight)
        return linear

    def batchnorm2d(self, channels):
        return nn.BatchNorm2d(channels, affine=self.kind == "dense" or self.affine_norm)


def activation(name):
    """GELU (exact, erf form: PyTorch's and TorchSharp's default) or ReLU."""
    if name == "gelu":
        return nn.GELU()
    if name == "relu":
        return nn.ReLU()
    raise ValueError(f"activation = {name!r}; allowed: gelu, relu")


class ConvMixerBlock(nn.Module):
    """bn1(act1(depthwise(x))) + x, then bn2(act2(pointwise(.))): ConvMixerBlock in ConvMixer.cs."""

    def __init__(self, dim, kernel, act, layers):
        super().__init__()
        self.depthwise = layers.conv2d(dim, dim, kernel, groups=dim, same=True)
        self.act1 = activation(act)
        self.bn1 = layers.batchnorm2d(dim)
        self.pointwise = layers.conv2d(dim, dim, 1)
        self.act2 = activation(act)
        self.bn2 = layers.batchnorm2d(dim)

    def forward(self, x):
        mixed = self.bn1(self.act1(self.depthwise(x))) + x
        return self.bn2(self.act2(self.pointwise(mixed)))


class ConvMixer(nn.Module):
    """stem (conv patch/stride, act, bn) -> blocks -> mean over H, W -> head (linear). No biases."""

    def __init__(self, dim, depth, kernel, patch, in_channels, classes, act="gelu", layers=None):
        super().__init__()
        layers = layers or Layers()
        self.stem = nn.Sequential(OrderedDict([
            ("conv", layers.conv2d(in_channels, dim, patch, stride=patch)),
            ("act", activation(act)),
            ("bn", layers.batchnorm2d(dim)),
        ]))
        self.blocks = nn.ModuleList([ConvMixerBlock(dim, kernel, act, layers) for _ in range(depth)])
        self.head = layers.linear(dim, classes)

    def forward(self, x):
        x = self.stem(x)
        for block in self.blocks:
            x = block(x)
        return self.head(x.mean(dim=(2, 3)))


def masked_layers(model):
    """(path, module) of every masked layer, shallow to deep (named_modules order)."""
    return [(n, m) for n, m in model.named_modules() if isinstance(m, (MaskedConv2d, MaskedLinear))]


def build(preset, kind="masked", act="gelu", k=0.5, affine_norm=True, ste="ours", dense_init="pytorch"):
    """A ConvMixer for a preset dict (QUICK, CIFAR_256_8 or one of the same keys)."""
    return ConvMixer(preset["dim"], preset["depth"], preset["kernel"], preset["patch"],
                     preset["in_channels"], preset["classes"], act, Layers(kind, k, affine_norm, ste, dense_init))


# ---------------------------------------------------------------------------------------------
# For the later speed benchmark (not run here; no numbers are committed)
# ---------------------------------------------------------------------------------------------

def make_optimizer(model, preset):
    """AdamW over the tensors with requires_grad (masked: scores and BN affine; dense: all), as Trainer.Fit."""
    params = [p for p in model.parameters() if p.requires_grad]
    return torch.optim.AdamW(params, lr=preset["lr"], weight_decay=preset["weight_decay"])


def training_step(model, optimizer, x, y):
    """One step of Trainer.Step: zero_grad, forward, cross-entropy, backward, optimizer step; returns the loss."""
    optimizer.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    optimizer.step()
    return loss.item()


def time_training_steps(preset, kind="masked", steps=10, warmup=2, threads=None, seed=0):
    """Mean seconds per training step on random data of the preset's shape (train mode, float32, CPU).

    threads: torch.set_num_threads value (None keeps the current one). Returns a dict with the
    settings and the mean; the caller decides what to print or store.
    """
    if threads is not None:
        torch.set_num_threads(threads)
    torch.manual_seed(seed)
    model = build(preset, kind)
    model.train()
    optimizer = make_optimizer(model, preset)
    shape = (preset["batch"], preset["in_channels"], preset["image_size"], preset["image_size"])
    x = torch.randn(shape)
    y = torch.randint(0, preset["classes"], (preset["batch"],))
    for _ in range(warmup):
        training_step(model, optimizer, x, y)
    start = time.perf_counter()
    for _ in range(steps):
        training_step(model, optimizer, x, y)
    seconds = (time.perf_counter() - start) / steps
    return dict(preset=preset, kind=kind, steps=steps, warmup=warmup, threads=torch.get_num_threads(),
                torch=torch.__version__, seconds_per_step=seconds)


if __name__ == "__main__":
    # A functional check only (one step on a tiny input per preset and kind), not a timing.
    torch.manual_seed(0)
    for name, preset in (("QUICK", QUICK), ("CIFAR_256_8", CIFAR_256_8)):
        for kind in ("dense", "masked"):
            model = build(preset, kind)
            optimizer = make_optimizer(model, preset)
            x = torch.randn(2, preset["in_channels"], preset["image_size"], preset["image_size"])
            y = torch.randint(0, preset["classes"], (2,))
            loss = training_step(model, optimizer, x, y)
            trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
            print(f"{name} {kind}: trainable {trainable}, one step on 2 images, loss {loss:.4f}")
