#!/usr/bin/env bash
# Turns a campaign's queue (fuzz/findings/TARGET/default/queue) into the committed corpus fuzz/corpus/TARGET: afl-cmin keeps
# the smallest set of inputs with the same coverage, then the smallest files are kept up to BUDGET bytes (the tests replay
# every committed file; a corpus is a few kilobytes, not a data set), and the target's seeds are added. Usage: fuzz/minimise.sh TARGET [BUDGET]
set -euo pipefail
FUZZ="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target="${1:?usage: fuzz/minimise.sh TARGET [BUDGET]}"
budget="${2:-16384}"
queue="$FUZZ/findings/$target/default/queue"
[[ -d "$queue" ]] || { echo "fuzz/minimise: no queue at $queue; run fuzz/run.sh $target first" >&2; exit 2; }
tmp=$(mktemp -d "$FUZZ/findings/minimise.XXXXXX")   # afl-cmin refuses to work under /tmp
export AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 DOTNET_GCHeapHardLimit=0x40000000
afl-cmin -i "$queue" -o "$tmp/min" -m 4000 -t 5000 -- "$(command -v dotnet)" "$FUZZ/out/PEMN.Fuzz.dll" fuzz "$target" >"$tmp/cmin.log" 2>&1 \
  || { tail -5 "$tmp/cmin.log" >&2; rm -rf "$tmp"; exit 1; }
rm -rf "$FUZZ/corpus/$target"; mkdir -p "$FUZZ/corpus/$target"
total=0; n=0
while read -r size file; do
  ((total + size <= budget)) || continue
  # AFL's names hold commas and colons; a short name per file keeps the corpus portable.
  cp "$file" "$FUZZ/corpus/$target/$(printf '%03d' "$n")-$(sha256sum "$file" | cut -c1-12)"
  total=$((total + size)); n=$((n + 1))
done < <(find "$tmp/min" -type f -printf '%s %p\n' | sort -n)
rm -rf "$tmp"
# The seeds too (valid examples of the format, fuzz/make-seeds.py): cmin may keep a damaged input in place of one.
for seed in "$FUZZ/seeds/$target"/*; do cp "$seed" "$FUZZ/corpus/$target/seed-$(basename "$seed")"; total=$((total + $(stat -c %s "$seed")))); n=$((n + 1)); done
echo "fuzz/minimise: $target: $n files, $total bytes in fuzz/corpus/$target"
