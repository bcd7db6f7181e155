#!/usr/bin/python3
"""PyTorch side of the side-by-side benchmark (`pemn bench suite --compare`, scripts/bench.sh --compare).

Each sub-command measures what the `pemn bench` sub-command of the same name measures, on our ConvMixer restated in
PyTorch (pemn_reference.py: same layers, same initialisation rules, our straight-through estimator and our mask by
selection), and prints one JSON line with the same keys, which `pemn bench suite` reads:

    steps   training steps dense and masked (alternating), masks of all layers by full sort and by selection, inference
            (eval mode, no gradients), for QUICK (ConvMixer-64/4, 1x28x28, batch 128) and CIFAR_256_8 (3x32x32, batch 64)
            on random images; as lib/PEMN/Benchmarks/MaskBenchmark.cs. --model takes one of them; --precision bf16 runs
            forward and loss under torch.autocast('cpu', dtype=torch.bfloat16); --memory-format channels_last converts the
            models and the images (model.to(memory_format=torch.channels_last)); the record has the process's peak memory.
    epochs  whole epochs of the quick protocol, masked, on Fashion-MNIST (first 1,000 training images per class, random
            crop 28 after zero padding 2, horizontal flip, batch 128, the full test set), with the time of training and
            evaluation and the resident memory after each epoch; as lib/PEMN/Benchmarks/EpochBenchmark.cs (Trainer.Fit).

Both prefetch one batch on a background thread, as our BatchPipeline does. Inference recomputes every mask per batch,
as the authors' code does. Run with Debian's PyTorch (python3-torch 1.13) and the same thread count as ours:
    /usr/bin/python3 bench/pytorch/pemn_bench.py steps --threads 2
    /usr/bin/python3 bench/pytorch/pemn_bench.py epochs --threads 2 --epochs 10 --data-dir /usr/share/datasets/fashion-mnist
"""

import argparse
import concurrent.futures
import gzip
import json
import math
import os
import platform
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pemn_reference as ref  # noqa: E402

# ExperimentPresets.Quick's protocol: the numbers the epochs measurement follows.
PER_CLASS = 1000            # first 1,000 training images of each class, in file order
CROP_PADDING = 2            # zero padding before the random 28x28 crop
FLIP_PROBABILITY = 0.5      # RandomHorizontalFlip
MEAN, STD = 0.2860, 0.3530  # Fashion-MNIST normalisation (DataSetCatalog.FashionMnistNormalization)
PIXEL_LEVELS = 255.0
KEEP = 0.5                  # k of every mask
SEED = 0                    # training.seed of the presets
# MaskBenchmarkOptions' defaults.
WARMUP_STEPS, MASK_REPEATS, INFERENCE_BATCHES = 2, 20, 5
# LearningRateSchedule.Piecewise: lr_max at 2/5 of the epochs, lr_max / 20 at 4/5, 0 at the end.
PEAK_FRACTION, KNEE_FRACTION, KNEE_DIVISOR = 2 / 5, 4 / 5, 20.0
IDX_IMAGES_HEADER, IDX_LABELS_HEADER = 16, 8


def version():
    return f"PyTorch {torch.__version__}, Python {platform.python_version()}"


def allocator():
    """The heap allocator of this process, as lib/PEMN/Runtime/Machine.cs tells it: tcmalloc, jemalloc or glibc."""
    with open("/proc/self/maps", encoding="ascii", errors="replace") as f:
        maps = f.read()
    return "tcmalloc" if "/libtcmalloc" in maps else "jemalloc" if "/libjemalloc" in maps else "glibc"


def memory():
    """VmRSS, VmHWM, RssAnon, RssFile of this process in bytes (ProcessMemory.Current in our library)."""
    fields = {}
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
                fields[name] = int(value.split()[0]) * 1024
    return fields


def median(values):
    return statistics.median(values)


# ------------------------------------------------------------------------------------------------------------------
# steps
# ------------------------------------------------------------------------------------------------------------------

def step(model, optimizer, x, y, precision):
    start = time.perf_counter()
    optimizer.zero_grad()
    # As our trainer: forward under autocast, the loss in float32, backward outside the autocast region.
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=precision == "bf16"):
        logits = model(x)
    F.cross_entropy(logits.float(), y).backward()
    optimizer.step()
    return time.perf_counter() - start


def images_per_second(model, x):
    model.eval()
    times = []
    with torch.no_grad():
        for batch in range(INFERENCE_BATCHES + 1):
            start = time.perf_counter()
            model(x)
            if batch > 0:
                times.append(time.perf_counter() - start)
    model.train()
    return x.shape[0] / median(times)


