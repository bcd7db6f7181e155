#!/usr/bin/env bash
# Executes notebooks headless and checks the executed copies.
# Usage: scripts/run-notebooks.sh [--out DIR] [--timeout SECONDS] [--html] [NOTEBOOK.ipynb ...]
#   default: every notebooks/*.ipynb into results/notebooks/; PEMN_SCALE (default quick) sets their size;
#   --html also exports each executed notebook as self-contained HTML (charts draw offline).
# A notebook fails when a cell raises, when an output is an error, or when a Plotly chart loads
# plotly.js from a CDN instead of embedding it. Exit code: number of failed notebooks (0 = all passed).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

OUT="$ROOT/results/notebooks"
TIMEOUT=1800   # per notebook, seconds: quick-scale notebooks train for minutes on 2 CPU cores
notebooks=()
html=0
while (($#)); do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --timeout) TIMEOUT="$2"; shift 2 ;;
    --html) html=1; shift ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) notebooks+=("$(realpath "$1")"); shift ;;
  esac
done
((${#notebooks[@]})) || notebooks=("$ROOT"/notebooks/*.ipynb)
mkdir -p "$OUT"; OUT="$(realpath "$OUT")"
export PEMN_SCALE="${PEMN_SCALE:-quick}"
# The notebooks load lib/PEMN.Notebooks' Debug build (notebooks/setup): build it when a library source is newer.
build_if_stale "$ROOT/lib/PEMN.Notebooks" Debug "$ROOT/lib/PEMN.Notebooks/bin/Debug/net10.0/PEMN.Notebooks.dll"
# The kernels train and evaluate: they inherit tcmalloc from here (scripts/lib.sh; PEMN_ALLOCATOR=glibc switches it off).
use_allocator

failed=0
for nb in "${notebooks[@]}"; do
  name="$(basename "$nb")"
  start=$SECONDS
  # The kernel starts in the notebook's folder: the set-up resolves notebooks/-relative paths.
  if (cd "$(dirname "$nb")" && timeout "$TIMEOUT" jupyter nbconvert --to notebook --execute --allow-errors \
        --ExecutePreprocessor.timeout="$TIMEOUT" --output-dir "$OUT" --output "$name" "$name" \
        >"$OUT/${name%.ipynb}.log" 2>&1) \
     && /usr/bin/env python3 "$ROOT/scripts/check-notebook.py" "$OUT/$name" \
     && { ((html == 0)) || jupyter nbconvert --to html --output-dir "$OUT" "$OUT/$name" >>"$OUT/${name%.ipynb}.log" 2>&1; }; then
    echo "notebook: $name passed ($((SECONDS - start)) s, scale $PEMN_SCALE) -> ${OUT#"$ROOT"/}/$name"
  else
    echo "notebook: $name FAILED ($((SECONDS - start)) s); log: $OUT/${name%.ipynb}.log" >&2
    failed=$((failed + 1))
  fi
done
exit "$failed"
