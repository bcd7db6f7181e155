"""Everything this reader rebuilds from .pemn files, written out for another implementation to compare with.

For each entry of a manifest ([{"file": F, "input": X.npy or null, "output": OUT.npz}, ...]): OUT.npz holds every
tensor rebuilt from F under its state_dict name (masked layers' effective weights W * M, sparse layers' weights, the
other tensors), and "@logits" (the built model's eval-mode logits for X) when F's model family is one this reader
defines, and "@logits64" (the same model and input in float64: free of float32 rounding, which ill-conditioned networks
amplify past 1e-5, so two implementations can be compared exactly); OUT.json says what was refused and why ({"refused": {entry: message}, "logits": null or a reason}).
One process serves all entries, so torch is imported once. lib/PEMN.Tests/FileFormat/PythonReaderTests.cs uses it.
"""

import json
import os

import numpy as np
import torch

from . import container, weights
from .errors import PemnUnsupportedError
from .models import build as build_model
from . import load_model

LOGITS_KEY = "@logits"       # no state_dict name starts with '@'
LOGITS64_KEY = "@logits64"


def dump(file, input_path, output):
    f = container.read(file)
    arrays, refused = {}, {}
    for i, layer in enumerate(f.layers):
        try:
            arrays[f"{layer.path}.{weights.WEIGHT_NAME}"] = weights.masked_weight(f, i)
        except PemnUnsupportedError as e:
            refused[layer.path] = str(e)
    for layer in f.sparse_layers:
        arrays[f"{layer.path}.{weights.WEIGHT_NAME}"] = weights.sparse_weight(layer)
    for t in f.tensors:
        arrays[t.name] = np.array(t.data, order="C")  # keeps rank 0, as the file declares
    logits = None
    if input_path is None:
        logits = "no input given"
    elif refused:
        logits = "some layers were refused"
    else:
        try:
            build_model(f.config, f.path)
        except PemnUnsupportedError as e:
            logits = str(e)
        if logits is None:
            with torch.no_grad():
                x = torch.from_numpy(np.load(input_path))
                model = load_model(f)
                arrays[LOGITS_KEY] = model(x).numpy()
                arrays[LOGITS64_KEY] = model.double()(x.double()).numpy()
    np.savez(output, **arrays)
    with open(os.path.splitext(output)[0] + ".json", "w") as out:
        json.dump({"file": file, "refused": refused, "logits": logits}, out, indent=1)


def run(manifest):
    # Tensors this small run fastest on one thread; a busy machine makes extra threads cost many times more.
    torch.set_num_threads(1)
    with open(manifest) as m:
        entries = json.load(m)
    for e in entries:
        dump(e["file"], e.get("input"), e["output"])
    return len(entries)
