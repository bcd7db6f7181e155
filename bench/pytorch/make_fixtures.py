#!/usr/bin/python3
"""Writes the reference fixture that lib/PEMN.Tests/Models/ReferenceForwardTests.cs checks our ConvMixer against.

What it does: builds a tiny ConvMixer (dim 8, depth 2, kernel 3, patch 2, 1x8x8 input, 4 classes, GELU,
learnable BatchNorm) with bench/pytorch/pemn_reference.py, dense and masked (k = 0.5), with weights, scores,
BatchNorm affine parameters and running statistics drawn from a fixed seed (so the C# side never needs
torch's generator), and records, for a fixed batch of 6 images and fixed labels:
- every state_dict tensor by our module path (stem.conv.weight, blocks.0.depthwise.scores, ...);
- the expected mask of every masked layer;
- the logits in eval mode (running statistics) and in train mode (batch statistics);
- the cross-entropy of the train-mode logits and its gradient with respect to every trainable
  parameter (dense: weights and BN affine; masked: scores and BN affine);
- the BN running statistics after that one train-mode forward (momentum 0.1, unbiased variance).
It also checks, before writing, that the authors' way of writing the straight-through estimator
(GetSubnet with an identity backward) gives the same score gradients as ours, and prints how far
float32 results are from a float64 evaluation of the same model (the scale the C# tolerance is set from).

Format: one JSON file; a tensor is {"shape": [...], "data": [...]} with data flattened row-major; floats
are written as the shortest decimal that reads back as the same float32 (numpy's repr of float32), so
float.Parse / JsonElement.GetSingle in C# recovers the stored float32 bit for bit.

Run (deterministic; Debian's python3-torch 1.13, where a pyenv python shadows it use /usr/bin/python3):
    /usr/bin/python3 bench/pytorch/make_fixtures.py              # rewrites the fixture
    /usr/bin/python3 bench/pytorch/make_fixtures.py --check      # exits 1 if the committed file differs
"""

import argparse
import io
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pemn_reference as ref  # noqa: E402

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
FIXTURE = os.path.join(REPO, "lib", "PEMN.Tests", "Models", "fixtures", "convmixer_reference.json")

SEED = 20221010  # fixed: the fixture must be the same on every run
TINY = dict(dim=8, depth=2, kernel=3, patch=2, in_channels=1, image_size=8, classes=4, activation="gelu")
KEEP = 0.5
BATCH = 6
LABELS = [0, 1, 2, 3, 1, 2]  # fixed targets of the cross-entropy


def build(kind, ste="ours"):
    t = TINY
    # The dense init only draws the weights the fixture stores: kept as first drawn so the file stays put.
    return ref.ConvMixer(t["dim"], t["depth"], t["kernel"], t["patch"], t["in_channels"], t["classes"],
                         t["activation"], ref.Layers(kind, KEEP, affine_norm=True, ste=ste, dense_init="kaiming_normal"))


def randomise_batchnorm(model, gen):
    """Non-trivial BN state, so that eval mode really uses the running statistics and the affine terms."""
    with torch.no_grad():
        for name, m in model.named_modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                c = m.num_features
                m.weight.copy_(torch.rand(c, generator=gen) + 0.5)           # gamma in [0.5, 1.5)
                m.bias.copy_(torch.randn(c, generator=gen) * 0.2)            # beta ~ N(0, 0.04)
                m.running_mean.copy_(torch.randn(c, generator=gen) * 0.3)
                m.running_var.copy_(torch.rand(c, generator=gen) * 1.5 + 0.5)  # in [0.5, 2)


def float_state(model):
    """state_dict without num_batches_tracked (an int64 counter that momentum-based BN never reads)."""
    return {k: v.detach().clone() for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}


def run(model, x, y):
    """Eval logits, then train logits, loss, gradients and running statistics after the train forward."""
    model.eval()
    with torch.no_grad():
        logits_eval = model(x)
    model.train()
    model.zero_grad(set_to_none=True)
    logits_train = model(x)
    loss = F.cross_entropy(logits_train, y)
    loss.backward()
    grads = {n: p.grad.detach().clone() for n, p in model.named_parameters()}
    running = {k: v.detach().clone() for k, v in model.state_dict().items()
               if k.endswith("running_mean") or k.endswith("running_var")}
    return dict(logits_eval=logits_eval.detach(), logits_train=logits_train.detach(), loss=loss.detach(),
                grads=grads, running=running)


def load(model, state):
    with torch.no_grad():
        own = model.state_dict()
        for k, v in state.items():
            own[k].copy_(v)


