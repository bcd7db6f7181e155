#!/usr/bin/env bash
# The real-browser check of the notebooks (lib/PEMN.Browser): each notebook opened in Jupyter Notebook (Debian's
# jupyter-notebook, as the README tells users) in Debian's Chromium driven by Playwright, Kernel > Restart & Run All, then
# a failure on any error output, on a code cell that never ran, or on a Plotly chart whose SVG holds no drawn points;
# a full-page screenshot of each.
# Usage: scripts/browser-notebooks.sh [--out DIR] [--timeout SECONDS] [NOTEBOOK.ipynb ...]
#   default: every notebooks/*.ipynb, screenshots to results/notebooks/<notebook>.png; PEMN_SCALE (default quick) sets
#   their size. The browser runs a copy of each notebook in a temporary folder: nothing committed changes; their runs
#   and charts go where they go headless (results/, or PEMN_RESULTS). Exit code: number of failed notebooks (0 = all passed).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

OUT="$ROOT/results/notebooks"
args=()
notebooks=()
while (($#)); do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --timeout) args+=(--timeout "$2"); shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) notebooks+=("$(realpath "$1")"); shift ;;
  esac
done
((${#notebooks[@]})) || notebooks=("$ROOT"/notebooks/*.ipynb)
export PEMN_SCALE="${PEMN_SCALE:-quick}"
[[ -n "${PEMN_RESULTS:-}" ]] && args+=(--results "$PEMN_RESULTS")
# The notebooks load lib/PEMN.Notebooks' Debug build (notebooks/setup); the driver is its own small build.
build_if_stale "$ROOT/lib/PEMN.Notebooks" Debug "$ROOT/lib/PEMN.Notebooks/bin/Debug/net10.0/PEMN.Notebooks.dll"
DLL="$ROOT/lib/PEMN.Browser/bin/Release/net10.0/PEMN.Browser.dll"
build_if_stale "$ROOT/lib/PEMN.Browser" Release "$DLL"
# No use_allocator here: the kernels preload tcmalloc themselves (their kernelspec, scripts/setup.sh); the server and
# the browser allocate little.
exec dotnet "$DLL" --out "$OUT" --scale "$PEMN_SCALE" "${args[@]}" "${notebooks[@]}"
