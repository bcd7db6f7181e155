#!/usr/bin/env bash
# Renders every *.chart.html under FOLDER (self-contained Plotly pages saved by the notebooks) to a PNG
# beside it with headless Chromium, offline. Usage: scripts/render-charts.sh [FOLDER] (default results/).
# Each chart is drawn into a temporary file and moved into place only when Chromium wrote a PNG: a chart
# that does not render fails the script, whether or not an older PNG is there. A PNG whose bytes did not
# change is left untouched. PEMN_CHROMIUM names another browser binary (the tests use it).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
folder="${1:-$ROOT/results}"
[[ -d "$folder" ]] || { echo "render-charts: no folder $folder" >&2; exit 1; }
folder="$(cd "$folder" && pwd -P)"   # Chromium resolves only absolute file:// URLs
browser="${PEMN_CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
[[ -n "$browser" ]] || { echo "render-charts: chromium not found; run scripts/setup.sh (Debian package chromium)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
is_png() { [[ -s "$1" && "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" == 89504e470d0a1a0a ]]; }
shown() { [[ "$1" == "$ROOT"/* ]] && echo "${1#"$ROOT"/}" || echo "$1"; }

count=0
while IFS= read -r -d '' page; do
  png="${page%.chart.html}.png"
  rm -rf "$work/profile" "$work/chart.png"
  url="$(python3 -c 'import pathlib, sys; print(pathlib.Path(sys.argv[1]).as_uri())' "$page")"
  # A page saved by PEMN.Notebooks.Figures.Save names its figure's size (<meta name="pemn-figure-size" content="WxH">,
  # at the top): the window takes that size, so the PNG is the figure edge to edge. Other pages get a fixed window.
  size="$(head -c 4096 "$page" | grep -o -m1 'name="pemn-figure-size" content="[0-9]*x[0-9]*"' | sed 's/.*content="\([0-9]*\)x\([0-9]*\)"/\1,\2/' || true)"
  # No network flags: the page embeds plotly.js; a fixed window makes figures comparable run to run.
  "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
    --no-first-run --user-data-dir="$work/profile" --hide-scrollbars --window-size="${size:-1100,650}" \
    --virtual-time-budget=5000 --screenshot="$work/chart.png" "$url" >"$work/browser.log" 2>&1 || true
  if ! is_png "$work/chart.png"; then
    echo "render-charts: no image from $page (browser $browser); $(shown "$png") not written. Browser output:" >&2
    tail -n 5 "$work/browser.log" >&2
    exit 1
  fi
  if [[ -f "$png" ]] && cmp -s "$work/chart.png" "$png"; then
    echo "render-charts: $(shown "$png") (unchanged)"
  else
    mv -f "$work/chart.png" "$png"
    echo "render-charts: $(shown "$png")"
  fi
  count=$((count + 1))
done < <(find "$folder" -name '*.chart.html' -print0 | sort -z)
echo "render-charts: $count chart(s)"
