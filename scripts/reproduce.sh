#!/usr/bin/env bash
# The main job: set-up if needed, then the experiments and every notebook, outputs under results/.
# PEMN_SCALE=smoke|quick|paper sets the size (default quick: CPU-sized runs on Fashion-MNIST).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
export PEMN_SCALE="${PEMN_SCALE:-quick}"

# Notebooks load lib/PEMN.Notebooks/bin/Debug/net10.0/PEMN.Notebooks.dll (and PEMN.dll beside it): bring them up to date first.
build_solution() {
  dotnet build PEMN.Notebooks.sln -nologo -v q -clp:ErrorsOnly >/dev/null || {
    echo "reproduce: build failed; run: dotnet build PEMN.Notebooks.sln" >&2; return 1; }
}

# CLI runs: each line is one `scripts/pemn` invocation (arguments), run in order, output kept in results/.
# The plans train what the notebooks then read back (the ConvMixer, ViT and ResNet ladders, width and depth, how few
# values are enough, the compression figures, the k sweep; same plans, same run ids): a finished run is never redone, an
# interrupted one resumes, so the notebooks below only draw. Fig. 5 and the k sweep also pack their runs into
# network.pemn where the checkpoints are (notebook 07 reads the files; a clone has the committed ones). The paper beside the
# workbook comes last: it trains nothing and reads the runs the plans before it completed. (`plan all` would add the extended
# few-values plan.) Paper scale needs a GPU (environment.md).
run_cli_experiments() {
  local runs=(
    "data --dataset fashion-mnist"
    "plan ladder vit_ladder resnet_ladder width_depth --scale $PEMN_SCALE"
    "plan few-values --scale $PEMN_SCALE"
    "plan fig4 --scale $PEMN_SCALE"
    "plan fig5 k_sweep --pack --scale $PEMN_SCALE"
    "plan precision --scale $PEMN_SCALE"
    "plan paper_beside --scale $PEMN_SCALE"
  )
  mkdir -p results/cli
  : >results/cli/pemn.log
  local args
  for args in "${runs[@]}"; do
    echo "reproduce: pemn $args"
    # shellcheck disable=SC2086 # each entry is an argument list
    scripts/pemn $args | tee -a results/cli/pemn.log
  done
}

# Every notebooks/*.ipynb, executed headless into results/notebooks/ (.ipynb and .html; new notebooks need no change here).
run_notebooks() {
  scripts/run-notebooks.sh --out results/notebooks --html
}

# Every notebook again as a user runs it: in Jupyter Notebook in Chromium, Kernel > Restart & Run All, failing on an error
# output, a cell that never ran or a chart that did not draw; a full-page screenshot each, results/notebooks/<notebook>.png.
browser_notebooks() {
  scripts/browser-notebooks.sh --out results/notebooks
}

# Figures: every chart a notebook saved (results/**/*.chart.html) rendered to PNG for the results pages.
# A chart that does not render fails here, even when a committed PNG is there.
render_figures() {
  scripts/render-charts.sh "$ROOT/results"
}

# The index of the executed workbook (results/notebooks/index.html): each notebook's title, question, verdict, main
# figure and links, in the README's reading order; it opens offline.
write_index() {
  python3 scripts/notebook-index.py --scale "$PEMN_SCALE" --results results --readme README.md --notebooks notebooks
}

# Which committed results this run changed: reused runs leave a clean checkout clean.
report_changes() {
  local changed
  changed="$(git status --porcelain -- results 2>/dev/null || true)"
  if [[ -z "$changed" ]]; then echo "reproduce: committed results unchanged (git status results/ is clean)"
  else echo "reproduce: results/ differs from the commit:"; echo "$changed" | sed 's/^/  /'; fi
}

start=$SECONDS
ensure_setup
build_solution
# Everything below trains or evaluates: on tcmalloc (scripts/lib.sh; PEMN_ALLOCATOR=glibc switches it off).
use_allocator
run_cli_experiments
run_notebooks
browser_notebooks
render_figures
write_index
report_changes
seconds=$((SECONDS - start))
echo "reproduce: done in $((seconds / 60)) min $((seconds % 60)) s (scale $PEMN_SCALE); outputs in results/"
