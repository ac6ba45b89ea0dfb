#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for trying `workbench sweep --slurm` and for the Slurm tests.
#
#   scripts/slurm-cluster.sh start FOLDER   # fresh state in FOLDER: slurm.conf, its own munged, slurmctld, slurmd
#   scripts/slurm-cluster.sh stop FOLDER    # kills the daemons from their pid files, munged's too
#   export SLURM_CONF=FOLDER/slurm.conf     # then sbatch, squeue, sinfo and workbench talk to it
#
# As root, without systemd (Debian 12, slurm-wlm 22.05, munge): see /work/shared/design/slurm.md. Without cgroups
# there is no process tracking beyond linuxproc, and without slurmdbd no accounting (sacct is disabled).
# `start` waits until the node is idle and prints "slurm: up (SLURM_CONF=...)"; on failure it prints one line
# saying why, stops what it started and exits 1.
set -uo pipefail

usage() { echo "usage: scripts/slurm-cluster.sh start|stop FOLDER" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
folder=$2

fail() {
  echo "slurm: $*" >&2
  exit 1
}

stop() {
  local pid
  for name in slurmd slurmctld; do
    if [ -f "$folder/run/$name.pid" ]; then
      pid=$(cat "$folder/run/$name.pid" 2>/dev/null)
      if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null
      fi
      rm -f "$folder/run/$name.pid"
    fi
  done
  # This cluster's own munged (its pid file is written by munged, in the folder).
  if [ -f "$folder/munge/munged.pid" ]; then
    pid=$(cat "$folder/munge/munged.pid" 2>/dev/null)
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    rm -f "$folder/munge/munged.pid"
  fi
}

start() {
  command -v slurmctld >/dev/null && command -v slurmd >/dev/null || fail "slurmctld/slurmd not installed (Debian package slurm-wlm; run scripts/setup.sh as root)"
  command -v munged >/dev/null || fail "munged not installed (Debian package munge; run scripts/setup.sh as root)"
  [ "$(id -u)" = "0" ] || fail "starting the daemons needs root (SlurmUser=root); run as root"
  mkdir -p "$folder" || fail "cannot create $folder"
  folder=$(cd "$folder" && pwd)
  if [ -f "$folder/run/slurmctld.pid" ] && kill -0 "$(cat "$folder/run/slurmctld.pid")" 2>/dev/null; then
    fail "a cluster already runs from $folder: stop it first (scripts/slurm-cluster.sh stop $folder)"
  fi
  rm -rf "$folder/state" "$folder/spool" "$folder/log" "$folder/run" "$folder/munge"
  mkdir -p "$folder/state" "$folder/spool" "$folder/log" "$folder/run"

  # munge: a daemon of this cluster's own, on a socket in the folder (AuthInfo below), so that clusters started from
  # other folders (another checkout's tests) neither share nor stop it. It runs as the munge user with the machine's key.
  [ -f /etc/munge/munge.key ] || fail "no /etc/munge/munge.key (reinstall the Debian package munge)"
  mkdir -p "$folder/munge"
  chown munge:munge "$folder/munge" && chmod 755 "$folder/munge" || fail "cannot give $folder/munge to the munge user"
  local socket="$folder/munge/munge.socket"
  su -s /bin/sh munge -c "munged --socket='$socket' --pid-file='$folder/munge/munged.pid' --log-file='$folder/munge/munged.log' --seed-file='$folder/munge/munged.seed'" \
    >"$folder/log/munged.out" 2>&1 || fail "munged did not start: $(tail -n 1 "$folder/log/munged.out")"
  for _ in $(seq 50); do munge -n -S "$socket" 2>/dev/null | unmunge -S "$socket" >/dev/null 2>&1 && break; sleep 0.1; done
  munge -n -S "$socket" 2>/dev/null | unmunge -S "$socket" >/dev/null 2>&1 || { stop; fail "munged started but munge -n | unmunge fails (see $folder/munge/munged.log)"; }

  local node cpus memory port
  node=$(hostname -s)
  cpus=$(nproc --all)
  memory=$(awk '/MemTotal/ { print int($2 / 1024 * 0.9) }' /proc/meminfo)
  # Ports from the folder's name, so that two clusters (two checkouts' tests) do not collide.
  port=$((6900 + $(printf '%s' "$folder" | cksum | cut -d' ' -f1) % 500 * 2))
  cat >"$folder/slurm.conf" <<EOF
ClusterName=workbench
SlurmctldHost=$node
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$folder/munge/munge.socket
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
StateSaveLocation=$folder/state
SlurmdSpoolDir=$folder/spool
SlurmctldPidFile=$folder/run/slurmctld.pid
SlurmdPidFile=$folder/run/slurmd.pid
SlurmctldLogFile=$folder/log/slurmctld.log
SlurmdLogFile=$folder/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
SchedulerType=sched/backfill
MinJobAge=300
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
NodeName=$node CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF="$folder/slurm.conf"
  slurmctld -i >"$folder/log/slurmctld.out" 2>&1 || { stop; fail "slurmctld did not start: $(tail -n 1 "$folder/log/slurmctld.log" 2>/dev/null)"; }
  slurmd >"$folder/log/slurmd.out" 2>&1 || { stop; fail "slurmd did not start: $(grep -i error "$folder/log/slurmd.log" 2>/dev/null | grep -vi pmix | tail -n 1)"; }
  for _ in $(seq 150); do
    state=$(sinfo -h -n "$node" -o %T 2>/dev/null)
    [ "$state" = "idle" ] && break
    sleep 0.2
  done
  if [ "${state:-}" != "idle" ]; then
    stop
    fail "the node did not become idle in 30 s (state '${state:-none}'); see $folder/log/slurmctld.log"
  fi
  echo "slurm: up (SLURM_CONF=$folder/slurm.conf, node $node, $cpus CPUs)"
}

case "$action" in
  start) start ;;
  stop) stop; echo "slurm: stopped ($folder)" ;;
  *) usage ;;
esac
