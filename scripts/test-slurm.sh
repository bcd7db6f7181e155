#!/usr/bin/env bash
# The Slurm path of `pemn sweep` end to end, on a running cluster (scripts/slurm-local.sh start; scripts/test.sh calls
# this when it could start one):
#   1. a smoke grid of 4 points submitted as a job array, waited for and collected gives the 4 rows, with the metrics
#      of the same grid run locally;
#   2. one array task cancelled mid-run (scancel: SIGTERM, pemn stops at a step boundary), the sweep submitted again:
#      only that point is resubmitted, it resumes, and every point is in the table exactly once, trained once;
#   3. a sparse run fine-tuned from a trained dense run, submitted with its parent: its array waits for the parent's
#      (a Slurm dependency), and both complete, the child recording its parent.
# Last line: "slurm: N passed, N failed". Work folder: a temporary folder, removed unless PEMN_KEEP=1.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

# A task may queue behind the others on a 2-core node; minutes mean the cluster is stuck.
JOB_TIMEOUT=600
# Epochs of the points that get cancelled: long enough that the cancel lands mid-run, short enough for CI.
LONG_EPOCHS=100
KILLED=0

work="$(mktemp -d /tmp/pemn-slurm-test.XXXXXX)"
[[ "${PEMN_KEEP:-0}" == 1 ]] || trap 'rm -rf "$work"' EXIT
pemn() { "$ROOT/scripts/pemn" "$@"; }
passed=0 failed=0
check() { # check NAME COMMAND...: runs a check, counts it
  local name="$1"; shift
  if "$@"; then echo "ok: $name"; passed=$((passed + 1)); else echo "FAILED: $name"; failed=$((failed + 1)); fi
}
jobs_of() { python3 -c 'import json,sys; print(",".join(json.loads(sys.stdin.read().strip().splitlines()[-1])["jobs"]))'; }
queued_tasks() { # queued_tasks IDS: prints the jobs' queued tasks; fails when the controller does not answer
  local out
  out="$(squeue -h -j "$1" 2>&1)" && { printf '%s' "$out"; return 0; }
  # A job id the controller has purged is a finished job; anything else is a failure, not an empty queue.
  [[ "$out" == *"Invalid job id"* ]] && return 0
  echo "squeue failed: $out" >&2
  return 1
}
wait_jobs() { # wait_jobs IDS: until no task of the jobs is queued
  local ids="$1" waited=0 queued
  [[ -z "$ids" ]] && return 0
  while queued="$(queued_tasks "$ids")" || return 1; [[ -n "$queued" ]]; do
    ((waited >= JOB_TIMEOUT)) && { echo "jobs $ids still queued after ${JOB_TIMEOUT} s"; squeue; return 1; }
    sleep 1; waited=$((waited + 1))
  done
}
start=$SECONDS

# 1. Submit, wait, collect: the same rows as a local run.
cat >"$work/grid.json" <<'EOF'
{ "preset": "smoke", "grid": { "training.seed": [0, 1, 2, 3] } }
EOF
pemn sweep --grid "$work/grid.json" --out "$work/local" --json >"$work/local.json" 2>"$work/local.log"
submitted="$(pemn sweep --grid "$work/grid.json" --out "$work/cluster" --slurm --cpus-per-task 1 --time 10 --json)"
echo "$submitted"
wait_jobs "$(jobs_of <<<"$submitted")"
collect_ok() { pemn sweep --grid "$work/grid.json" --out "$work/cluster" --collect; }
check "collect finds all 4 points complete" collect_ok
same_rows() {
  python3 - "$work/local/runs.csv" "$work/cluster/runs.csv" <<'PY'
import csv, sys
metrics = ["best_test_accuracy", "best_epoch", "final_test_accuracy", "final_train_loss", "final_train_accuracy", "epochs", "trainable_parameters"]
local, cluster = ({r["run_id"]: r for r in csv.DictReader(open(p))} for p in sys.argv[1:3])
rows = list(csv.DictReader(open(sys.argv[2])))
ok = len(rows) == 4 and len(cluster) == 4 and set(local) == set(cluster)
for run_id in local:
    for m in metrics:
        if local[run_id][m] != cluster.get(run_id, {}).get(m):
            ok = False
            print(f"  {run_id} {m}: local {local[run_id][m]}, cluster {cluster.get(run_id, {}).get(m)}")
print(f"  {len(rows)} rows on the cluster, {len(local)} locally; metrics {'equal' if ok else 'differ'}")
sys.exit(0 if ok else 1)
PY
}
check "the cluster's 4 rows have the local run's metrics" same_rows
again="$(pemn sweep --grid "$work/grid.json" --out "$work/cluster" --slurm --json)"
nothing_left() { python3 -c 'import json,sys; d=json.loads(sys.argv[1].splitlines()[-1]); sys.exit(0 if d["submitted"] == [] and d["jobs"] == [] else 1)' "$again"; }
check "a complete plan submits nothing" nothing_left

