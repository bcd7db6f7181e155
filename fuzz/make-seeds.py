#!/usr/bin/env python3
"""Writes the starting inputs of every fuzz target into fuzz/seeds/TARGET/ (small, valid examples of each format),
from which fuzz/run.sh starts a campaign; the committed, minimised corpora are fuzz/corpus/TARGET/.
Sources: the committed .pemn test vectors, one committed run folder and runs.csv, and files made here (IDX, CIFAR, JPEG)."""
import gzip, json, os, shutil, struct, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDS = os.path.join(ROOT, "fuzz", "seeds")
RUN = os.path.join(ROOT, "results", "convmixer-compression", "quick", "runs", "sparse_magnitude-convmixer64x4-7dd1585adc")
RUNS_CSV_LINES = 3      # header and two rows: a seed, not a data set
SEP = b"\0"              # fuzz/PEMN.Fuzz/InputParts.cs

def put(target, name, data):
    os.makedirs(os.path.join(SEEDS, target), exist_ok=True)
    with open(os.path.join(SEEDS, target, name), "wb") as f:
        f.write(data)

def read(path):
    with open(path, "rb") as f:
        return f.read()

def jpeg(width, height):
    """A small JPEG made by the library's own writer would need a .NET program; a baseline JPEG from Debian's cjpeg
    (libjpeg-turbo-progs) is used when present, else a minimal hand-made grey image is skipped."""
    ppm = b"P6 %d %d 255\n" % (width, height) + bytes((x * 37 + y * 11) % 256 for y in range(height) for x in range(width * 3))
    try:
        return subprocess.run(["cjpeg", "-quality", "75"], input=ppm, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None

def main():
    shutil.rmtree(SEEDS, ignore_errors=True)
    fixtures = os.path.join(ROOT, "lib", "PEMN.Tests", "Storage", "fixtures")
    for name in ("tiny.pemn", "tiny-sparse.pemn", "smoke-rp-rand.pemn"):
        put("pemn", name, read(os.path.join(fixtures, name)))

    config = read(os.path.join(RUN, "config.json"))
    put("config", "config.json", config)
    put("grid", "preset.json", json.dumps({"preset": "smoke", "base": {"training": {"epochs": 2}},
                                          "grid": {"training.seed": [0, 1], "masking.keep_fraction": [0.1, 0.5]}}).encode())
    put("grid", "strategies.json", json.dumps({"preset": "quick", "grid": {"strategy.name": ["mask", "rp"], "strategy.ratio": [0.01]}}).encode())

    images = struct.pack(">iiii", 2051, 3, 2, 2) + bytes(range(12))
    labels = struct.pack(">ii", 2049, 3) + bytes([0, 1, 9])
    put("idx", "images.idx", images)
    put("idx", "labels.idx", labels)
    put("idx", "images.idx.gz", gzip.compress(images, mtime=0))

    record = bytes([4]) + bytes(i % 256 for i in range(3 * 32 * 32))
    put("cifar", "cifar10.bin", record)
    put("cifar", "cifar100.bin", bytes([1, 7]) + record[1:])  # first byte odd: the target reads 2 label bytes (coarse 1, fine 7)

    small = jpeg(8, 8)
    if small is not None:
        put("jpeg", "8x8.JPEG", small)
        wnids, words = b"n01443537\nn01629819\n", b"n01443537\tgoldfish, Carassius auratus\n"
        annotations = b"val_0.JPEG\tn01443537\t0\t0\t7\t7\n"
        put("tinyimagenet", "val.bin", SEP.join([wnids, words, annotations, small]))

    run_parts = [read(os.path.join(RUN, f)) for f in ("config.json", "history.json", "metrics.json", "provenance.json")]
    put("runfolder", "complete.bin", SEP.join(run_parts + [b"", b""]))
    put("runfolder", "config-only.bin", config)

    with open(os.path.join(ROOT, "results", "vit-ladder", "quick", "runs.csv"), "rb") as f:
        put("runscsv", "runs.csv", b"".join(f.readline() for _ in range(RUNS_CSV_LINES)))
    put("runscsv", "quoted.csv", b'run_id,name\n"a,b","say ""hi"""\nc\n')
    for target in sorted(os.listdir(SEEDS)):
        files = os.listdir(os.path.join(SEEDS, target))
        print(f"{target}: {len(files)} seeds, {sum(os.path.getsize(os.path.join(SEEDS, target, f)) for f in files)} bytes")

if __name__ == "__main__":
    sys.exit(main())
