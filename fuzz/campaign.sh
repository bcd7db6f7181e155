#!/usr/bin/env bash
# Fuzzes each TARGET for MINUTES in turn (fuzz/run.sh), one at a time; appends each result line to fuzz/findings/campaign.log.
# Usage: fuzz/campaign.sh MINUTES [TARGET...]   (no target: all of them, in fuzz/README.md's order)
set -uo pipefail
FUZZ="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
minutes="${1:?usage: fuzz/campaign.sh MINUTES [TARGET...]}"; shift
targets=("$@")
((${#targets[@]} > 0)) || targets=(pemn config grid idx cifar jpeg tinyimagenet runfolder runscsv)
mkdir -p "$FUZZ/findings"
for t in "${targets[@]}"; do
  line=$("$FUZZ/run.sh" "$t" "$minutes" 2>&1 | tail -1)
  echo "$(date -u +%FT%TZ) $line" | tee -a "$FUZZ/findings/campaign.log"
done
