#!/usr/bin/env bash
# down.sh - stop what up.sh started; idempotent.
#   1. cancel all jobs and wait for their processes to exit (slurmstepd
#      outlives slurmd, so jobs must be ended before the daemons stop),
#   2. stop slurmd, slurmctld (and slurmdbd, mariadbd if SLURM_ACCOUNTING=1
#      started them) by their pid files under $SLURM_HOME,
#   3. stop munged only if up.sh started it,
#   4. remove /etc/slurm/slurm.conf and slurmdbd.conf if up.sh wrote them.
# Packages stay installed; logs stay in $SLURM_HOME/log (for CI artifacts)
# unless --purge is given, which deletes $SLURM_HOME.
set -euo pipefail

if [ "$(id -u)" != 0 ]; then
  exec sudo -E bash "$0" "$@"
fi

SLURM_HOME=${SLURM_HOME:-/tmp/slurm-ci}
CONF=/etc/slurm/slurm.conf
DBDCONF=/etc/slurm/slurmdbd.conf
MARK="# managed-by: nasgc scripts/slurm/up.sh"
PURGE=0; [ "${1:-}" = "--purge" ] && PURGE=1

log() { printf '[slurm down %s] %s\n' "$(date +%T)" "$*" >&2; }

pid_alive() {
  local f=$1 comm=$2 pid
  [ -s "$f" ] || return 1
  pid=$(cat "$f" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/comm" ] && [ "$(cat "/proc/$pid/comm")" = "$comm" ]
}

stop_pidfile() { # stop_pidfile PIDFILE COMM NAME
  local f=$1 comm=$2 name=$3 pid i
  if ! pid_alive "$f" "$comm"; then rm -f "$f"; log "$name not running"; return 0; fi
  pid=$(cat "$f")
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then log "$name ignored SIGTERM, sending SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$f"
}

# 1. cancel jobs while the controller is still up
if pid_alive "$SLURM_HOME/run/slurmctld.pid" slurmctld && scontrol ping 2>/dev/null | grep -q 'is UP'; then
  if [ -n "$(squeue -h -o %i 2>/dev/null | head -1)" ]; then
    log "cancelling all jobs"
    scancel $(squeue -h -o %A | sort -u) 2>/dev/null || true
    for i in $(seq 1 200); do   # KillWait=5 s plus slack
      [ -z "$(squeue -h -o %i 2>/dev/null | head -1)" ] && break; sleep 0.1
    done
  fi
fi

# 2. slurm daemons (slurmd first, so it can report step ends to slurmctld)
stop_pidfile "$SLURM_HOME/run/slurmd.pid" slurmd slurmd
stop_pidfile "$SLURM_HOME/run/slurmctld.pid" slurmctld slurmctld
[ -e "$SLURM_HOME/run/slurmdbd.pid" ] && stop_pidfile "$SLURM_HOME/run/slurmdbd.pid" slurmdbd slurmdbd
[ -e "$SLURM_HOME/dbrun/mariadbd.pid" ] && stop_pidfile "$SLURM_HOME/dbrun/mariadbd.pid" mariadbd mariadbd

# 3. munged, only if ours
if [ -s "$SLURM_HOME/run/munged.ours" ]; then
  ours=$(cat "$SLURM_HOME/run/munged.ours")
  cur=$(cat /run/munge/munged.pid 2>/dev/null || true)
  if [ "$ours" = "$cur" ]; then
    printf '%s\n' "$ours" >"$SLURM_HOME/run/munged.pid"
    stop_pidfile "$SLURM_HOME/run/munged.pid" munged munged
  else
    log "munged pid changed since up.sh (now '${cur:-none}'); left alone"
  fi
  rm -f "$SLURM_HOME/run/munged.ours"
else
  log "munged was not started by up.sh; left alone"
fi

# 4. config
for f in "$CONF" "$DBDCONF"; do
  if [ -e "$f" ] && grep -qF "$MARK" "$f"; then rm -f "$f"; log "removed $f"; fi
done

left=$(ps -eo pid=,comm= | awk '$2=="slurmstepd"{print $1}' | tr '\n' ' ')
[ -n "$left" ] && log "WARNING: slurmstepd processes still alive: $left"

if [ "$PURGE" = 1 ]; then rm -rf "$SLURM_HOME"; log "removed $SLURM_HOME"; fi
log "down"
