#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for trying `pemn sweep --slurm` on a laptop and for the tests.
#
#   scripts/slurm-local.sh start    install slurm-wlm + munge with apt if missing, write the config for this host,
#                                   start munged, slurmctld and slurmd, wait until the node takes jobs
#   scripts/slurm-local.sh stop     stop the three daemons this script started (by their pid files); jobs end with them
#   scripts/slurm-local.sh status   the daemons, the node and the queue
#
# The config (/etc/slurm/slurm.conf, where sbatch and squeue look for it) is generated for this host: its real CPU
# count and memory as slurmd itself measures them (slurmd -C), proctrack/linuxproc and task/none (no cgroups needed,
# so it runs in containers too), select/cons_tres with CPUs and memory as consumable resources, one partition "local".
# A slurm.conf this script did not write (a machine that is part of a real cluster) is never touched: start refuses.
# Daemon state, logs and pid files live in $STATE (default /var/lib/pemn-slurm-local). Needs root (apt, daemons).
set -euo pipefail

STATE="${PEMN_SLURM_STATE:-/var/lib/pemn-slurm-local}"
CONF_DIR=/etc/slurm
CONF="$CONF_DIR/slurm.conf"
MARKER="# Written by pemn scripts/slurm-local.sh"
PARTITION=local
CLUSTER=pemn-local
# How long start waits for the node to take jobs; slurmd registers within seconds.
READY_TIMEOUT=60
PACKAGES=(slurm-wlm munge)

