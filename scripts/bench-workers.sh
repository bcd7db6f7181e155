#!/usr/bin/env bash
# The sweep measurement of the speed passes: the quick strategy ladder (9 runs) trained twice from scratch in temporary folders,
# one run at a time on every core (--workers 1 --threads <cores>, how sweeps ran before --workers) and with the default
# --workers (a process per core, one torch thread each); the wall time of each, their ratio, and the final test accuracy
# of every run in both. Writes results/benchmarks/<date>-<short commit>-workers.md.
#   scripts/bench-workers.sh [--epochs N]   (default 2: about 10 min on 2 cores; 8 is the quick preset's, about 1 h)
# Like every benchmark: run it on a quiet machine (the page records the load average).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

epochs=2
while (($#)); do
  case "$1" in
    --epochs) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { echo "bench-workers: --epochs needs a whole number >= 1; got '${2:-}'" >&2; exit 2; }; epochs=$2; shift 2 ;;
    *) echo "bench-workers: unknown argument '$1'; usage: scripts/bench-workers.sh [--epochs N]" >&2; exit 2 ;;
  esac
done
cores=$(nproc)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
scripts/pemn ladder --help >/dev/null # builds once, outside the timings
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

timed() { # name, then the ladder's extra arguments; prints seconds
  local name=$1; shift
  local start=$SECONDS
  scripts/pemn ladder --preset quick --epochs "$epochs" --out "$work/$name" "$@" >"$work/$name.log" 2>&1 \
    || { echo "bench-workers: the $name ladder failed; its output:" >&2; cat "$work/$name.log" >&2; exit 1; }
  echo $((SECONDS - start))
}
sequential=$(timed sequential --workers 1 --threads "$cores")
side=$(timed side_by_side)
workers_line=$(grep -m1 '^workers:' "$work/side_by_side.log" | sed 's/ (this one and pids .*)$//' || echo "workers: 1 process")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# scripts/pemn preloads tcmalloc unless PEMN_ALLOCATOR=glibc (scripts/lib.sh): the allocator every run had.
use_allocator
allocator=glibc; [[ "${LD_PRELOAD:-}" == *libtcmalloc* ]] && allocator=tcmalloc
commit=$(git rev-parse --short HEAD)
out="results/benchmarks/$(date -u +%F)-$commit-workers.md"
mkdir -p results/benchmarks
python3 - "$work" "$sequential" "$side" "$epochs" "$cores" "$commit" "$load_before" "$load_after" "$workers_line" "$allocator" >"$out" <<'PY'
import csv, datetime, platform, subprocess, sys
work, seq, side, epochs, cores, commit, before, after, workers, allocator = sys.argv[1:]
def accuracies(name):
    return {r["run_id"]: r["final_test_accuracy"] for r in csv.DictReader(open(f"{work}/{name}/runs.csv"))}
a, b = accuracies("sequential"), accuracies("side_by_side")
same = sum(a[k] == b.get(k) for k in a)
print(f"# Sweep wall time with --workers, {datetime.date.today()} at {commit}\n")
print(f"- command: `scripts/bench-workers.sh --epochs {epochs}`")
print(f"- commit: {subprocess.check_output(['git', 'rev-parse', 'HEAD'], text=True).strip()}")
print(f"- machine: {platform.node()}, {cores} cores; date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%dT%H:%M:%SZ}")
print(f"- load average (1, 5, 15 min) before: {before}; after: {after}")
print(f"- heap allocator of every run: {allocator} (scripts/pemn; PEMN_ALLOCATOR=glibc switches tcmalloc off)")
print(f"- work: the quick strategy ladder (9 runs, seed 0) at {epochs} epochs, from scratch, twice\n")
print("| how | wall time, s | ratio |\n|---|---:|---:|")
print(f"| one run at a time, {cores} torch threads (`--workers 1 --threads {cores}`) | {seq} | 1.00 |")
print(f"| side by side, default `--workers` ({workers.removeprefix('workers: ')}) | {side} | {int(side) / int(seq):.2f} |\n")
print(f"Final test accuracy equal in {same} of {len(a)} runs (torch threads differ between the two: 1 vs {cores}).\n")
print("| run id | one at a time | side by side |\n|---|---:|---:|")
for k in sorted(a): print(f"| {k} | {a[k]} | {b.get(k, '-')} |")
PY
echo "bench-workers: $sequential s one at a time, $side s side by side; $out" >&2
