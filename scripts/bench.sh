#!/usr/bin/env bash
# The side-by-side benchmark of the speed passes (`pemn bench suite`): training steps dense / masked and the masks by sort and by
# selection (quick ConvMixer-64/4 and ConvMixer-256/8), inference, GFLOP/s, whole quick epochs with their memory, and the
# data pipeline; with --compare the same in PyTorch (bench/pytorch/pemn_bench.py), every measurement a whole process,
# ours and PyTorch's in turn, the same torch threads. Writes results/benchmarks/<date>-<short commit>.md and .json.
#   scripts/bench.sh [--compare] [--rounds N] [--epochs N] [--threads N] [--steps N] [--out DIR] [--no-data]
# --compare installs Debian's python3-torch first when /usr/bin/python3 cannot import torch (apt; root or sudo).
# Timings are only as good as the machine is quiet: the page records the load average before and after.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

compare=0
for a in "$@"; do [[ "$a" == "--compare" ]] && compare=1; done
if ((compare)) && ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  as_root=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then as_root=(sudo); else
      echo "bench: --compare needs Debian's python3-torch; run: sudo apt-get install -y --no-install-recommends python3-torch" >&2; exit 2
    fi
  fi
  echo "bench: installing python3-torch (Debian) for the PyTorch reference" >&2
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-torch >&2 \
    || { "${as_root[@]}" apt-get update >&2 && "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-torch >&2; }
fi

start=$SECONDS
scripts/pemn bench suite "$@"
seconds=$((SECONDS - start))
echo "bench: done in $((seconds / 60)) min $((seconds % 60)) s" >&2