log() { echo "slurm-local: $*"; }
die() { echo "slurm-local: $*" >&2; exit 1; }

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  ((${#missing[@]} == 0)) && return 0
  command -v apt-get >/dev/null || die "needs ${missing[*]}; this system has no apt-get: install Slurm and MUNGE by hand."
  ((EUID == 0)) || die "needs ${missing[*]}: run as root, or: sudo apt-get install ${missing[*]}"
  log "installing ${missing[*]} (apt)"
  mkdir -p "$STATE/log"
  # The packages' own services are not started: this script starts the daemons with its own config.
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >"$STATE/log/apt.log" 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get update >>"$STATE/log/apt.log" 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >>"$STATE/log/apt.log" 2>&1 \
      || { tail -20 "$STATE/log/apt.log" >&2; die "apt-get install ${missing[*]} failed (log: $STATE/log/apt.log)"; }
  fi
}

write_config() {
  if [[ -f "$CONF" ]] && ! grep -qF "$MARKER" "$CONF"; then
    die "$CONF exists and was not written by this script (this machine may belong to a real cluster); not touching it."
  fi
  mkdir -p "$CONF_DIR" "$STATE"/{ctld,spool,log,run}
  local host node cpus memory
  host="$(hostname -s)"
  # slurmd's own view of the hardware: a NodeName line that slurmd will not contradict at registration.
  node="$(slurmd -C | head -1)"
  [[ "$node" == NodeName=* ]] || die "slurmd -C did not describe the node: $node"
  cpus="$(sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' <<<"$node")"
  memory="$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$node")"
  cat >"$CONF" <<EOF
$MARKER (start); regenerated on every start. A single-node cluster for this host:
# $cpus CPUs and $memory MB as slurmd -C measures them.
ClusterName=$CLUSTER
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# No cgroups: processes are tracked through /proc and tasks are not bound (works in containers).
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
# CPUs and memory are the consumable resources; a task gets an even share of memory unless it asks.
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
DefMemPerCPU=$((memory / cpus))
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
# scancel and time limits send SIGTERM, then SIGKILL after KillWait seconds: time for pemn to stop at a step boundary.
KillWait=30
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/spool
SlurmctldPidFile=$STATE/run/slurmctld.pid
SlurmdPidFile=$STATE/run/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
$node State=UNKNOWN
PartitionName=$PARTITION Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  log "config $CONF: node $host, $cpus CPUs, $memory MB, partition $PARTITION"
}

start_munge() {
  # A munged that answers already (one this script started, or the system's own) is used as it is.
  if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then return 0; fi
  if [[ ! -s /etc/munge/munge.key ]]; then
    log "creating the MUNGE key /etc/munge/munge.key"
    mungekey --create --keyfile=/etc/munge/munge.key
  fi
  chown munge:munge /etc/munge/munge.key
  chmod 0400 /etc/munge/munge.key
  install -d -o munge -g munge -m 0755 /run/munge
  install -d -o munge -g munge -m 0700 /var/lib/munge /var/log/munge
  rm -f /run/munge/munged.pid
  runuser -u munge -- /usr/sbin/munged --force
  for _ in $(seq 1 50); do [[ -s /run/munge/munged.pid ]] && break; sleep 0.1; done
  [[ -s /run/munge/munged.pid ]] || die "munged did not start (see /var/log/munge/munged.log)"
  # Recorded here: stop ends only the daemons this script started.
  cp /run/munge/munged.pid "$STATE/run/munged.pid"
  munge -n | unmunge >/dev/null || die "munge round trip failed (see /var/log/munge/munged.log)"
}

start() {
  ((EUID == 0)) || die "start needs root (apt, daemons)."
  mkdir -p "$STATE"
  install_packages
  write_config
  # The daemons run on the system's malloc: slurmctld under a preloaded tcmalloc (scripts/lib.sh exports it for
  # pemn's own processes) loses its listening socket once the first tasks end ("slurm_accept_msg_conn: Socket
  # operation on non-socket", in a loop that fills the log). The tasks get tcmalloc from their sbatch script.
  unset LD_PRELOAD
  start_munge
  if ! alive "$STATE/run/slurmctld.pid"; then
    # -c: a fresh start without saved jobs, so a changed config never meets stale state.
    slurmctld -c || die "slurmctld did not start (log: $STATE/log/slurmctld.log)"
  fi
  if ! alive "$STATE/run/slurmd.pid"; then
    slurmd || die "slurmd did not start (log: $STATE/log/slurmd.log)"
  fi
  local host waited=0
  host="$(hostname -s)"
  until sinfo -h -n "$host" -o '%t' 2>/dev/null | grep -Eq '^(idle|mix|alloc)'; do
    ((waited >= READY_TIMEOUT)) && { status; die "the node did not become ready within ${READY_TIMEOUT} s (logs in $STATE/log)"; }
    # A node that registered as down after an earlier unclean stop is returned to service.
    if sinfo -h -n "$host" -o '%t' 2>/dev/null | grep -Eq '^(down|drain)'; then
      scontrol update NodeName="$host" State=RESUME >/dev/null 2>&1 || true
    fi
    sleep 1
    waited=$((waited + 1))
  done
  log "ready: $(sinfo -h -o '%P %D node(s) %c CPUs %m MB %t' | head -1) (after ${waited} s)"
}

stop() {
  local name
  # Jobs of this cluster end with it (their processes would outlive slurmd otherwise); KillWait lets pemn checkpoint.
  if alive "$STATE/run/slurmctld.pid" && [[ -n "$(squeue -h 2>/dev/null)" ]]; then
    squeue -h -o %A | sort -u | xargs -r scancel || true
    for _ in $(seq 1 60); do [[ -z "$(squeue -h 2>/dev/null)" ]] && break; sleep 0.5; done
    log "cancelled the queued and running jobs"
  fi
  for name in slurmd slurmctld munged; do
    local pidfile="$STATE/run/$name.pid"
    if alive "$pidfile"; then
      kill "$(cat "$pidfile")"
      for _ in $(seq 1 30); do alive "$pidfile" || break; sleep 0.2; done
      alive "$pidfile" && kill -9 "$(cat "$pidfile")" 2>/dev/null || true
      log "stopped $name"
    fi
    rm -f "$pidfile"
  done
}

status() {
  local name
  for name in munged slurmctld slurmd; do
    if alive "$STATE/run/$name.pid"; then echo "$name: running (pid $(cat "$STATE/run/$name.pid"))"; else echo "$name: not running"; fi
  done
  if alive "$STATE/run/slurmctld.pid"; then
    sinfo -o '%P %D %c %m %t %N' || true
    squeue || true
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
