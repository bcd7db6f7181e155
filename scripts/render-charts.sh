#!/usr/bin/env bash
# Renders every results/**/*.chart.html (self-contained Plotly pages saved by the notebooks) to a PNG
# beside it with headless Chromium, offline. Usage: scripts/render-charts.sh [FOLDER] (default results/).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
folder="${1:-$ROOT/results}"
browser="$(command -v chromium || command -v chromium-browser || true)"
[[ -n "$browser" ]] || { echo "render-charts: chromium not found; run scripts/setup.sh (Debian package chromium)" >&2; exit 1; }
count=0
while IFS= read -r -d '' page; do
  png="${page%.chart.html}.png"
  profile="$(mktemp -d)"
  # No network flags: the page embeds plotly.js; a fixed window makes figures comparable run to run.
  "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
    --no-first-run --user-data-dir="$profile" --hide-scrollbars --window-size=1100,650 \
    --virtual-time-budget=5000 --screenshot="$png" "file://$page" >/dev/null 2>&1
  rm -rf "$profile"
  [[ -s "$png" ]] || { echo "render-charts: no image from $page" >&2; exit 1; }
  echo "render-charts: ${png#"$ROOT"/}"
  count=$((count + 1))
done < <(find "$folder" -name '*.chart.html' -print0)
echo "render-charts: $count chart(s)"