# 2. Cancel one task mid-run, submit the sweep again.
cat >"$work/long.json" <<EOF
{ "preset": "smoke", "base": { "training": { "epochs": $LONG_EPOCHS } }, "grid": { "training.seed": [0, 1, 2, 3] } }
EOF
kill_out="$work/killed"
submitted="$(pemn sweep --grid "$work/long.json" --out "$kill_out" --slurm --cpus-per-task 1 --json)"
job="$(jobs_of <<<"$submitted")"
folder="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1].splitlines()[-1])["job_folder"])' "$submitted")"
killed_id="$(pemn sweep --grid "$work/long.json" --out "$kill_out" --dry-run --json \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["runs"][int(sys.argv[1])]["run_id"])' "$KILLED")"
# Point KILLED is mid-run once its history has an epoch while its task runs.
waited=0
until [[ -f "$work/killed/runs/$killed_id/history.json" ]] && squeue -h -r -j "$job" -o '%K %T' | grep -q "^$KILLED RUNNING"; do
  ((waited >= JOB_TIMEOUT * 10)) && { echo "point $KILLED never ran"; break; }
  sleep 0.1; waited=$((waited + 1))
done
scancel "${job}_${KILLED}"
wait_jobs "$job"
log="$folder/logs/point-$KILLED.log"
stopped_cleanly() { grep -q "SIGTERM: stopping at the next step boundary" "$log" && grep -q "interrupted: finished epochs are checkpointed" "$log"; }
check "the cancelled task stopped at a step boundary with the resume message" stopped_cleanly
missing_listed() {
  local out code=0
  out="$(pemn sweep --grid "$work/long.json" --out "$kill_out" --collect)" || code=$?
  echo "$out"
  ((code == 1)) && grep -q "point $KILLED .*partial" <<<"$out" && grep -q "$log" <<<"$out"
}
check "collect lists the cancelled point as partial with its log (exit 1)" missing_listed
resubmitted="$(pemn sweep --grid "$work/long.json" --out "$kill_out" --slurm --cpus-per-task 1 --json)"
echo "$resubmitted"
only_killed() { python3 -c 'import json,sys; d=json.loads(sys.argv[1].splitlines()[-1]); sys.exit(0 if d["submitted"] == [int(sys.argv[2])] else 1)' "$resubmitted" "$KILLED"; }
check "the second submission sends only the cancelled point" only_killed
wait_jobs "$(jobs_of <<<"$resubmitted")"
all_once() {
  pemn sweep --grid "$work/long.json" --out "$kill_out" --collect >/dev/null || return 1
  python3 - "$kill_out/runs.csv" "$work/killed/runs" "$LONG_EPOCHS" "$log" <<'PY'
import csv, json, os, sys
table, runs, epochs, log = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
ids = [r["run_id"] for r in csv.DictReader(open(table))]
ok = len(ids) == 4 and len(set(ids)) == 4
for run_id in ids:
    history = json.load(open(os.path.join(runs, run_id, "history.json")))
    ok = ok and [e["epoch"] for e in history] == list(range(1, epochs + 1))
outcomes = [json.loads(l)["outcome"] for l in open(log) if l.startswith("{")]
ok = ok and outcomes == ["resumed"]
print(f"  {len(ids)} rows, {len(set(ids))} run ids, every history epochs 1..{epochs} once; cancelled point: {outcomes}")
sys.exit(0 if ok else 1)
PY
}
check "every point is in the table exactly once, the cancelled one resumed" all_once

# 3. A child run and its parent in one plan: the child's array starts after the parent's.
cat >"$work/parent.json" <<'EOF'
{ "preset": "smoke", "base": { "masking": { "keep_fraction": 0.1 } }, "grid": { "strategy.name": ["dense", "sparse_magnitude_trained"] } }
EOF
family="$(pemn sweep --grid "$work/parent.json" --out "$work/family" --slurm --cpus-per-task 1 --json)"
echo "$family"
read -r parent_job child_job < <(python3 -c 'import json,sys; print(*json.loads(sys.argv[1].splitlines()[-1])["jobs"])' "$family")
# %E: the job's dependency as the controller holds it ("afterany:96_*(unfulfilled)" while the parent's array runs).
child_waits() {
  local dependency
  dependency="$(squeue -h -j "$child_job" -o '%E' | tr -d ' ')"
  echo "  job $child_job depends on: $dependency"
  [[ "$dependency" == *"afterany:${parent_job}"* ]]
}
check "the child's array waits for its parent's (dependency)" child_waits
wait_jobs "$(jobs_of <<<"$family")"
family_complete() {
  pemn sweep --grid "$work/parent.json" --out "$work/family" --collect || return 1
  compgen -G "$work/family/runs/sparse_magnitude_trained-*/parent.json" >/dev/null
}
check "parent and child complete, the child records its parent" family_complete

echo "slurm test: $((SECONDS - start)) s"
echo "slurm: $passed passed, $failed failed"
((failed == 0))
