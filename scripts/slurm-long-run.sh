#!/usr/bin/env bash
# The long run of the Slurm path: TASKS array tasks (default 40) on the local cluster train smoke points into one
# runs table, and the checks that every point was trained exactly once and that the table is what a rebuild from the
# run folders gives. Prints a Markdown record (command, commit, machine, date, figures) on stdout; the last line is
# "slurm-long-run: passed" or "slurm-long-run: FAILED ...". Starts the local cluster (scripts/slurm-local.sh) when it is
# not running and stops it again afterwards. Usage: scripts/slurm-long-run.sh [TASKS]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

TASKS="${1:-40}"
[[ "$TASKS" =~ ^[1-9][0-9]*$ ]] || { echo "slurm-long-run: TASKS = '$TASKS' is not allowed; allowed: a positive whole number" >&2; exit 2; }
# 40 smoke tasks queue two at a time on a 2-core node: minutes, not hours, unless the cluster is stuck.
JOB_TIMEOUT=3600

work="$(mktemp -d /tmp/pemn-slurm-long.XXXXXX)"
started_cluster=0
cleanup() {
  ((started_cluster == 0)) || scripts/slurm-local.sh stop >/dev/null 2>&1 || true
  [[ "${PEMN_KEEP:-0}" == 1 ]] || rm -rf "$work"
}
trap cleanup EXIT
pemn() { "$ROOT/scripts/pemn" "$@"; }

if ! squeue -h >/dev/null 2>&1; then
  scripts/slurm-local.sh start >&2
  started_cluster=1
fi

seeds="$(python3 -c 'import sys; print(", ".join(str(i) for i in range(int(sys.argv[1]))))' "$TASKS")"
cat >"$work/grid.json" <<EOF
{ "preset": "smoke", "grid": { "training.seed": [$seeds] } }
EOF
start=$SECONDS
submitted="$(pemn sweep --grid "$work/grid.json" --out "$work/cluster" --slurm --cpus-per-task 1 --time 30 --json)"
jobs="$(python3 -c 'import json,sys; print(",".join(json.loads(sys.argv[1].splitlines()[-1])["jobs"]))' "$submitted")"
folder="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1].splitlines()[-1])["job_folder"])' "$submitted")"
waited=0
while [[ -n "$(squeue -h -j "$jobs" 2>/dev/null || true)" ]]; do
  ((waited >= JOB_TIMEOUT)) && { echo "slurm-long-run: FAILED: jobs $jobs still queued after $JOB_TIMEOUT s"; exit 1; }
  sleep 2; waited=$((waited + 2))
done
seconds=$((SECONDS - start))
pemn sweep --grid "$work/grid.json" --out "$work/cluster" --collect >"$work/collect.log" 2>&1 || {
  cat "$work/collect.log"; echo "slurm-long-run: FAILED: collect found points missing"; exit 1; }
cp "$work/cluster/runs.csv" "$work/as-trained.csv"
rm "$work/cluster/runs.csv"
pemn sweep --grid "$work/grid.json" --out "$work/cluster" --collect >>"$work/collect.log" 2>&1

python3 - "$TASKS" "$work" "$folder" "$seconds" "$(git rev-parse --short HEAD)" "$(hostname), $(nproc) cores" <<'PY'
import csv, datetime, glob, json, os, sys
tasks, work, folder, seconds, commit, machine = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6]
trained = list(csv.DictReader(open(os.path.join(work, "as-trained.csv"))))
rebuilt_text, trained_text = open(os.path.join(work, "cluster", "runs.csv")).read(), open(os.path.join(work, "as-trained.csv")).read()
ids = [r["run_id"] for r in trained]
problems = []
if len(ids) != tasks or len(set(ids)) != tasks:
    problems.append(f"{len(ids)} rows and {len(set(ids))} run ids; expected {tasks} of each")
epochs_ok = 0
for run_id in ids:
    history = json.load(open(os.path.join(work, "cluster", "runs", run_id, "history.json")))
    config = json.load(open(os.path.join(work, "cluster", "runs", run_id, "config.json")))
    if [e["epoch"] for e in history] == list(range(1, config["training"]["epochs"] + 1)): epochs_ok += 1
    else: problems.append(f"{run_id}: epochs {[e['epoch'] for e in history]}")
outcomes = {}
for log in sorted(glob.glob(os.path.join(folder, "logs", "point-*.log"))):
    lines = [json.loads(l)["outcome"] for l in open(log) if l.startswith("{")]
    outcomes[os.path.basename(log)] = lines
once = sum(1 for v in outcomes.values() if v == ["trained"])
if len(outcomes) != tasks or once != tasks:
    problems.append(f"{len(outcomes)} task logs, {once} with exactly one 'trained' outcome; expected {tasks}")
# The tasks' table lists the runs in the order they finished, a rebuild in plan order: the rows must be the same.
def rows(text): return text.splitlines()[0], sorted(text.splitlines()[1:])
same_rows = rows(rebuilt_text) == rows(trained_text)
if not same_rows:
    problems.append("the table rebuilt from the run folders has other rows than the table the tasks wrote")
print(f"# {tasks} Slurm array tasks into one runs table\n")
print(f"- command: `scripts/slurm-long-run.sh {tasks}` (the local single-node cluster of `scripts/slurm-local.sh`, smoke preset, one seed per task)")
print(f"- commit: {commit}; machine: {machine}; date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC\n")
print("| figure | value |\n|---|---:|")
print(f"| array tasks | {tasks} |")
print(f"| wall time from submission to the last task's end | {seconds} s |")
print(f"| rows in runs.csv / distinct run ids | {len(ids)} / {len(set(ids))} |")
print(f"| runs whose history has epochs 1..E exactly once | {epochs_ok} |")
print(f"| task logs with exactly one outcome, `trained` | {once} of {len(outcomes)} |")
print(f"| runs.csv has the rows of its rebuild from the run folders, byte for byte | {'yes' if same_rows else 'no'} |")
print(f"| ... in the same order (the tasks write them as they finish, a rebuild in plan order) | {'yes' if rebuilt_text == trained_text else 'no'} |\n")
print("slurm-long-run: " + ("passed" if not problems else "FAILED: " + "; ".join(problems)))
sys.exit(0 if not problems else 1)
PY