def mask_ms(scores, mask_of):
    def all_layers():
        for s in scores:
            mask_of(s, KEEP)
    all_layers()  # warm-up
    start = time.perf_counter()
    for _ in range(MASK_REPEATS):
        all_layers()
    return 1000 * (time.perf_counter() - start) / MASK_REPEATS


MODELS = {"quick": ref.QUICK, "cifar_256_8": ref.CIFAR_256_8}


def steps(args):
    records = []
    layout = torch.channels_last if args.memory_format == "channels_last" else torch.contiguous_format
    for key, preset in MODELS.items():
        if args.model not in ("all", key):
            continue
        torch.manual_seed(SEED)
        dense = ref.build(preset, "dense").to(memory_format=layout)
        masked = ref.build(preset, "masked", k=KEEP, ste="ours_select").to(memory_format=layout)
        scores = [m.scores for _, m in ref.masked_layers(masked)]
        sort_ms, select_ms = mask_ms(scores, ref.topk_mask), mask_ms(scores, ref.topk_mask_select)
        generator = torch.Generator().manual_seed(SEED)
        x = torch.randn(preset["batch"], preset["in_channels"], preset["image_size"], preset["image_size"], generator=generator)
        x = x.contiguous(memory_format=layout)
        y = torch.randint(0, preset["classes"], (preset["batch"],), generator=generator)
        optimizers = {}
        for model in (dense, masked):
            model.train()
            optimizers[model] = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad])
        dense_times, masked_times = [], []
        for i in range(WARMUP_STEPS + args.steps):
            d = step(dense, optimizers[dense], x, y, args.precision)
            m = step(masked, optimizers[masked], x, y, args.precision)
            if i >= WARMUP_STEPS:
                dense_times.append(d)
                masked_times.append(m)
        records.append(dict(
            model=key, batch=preset["batch"],
            step_seconds_dense=median(dense_times), step_seconds_masked=median(masked_times),
            mask_ms_sort=sort_ms, mask_ms_select=select_ms,
            inference_images_per_second_dense=images_per_second(dense, x),
            inference_images_per_second_masked=images_per_second(masked, x),
            training_multiply_adds_per_image=None))
        print(f"{key}: step dense {records[-1]['step_seconds_dense']:.3f} s, masked {records[-1]['step_seconds_masked']:.3f} s",
              file=sys.stderr)
    return dict(framework="pytorch", version=version(), threads=torch.get_num_threads(), models=records,
                precision=args.precision, memory_format=args.memory_format, allocator=allocator(), peak_rss_bytes=memory()["VmHWM"])


# ------------------------------------------------------------------------------------------------------------------
# epochs
# ------------------------------------------------------------------------------------------------------------------

def read_idx(path, header):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8)[header:]


def fashion_mnist(folder):
    def find(stem):
        for name in (stem + ".gz", stem):
            if os.path.exists(os.path.join(folder, name)):
                return os.path.join(folder, name)
        raise FileNotFoundError(f"{stem}(.gz) not in {folder}")
    train_x = read_idx(find("train-images-idx3-ubyte"), IDX_IMAGES_HEADER).reshape(-1, 1, 28, 28)
    train_y = read_idx(find("train-labels-idx1-ubyte"), IDX_LABELS_HEADER).astype(np.int64)
    test_x = read_idx(find("t10k-images-idx3-ubyte"), IDX_IMAGES_HEADER).reshape(-1, 1, 28, 28)
    test_y = read_idx(find("t10k-labels-idx1-ubyte"), IDX_LABELS_HEADER).astype(np.int64)
    # First PER_CLASS of each class in file order (Subsets.FirstPerClass).
    taken, keep = np.zeros(10, dtype=np.int64), []
    for i, label in enumerate(train_y):
        if taken[label] < PER_CLASS:
            taken[label] += 1
            keep.append(i)
    return (torch.from_numpy(train_x[keep].copy()), torch.from_numpy(train_y[keep].copy()),
            torch.from_numpy(test_x.copy()), torch.from_numpy(test_y.copy()))


def normalise(x):
    return (x / PIXEL_LEVELS - MEAN) / STD


