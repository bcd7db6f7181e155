"""The workbook's ConvMixer and CIFAR ResNet in PyTorch, for inference from a .pemn file's state_dict.

Restated from lib/PEMN/Models/ConvMixer.cs and ResNet.cs (bench/pytorch/pemn_reference.py has the ConvMixer with
masked training layers; here every conv and linear is a plain bias-free torch.nn layer holding the effective weight
W * M, which computes the same). Module attribute names are the C# field names, so the state_dict keys are the .NET
model's (`stem.conv.weight`, `blocks.0.bn1.running_var`; ResNet: `stem.weight`, `stemBn.weight`, ...).
"""

from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

from .errors import PemnUnsupportedError

RESNET_STAGE_CHANNELS = (16, 32, 64)   # He et al. 2016, section 4.2, at width multiplier 1
RESNET_KERNEL = 3
RESNET_PADDING = 1                     # keeps the 3x3 convs size-preserving (stride 1)
STAGE_STRIDE = 2                       # the first block of stages 2 and 3 halves the image
LEARNABLE_NORM = "learnable"           # masking.norm of affine BatchNorm in a masked network
MASKED_KIND = "masked"                 # the file kind whose norms follow masking.norm; dense and sparse are always affine


def activation(name):
    if name == "gelu":
        return nn.GELU()       # exact (erf) GELU: PyTorch's and TorchSharp's default
    if name == "relu":
        return nn.ReLU()
    raise PemnUnsupportedError("config", "model.activation", f"'{name}' is not known here; allowed: gelu, relu")


class ConvMixerBlock(nn.Module):
    """bn1(act1(depthwise(x))) + x, then bn2(act2(pointwise(.)))."""

    def __init__(self, dim, kernel, act, affine):
        super().__init__()
        self.depthwise = nn.Conv2d(dim, dim, kernel, groups=dim, padding="same", bias=False)
        self.act1 = activation(act)
        self.bn1 = nn.BatchNorm2d(dim, affine=affine)
        self.pointwise = nn.Conv2d(dim, dim, 1, bias=False)
        self.act2 = activation(act)
        self.bn2 = nn.BatchNorm2d(dim, affine=affine)

    def forward(self, x):
        mixed = self.bn1(self.act1(self.depthwise(x))) + x
        return self.bn2(self.act2(self.pointwise(mixed)))


class ConvMixer(nn.Module):
    """stem (patch conv with stride patch, act, BN) -> blocks -> mean over H, W -> linear head. No biases."""

    def __init__(self, dim, depth, kernel, patch, in_channels, classes, act, affine):
        super().__init__()
        self.stem = nn.Sequential(OrderedDict([
            ("conv", nn.Conv2d(in_channels, dim, patch, stride=patch, bias=False)),
            ("act", activation(act)),
            ("bn", nn.BatchNorm2d(dim, affine=affine)),
        ]))
        self.blocks = nn.ModuleList([ConvMixerBlock(dim, kernel, act, affine) for _ in range(depth)])
        self.head = nn.Linear(dim, classes, bias=False)

    def forward(self, x):
        x = self.stem(x)
        for block in self.blocks:
            x = block(x)
        return self.head(x.mean(dim=(2, 3)))


class BasicBlock(nn.Module):
    """conv3x3, BN, ReLU, conv3x3, BN, plus the option-A shortcut (subsample, zero channels half before, half after), ReLU."""

    def __init__(self, inputs, outputs, stride, affine):
        super().__init__()
        self.stride, self.pad_channels = stride, (outputs - inputs) // 2
        self.conv1 = nn.Conv2d(inputs, outputs, RESNET_KERNEL, stride=stride, padding=RESNET_PADDING, bias=False)
        self.bn1 = nn.BatchNorm2d(outputs, affine=affine)
        self.conv2 = nn.Conv2d(outputs, outputs, RESNET_KERNEL, padding=RESNET_PADDING, bias=False)
        self.bn2 = nn.BatchNorm2d(outputs, affine=affine)

    def forward(self, x):
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        shortcut = x[:, :, ::self.stride, ::self.stride] if self.stride != 1 else x
        if self.pad_channels > 0:
            shortcut = F.pad(shortcut, (0, 0, 0, 0, self.pad_channels, self.pad_channels))
        return F.relu(y + shortcut)


class ResNet(nn.Module):
    """He et al.'s CIFAR ResNet-(6n+2): 3x3 stem, three stages of n blocks, mean pool, linear head. No biases."""

    def __init__(self, depth, width_multiplier, in_channels, classes, affine):
        super().__init__()
        if depth < 8 or (depth - 2) % 6 != 0:
            raise PemnUnsupportedError("config", "model.depth", f"{depth} is not 6n + 2 with n >= 1")
        n = (depth - 2) // 6
        widths = [c * width_multiplier for c in RESNET_STAGE_CHANNELS]
        self.stem = nn.Conv2d(in_channels, widths[0], RESNET_KERNEL, padding=RESNET_PADDING, bias=False)
        self.stemBn = nn.BatchNorm2d(widths[0], affine=affine)
        blocks, inputs = [], widths[0]
        for stage, width in enumerate(widths):
            for i in range(n):
                blocks.append(BasicBlock(inputs, width, STAGE_STRIDE if stage > 0 and i == 0 else 1, affine))
                inputs = width
        self.blocks = nn.ModuleList(blocks)
        self.head = nn.Linear(inputs, classes, bias=False)

    def forward(self, x):
        x = F.relu(self.stemBn(self.stem(x)))
        for block in self.blocks:
            x = block(x)
        return self.head(x.mean(dim=(2, 3)))


FAMILIES = ("convmixer", "resnet")


def build(config, path="config"):
    """The model a .pemn configuration describes ({"kind": ..., "experiment": {"model": ..., "masking": ...}}), in eval mode."""
    try:
        experiment = config["experiment"]
        m = experiment["model"]
        name = m["name"]
    except (KeyError, TypeError):
        raise PemnUnsupportedError(path, "config", "no experiment.model.name: not a file `pemn pack` wrote from a run, so no model to build")
    affine = config.get("kind") != MASKED_KIND or experiment.get("masking", {}).get("norm", LEARNABLE_NORM) == LEARNABLE_NORM
    if name == "convmixer":
        model = ConvMixer(m["dim"], m["depth"], m["kernel"], m["patch"], m["in_channels"], m["classes"], m["activation"], affine)
    elif name == "resnet":
        model = ResNet(m["depth"], m.get("width_multiplier", 1), m["in_channels"], m["classes"], affine)
    else:
        raise PemnUnsupportedError(path, "experiment.model.name",
                                   f"'{name}' has no PyTorch definition in this reader (it has {', '.join(FAMILIES)}); "
                                   "its state_dict is still read (pemn_reader.state_dict)")
    return model.eval()
