#!/usr/bin/env bash
# The whole test suite: set-up if needed, then `dotnet test` of the solution (notebook tests included: headless, and in a
# real browser for the C# and F# smoke notebooks, lib/PEMN.Tests/Browser; `--filter Category=Browser` runs only those).
# Last line: "N passed, N failed" (", N skipped" when any). Extra arguments go to dotnet test.
# .state/test-summary.txt keeps the result with its date, commit and duration (the README's numbers come from it).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_setup

results="$ROOT/.state/test-results"
rm -rf "$results"
export PEMN_SCALE=smoke
# The tests train and evaluate, and start pemn processes and notebook kernels: on tcmalloc as the scripts run them.
use_allocator
status=0
start=$SECONDS
dotnet test PEMN.Notebooks.sln -nologo --logger "trx;LogFileName=tests.trx" --results-directory "$results" "$@" || status=$?

# The Slurm path (pemn sweep --slurm) on a real single-node cluster, when the whole suite runs and one can be started
# here (scripts/slurm-local.sh: installs slurm-wlm and munge with apt, needs root). A cluster this run started is
# stopped again; one that was running before is left running.
slurm_passed=0 slurm_failed=0 slurm_skipped=0
mkdir -p "$results"
if (($# > 0)); then
  echo "slurm: not run (arguments given: only the whole suite runs the cluster test)"
elif was_running=$(scripts/slurm-local.sh status | grep -c '^slurmctld: running' || true) \
     && scripts/slurm-local.sh start >"$results/slurm-local.log" 2>&1; then
  if scripts/test-slurm.sh 2>&1 | tee "$results/slurm-test.log"; then slurm_passed=1; else slurm_failed=1; fi
  ((was_running > 0)) || scripts/slurm-local.sh stop >>"$results/slurm-local.log" 2>&1 || true
else
  echo "slurm: skipped: the local cluster could not be started ($(tail -1 "$results/slurm-local.log"); log: $results/slurm-local.log)"
  slurm_skipped=1
fi

# Count from the TRX files (one per test project): the console summary differs between runners.
read -r passed failed skipped < <(/usr/bin/env python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
p = f = s = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    c = ET.parse(path).getroot().find(f"{ns}ResultSummary/{ns}Counters")
    p += int(c.get("passed", 0)); f += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0))
    s += int(c.get("total", 0)) - int(c.get("executed", 0))  # xunit skips: counted as not executed
print(p, f, s)
PY
)
if ((passed + failed == 0)) && ((status != 0)); then failed=1; fi   # build failure: no TRX
# The Slurm test counts as one test.
passed=$((passed + slurm_passed)) failed=$((failed + slurm_failed)) skipped=$((skipped + slurm_skipped))
line="$passed passed, $failed failed"
((skipped > 0)) && line+=", $skipped skipped"
seconds=$((SECONDS - start))
{
  echo "result: $line"
  echo "duration: $seconds s (dotnet test, build included; set-up not included)"
  echo "date: $(date -u +%FT%TZ)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$([[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]] && echo ' (uncommitted changes)')"
  echo "machine: $(hostname), $(nproc) cores"
  echo "arguments: ${*:-(none: the whole suite)}"
} >"$ROOT/.state/test-summary.txt"
echo "test: $((seconds / 60)) min $((seconds % 60)) s; summary in .state/test-summary.txt"
echo "$line"
((status == 0 && failed == 0))