def augment(images, generator):
    """Zero padding, a random 28x28 window per image, a horizontal flip with p = 0.5 (BatchAugmenter's crop_flip), then normalisation."""
    x = images.float()
    b, c, h, w = x.shape
    padded = F.pad(x, [CROP_PADDING] * 4)
    top = (torch.rand(b, generator=generator) * (padded.shape[2] - h + 1)).floor().long()
    left = (torch.rand(b, generator=generator) * (padded.shape[3] - w + 1)).floor().long()
    steps_h, steps_w = torch.arange(h), torch.arange(w)
    rows = (top.view(b, 1) + steps_h.view(1, h)).view(b, 1, h, 1).expand(b, c, h, padded.shape[3])
    cols = (left.view(b, 1) + steps_w.view(1, w)).view(b, 1, 1, w).expand(b, c, h, w)
    x = padded.gather(2, rows).gather(3, cols)
    flip = (torch.rand(b, generator=generator) < FLIP_PROBABILITY).view(b, 1, 1, 1)
    x = torch.where(flip, x.flip(3), x)
    return normalise(x).contiguous()


def batches(images, labels, batch, build, order):
    """Batches in `order`, each built by build(images[idx]) one ahead on a background thread (BatchPipeline's prefetch)."""
    starts = range(0, len(order), batch)

    def make(start):
        idx = order[start:start + batch]
        return build(images.index_select(0, idx)), labels.index_select(0, idx)

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(make, starts[0])
        for i in range(len(starts)):
            current = pending.result()
            if i + 1 < len(starts):
                pending = pool.submit(make, starts[i + 1])
            yield current


def learning_rate(lr_max, epochs, t):
    """LearningRateSchedule.Piecewise at fractional epoch t (np.interp over [0, 2E/5, 4E/5, E])."""
    xp = [0, math.floor(epochs * PEAK_FRACTION), math.floor(epochs * KNEE_FRACTION), epochs]
    return float(np.interp(t, xp, [0, lr_max, lr_max / KNEE_DIVISOR, 0]))


def epochs(args):
    torch.manual_seed(SEED)
    train_x, train_y, test_x, test_y = fashion_mnist(args.data_dir)
    preset = ref.QUICK
    model = ref.build(preset, "masked", k=KEEP, ste="ours_select")
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=preset["lr"], weight_decay=preset["weight_decay"])
    generator = torch.Generator().manual_seed(SEED)
    batch = preset["batch"]
    steps_per_epoch = math.ceil(len(train_y) / batch)
    rows = []
    for epoch in range(args.epochs):
        start = time.perf_counter()
        model.train()
        order = torch.randperm(len(train_y), generator=generator)
        for i, (x, y) in enumerate(batches(train_x, train_y, batch, lambda im: augment(im, generator), order)):
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(preset["lr"], args.epochs, epoch + (i + 1) / steps_per_epoch)
            optimizer.zero_grad()
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            loss.item()
            loss.backward()
            optimizer.step()
            (logits.argmax(1) == y).sum().item()
        train_seconds = time.perf_counter() - start
        model.eval()
        correct = 0
        with torch.no_grad():
            for x, y in batches(test_x, test_y, batch, lambda im: normalise(im.float()), torch.arange(len(test_y))):
                correct += (model(x).argmax(1) == y).sum().item()
        seconds = time.perf_counter() - start
        m = memory()
        rows.append(dict(epoch=epoch + 1, seconds=seconds, train_seconds=train_seconds, eval_seconds=seconds - train_seconds,
                         test_accuracy=correct / len(test_y), rss_bytes=m["VmRSS"], anonymous_bytes=m["RssAnon"], file_bytes=m["RssFile"]))
        print(f"pytorch epoch {epoch + 1}: {seconds:.1f} s, test acc {100 * correct / len(test_y):.2f} %, "
              f"resident {m['VmRSS'] / 2**20:.0f} MiB", file=sys.stderr)
    return dict(framework="pytorch", version=version(), threads=torch.get_num_threads(), model="convmixer64x4",
                strategy="mask", batch=batch, train_images=len(train_y), test_images=len(test_y), epochs=rows,
                peak_rss_bytes=memory()["VmHWM"], allocator=allocator())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=["steps", "epochs"])
    parser.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: PyTorch's default)")
    parser.add_argument("--steps", type=int, default=5, help="timed training steps per model and kind")
    parser.add_argument("--epochs", type=int, default=10, help="quick epochs")
    parser.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist", help="folder of the Fashion-MNIST IDX files")
    parser.add_argument("--model", choices=["all", *MODELS], default="all", help="steps: the model measured")
    parser.add_argument("--precision", choices=["fp32", "bf16"], default="fp32", help="steps: float32, or bfloat16 autocast")
    parser.add_argument("--memory-format", choices=["contiguous", "channels_last"], default="contiguous", help="steps: layout of models and images")
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    record = steps(args) if args.what == "steps" else epochs(args)
    print(json.dumps(record))


if __name__ == "__main__":
    main()
