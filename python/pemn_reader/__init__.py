"""Reads PEMN compressed-network files (.pemn, lib/PEMN/FileFormat/FileFormat.md) into PyTorch.

An implementation independent of the .NET one, from the specification: numpy for the format, torch for the tensors and
the built-in models. Typical use:

    import pemn_reader
    f = pemn_reader.read("network.pemn")              # parsed and validated (checksum, masks, permutations)
    sd = pemn_reader.state_dict(f)                    # dense effective weights, norms, heads: {name: torch.Tensor}
    model = pemn_reader.load_model(f)                 # ConvMixer or ResNet with sd loaded, eval mode
    logits = model(x)                                 # x normalised as the run's data config says
"""

from .container import PemnFile, parse, read
from .errors import PemnFormatError, PemnUnsupportedError
from .models import build as build_model
from .weights import state_dict


def load_model(f):
    """The network of a parsed file as a PyTorch module (eval mode); every model tensor must come from the file."""
    model = build_model(f.config, f.path)
    sd = state_dict(f)
    expected = model.state_dict()
    missing = [k for k in expected if k not in sd]
    unexpected = [k for k in sd if k not in expected]
    if missing or unexpected:
        raise PemnFormatError(f.path, "tensors",
                              f"the {f.config['experiment']['model']['name']} its configuration describes needs {len(expected)} tensors; "
                              f"missing from the file: {missing[:3]}, not in the model: {unexpected[:3]}")
    for k, v in sd.items():
        if tuple(v.shape) != tuple(expected[k].shape):
            raise PemnFormatError(f.path, f"tensor '{k}'", f"shape {list(v.shape)}, the model needs {list(expected[k].shape)}")
    model.load_state_dict(sd, strict=True)
    return model


__all__ = ["PemnFile", "PemnFormatError", "PemnUnsupportedError", "build_model", "load_model", "parse", "read", "state_dict"]
