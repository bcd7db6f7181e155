"""Command line of the Python .pemn reader. Run from the folder holding pemn_reader/ (the repository's python/):

    python3 -m pemn_reader info FILE                        # what the file holds
    python3 -m pemn_reader state-dict FILE -o model.pt      # torch.save of the dense state_dict (torch.load reads it)
    python3 -m pemn_reader logits FILE --input x.npy -o logits.npy
    python3 -m pemn_reader dump MANIFEST.json               # every rebuilt tensor and logits, for cross-checks

Exit codes: 0 done; 2 usage; 4 the file is refused (damaged, or needs values this reader cannot rebuild), with why.
"""

import argparse
import os
import sys

import numpy as np
import torch

from . import container, dump, load_model, state_dict
from .errors import PemnFormatError, PemnUnsupportedError

EXIT_USAGE, EXIT_REFUSED = 2, 4


class UsageError(Exception):
    """A command-line mistake: the message says what to change."""


def writable(path, force):
    """An output path that may be written: an existing file is never overwritten without --force."""
    if os.path.exists(path) and not force:
        raise UsageError(f"{path} exists; pass --force to overwrite it, or choose another path")
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m pemn_reader", description="Read .pemn compressed-network files into PyTorch.")
    sub = parser.add_subparsers(dest="command", required=True)
    info = sub.add_parser("info", help="sections, layers and tensors of a file")
    info.add_argument("file")
    sd = sub.add_parser("state-dict", help="write the dense state_dict with torch.save")
    sd.add_argument("file")
    sd.add_argument("-o", "--output", required=True)
    sd.add_argument("--force", action="store_true")
    lg = sub.add_parser("logits", help="eval-mode logits of the file's ConvMixer or ResNet for an input batch (.npy, N x C x H x W, normalised)")
    lg.add_argument("file")
    lg.add_argument("--input", required=True)
    lg.add_argument("-o", "--output", required=True)
    lg.add_argument("--force", action="store_true")
    dp = sub.add_parser("dump", help="every rebuilt tensor and the logits of each manifest entry (see dump.py)")
    dp.add_argument("manifest")
    args = parser.parse_args(argv)
    try:
        if args.command == "info":
            f = container.read(args.file)
            model = f.config.get("experiment", {}).get("model", {})
            print(f"{args.file}: format version {f.version}, model {model.get('name', '?')}, kind {f.config.get('kind', '?')}")
            print(f"  {len(f.prototypes)} prototypes ({sum(p.values is not None for p in f.prototypes)} stored), "
                  f"{len(f.layers)} masked layers, {len(f.permutations)} permutations, {len(f.tensors)} tensors, {len(f.sparse_layers)} sparse layers")
            for layer in f.layers:
                print(f"  {layer.path} {layer.shape}: prototype {layer.prototype}, scale {layer.scale}, kept {int(layer.mask.sum())} of {layer.mask.size}")
        elif args.command == "state-dict":
            out = state_dict(container.read(args.file))
            torch.save(out, writable(args.output, args.force))
            print(f"wrote {args.output}: {len(out)} tensors (torch.load reads it)")
        elif args.command == "logits":
            model = load_model(container.read(args.file))
            with torch.no_grad():
                logits = model(torch.from_numpy(np.load(args.input)).float()).numpy()
            np.save(writable(args.output, args.force), logits)
            print(f"wrote {args.output}: logits {list(logits.shape)}")
        elif args.command == "dump":
            print(f"dumped {dump.run(args.manifest)} files")
    except (PemnFormatError, PemnUnsupportedError) as e:
        print(f"pemn_reader: refused: {e}", file=sys.stderr)
        return EXIT_REFUSED
    except FileNotFoundError as e:
        print(f"pemn_reader: {e.filename}: no such file", file=sys.stderr)
        return EXIT_USAGE
    except UsageError as e:
        print(f"pemn_reader: {e}", file=sys.stderr)
        return EXIT_USAGE
    return 0


if __name__ == "__main__":
    sys.exit(main())