def make_case(kind, gen, x, y):
    torch.manual_seed(int(torch.randint(0, 2**31 - 1, (1,), generator=gen)))
    model = build(kind)
    randomise_batchnorm(model, gen)
    state = float_state(model)
    out = run(model, x, y)

    # float64 evaluation of the same model: how far float32 rounding alone moves each result.
    model64 = build(kind).double()
    load(model64, {k: v.double() for k, v in state.items()})
    out64 = run(model64, x.double(), y)
    for key in ("logits_eval", "logits_train"):
        print(f"  {kind} {key}: float32 vs float64 max abs {max_abs(out[key], out64[key]):.3g}, "
              f"max |value| {out[key].abs().max().item():.3g}")
    print(f"  {kind} grads: float32 vs float64 max abs "
          f"{max(max_abs(out['grads'][n], out64['grads'][n]) for n in out['grads']):.3g}, max |grad| "
          f"{max(g.abs().max().item() for g in out['grads'].values()):.3g}")

    case = dict(kind=kind, state=state, **out)
    if kind == "masked":
        case["masks"] = {n: ref.topk_mask(m.scores, KEEP) for n, m in ref.masked_layers(model)}
        for n, mask in case["masks"].items():
            kept = int(mask.sum().item())
            assert kept == ref.kept_count(mask.numel(), KEEP), (n, kept)
        # The authors' formulation of the estimator gives the same gradients.
        theirs = build(kind, ste="authors")
        load(theirs, state)
        out_a = run(theirs, x, y)
        diff = max(max_abs(out["grads"][n], out_a["grads"][n]) for n in out["grads"])
        print(f"  masked: our STE vs the authors' GetSubnet, max abs gradient difference {diff:.3g}")
        assert diff == 0.0 or diff < 1e-7, diff
        assert torch.equal(out["logits_train"], out_a["logits_train"])
    return case


def max_abs(a, b):
    return (a.double() - b.double()).abs().max().item()


def tensor_json(t, integer=False):
    flat = t.detach().reshape(-1).cpu()
    if integer:
        data = "[" + ",".join(str(int(v)) for v in flat.tolist()) + "]"
    else:
        data = "[" + ",".join(str(v)
                              for v in flat.numpy().astype(np.float32)) + "]"
    return '{"shape":' + json.dumps(list(t.shape)) + ',"data":' + data + "}"


def tensors_json(d, indent, integer=False):
    pad = " " * indent
    items = [f'{pad}  {json.dumps(k)}: {tensor_json(v, integer)}' for k, v in d.items()]
    return "{\n" + ",\n".join(items) + "\n" + pad + "}"


def case_json(case):
    out = io.StringIO()
    out.write("{\n")
    out.write(f'    "kind": {json.dumps(case["kind"])},\n')
    out.write(f'    "state": {tensors_json(case["state"], 4)},\n')
    if "masks" in case:
        out.write(f'    "masks": {tensors_json(case["masks"], 4, integer=True)},\n')
    out.write(f'    "logits_eval": {tensor_json(case["logits_eval"])},\n')
    out.write(f'    "logits_train": {tensor_json(case["logits_train"])},\n')
    out.write(f'    "loss_train": {str(np.float32(case["loss"].item()))},\n')
    out.write(f'    "grads": {tensors_json(case["grads"], 4)},\n')
    out.write(f'    "running_after_train": {tensors_json(case["running"], 4)}\n')
    out.write("  }")
    return out.getvalue()


def fixture_text():
    torch.set_num_threads(1)  # one summation order, whatever the machine
    gen = torch.Generator().manual_seed(SEED)
    x = torch.randn(BATCH, TINY["in_channels"], TINY["image_size"], TINY["image_size"], generator=gen)
    y = torch.tensor(LABELS)
    cases = {}
    for kind in ("dense", "masked"):
        cases[kind] = make_case(kind, gen, x, y)
    header = dict(
        format="pemn-reference-fixture/1",
        generator="bench/pytorch/make_fixtures.py",
        torch=torch.__version__,
        seed=SEED,
        model=dict(TINY, keep_fraction=KEEP, norm="learnable", batchnorm=dict(eps=1e-5, momentum=0.1)),
        loss="cross_entropy(logits_train, labels), mean over the batch",
    )
    out = io.StringIO()
    out.write("{\n")
    for k, v in header.items():
        out.write(f"  {json.dumps(k)}: {json.dumps(v)},\n")
    out.write(f'  "input": {tensor_json(x)},\n')
    out.write(f'  "labels": {json.dumps(LABELS)},\n')
    out.write(f'  "dense": {case_json(cases["dense"])},\n')
    out.write(f'  "masked": {case_json(cases["masked"])}\n')
    out.write("}\n")
    text = out.getvalue()
    json.loads(text)  # well-formed
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed fixture instead of writing")
    args = parser.parse_args()
    text = fixture_text()
    if args.check:
        with open(FIXTURE, encoding="utf-8") as f:
            same = f.read() == text
        print(f"{FIXTURE}: {'unchanged' if same else 'DIFFERS'}")
        sys.exit(0 if same else 1)
    os.makedirs(os.path.dirname(FIXTURE), exist_ok=True)
    with open(FIXTURE, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {FIXTURE} ({len(text.encode())} bytes)")


if __name__ == "__main__":
    main()
