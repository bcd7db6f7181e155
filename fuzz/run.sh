#!/usr/bin/env bash
# Fuzzes one target with AFL++ for MINUTES (fuzz/README.md), one afl-fuzz instance, starting from the committed
# corpus fuzz/corpus/TARGET (or the seeds of fuzz/make-seeds.py when there is none yet); findings under
# fuzz/findings/TARGET/default/ (crashes/, hangs/, queue/, fuzzer_stats). Needs fuzz/build.sh first.
# Last line: TARGET, minutes, executions, paths (corpus entries), crashes, hangs: what fuzz/README.md records.
set -euo pipefail
FUZZ="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target="${1:?usage: fuzz/run.sh TARGET MINUTES}"
minutes="${2:?usage: fuzz/run.sh TARGET MINUTES}"
HARNESS="$FUZZ/out/PEMN.Fuzz.dll"
[[ -f "$HARNESS" ]] || { echo "fuzz/run: $HARNESS missing; run fuzz/build.sh first" >&2; exit 2; }
input="$FUZZ/corpus/$target"
[[ -d "$input" ]] || input="$FUZZ/seeds/$target"
[[ -d "$input" ]] || { echo "fuzz/run: no corpus or seeds for '$target' (fuzz/corpus/$target, fuzz/seeds/$target)" >&2; exit 2; }
out="$FUZZ/findings/$target"
rm -rf "$out"
mkdir -p "$out"

# Why each setting:
# AFL_SKIP_BIN_CHECK: the program AFL starts is dotnet, which is not instrumented (SharpFuzz instruments PEMN.dll).
# AFL_NO_AFFINITY: the machine's cores are shared (training runs beside); do not pin.
# AFL_SKIP_CPUFREQ, AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES: a container cannot set the governor or core_pattern.
# AFL_NO_UI: a log, not a screen.
# DOTNET_GCHeapHardLimit 1 GiB and -m 4000 MB of address space: an input that makes a reader take gigabytes ends in an
#   OutOfMemoryException (a crash AFL saves) instead of swapping the machine. dotnet itself needs about 1.5 GB of address space.
# -t 5000 ms: a hang; the readers take milliseconds on inputs of kilobytes.
MEMORY_MB=4000
TIMEOUT_MS=5000
export AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
export DOTNET_GCHeapHardLimit=0x40000000
afl-fuzz -i "$input" -o "$out" -m "$MEMORY_MB" -t "$TIMEOUT_MS" -V "$((minutes * 60))" -- dotnet "$HARNESS" fuzz "$target" \
  >"$out/afl.log" 2>&1 || { echo "fuzz/run: afl-fuzz failed; see ${out#"$FUZZ"/../}/afl.log" >&2; tail -20 "$out/afl.log" >&2; exit 1; }

stats="$out/default/fuzzer_stats"
value() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
seconds=$(( $(value last_update) - $(value start_time) ))
printf '%s: %.1f min, %s executions, %s paths, %s crashes, %s hangs\n' "$target" "$(echo "$seconds / 60" | bc -l)" \
  "$(value execs_done)" "$(value corpus_count)" "$(value saved_crashes)" "$(value saved_hangs)"
