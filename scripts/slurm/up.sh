#!/usr/bin/env bash
# up.sh - idempotent single-node Slurm cluster on loopback, for CI and for
# trying nasgc's Slurm executor (docs/slurm.md). Installs the Debian packages
# slurmctld, slurmd, slurm-client and munge where missing (apt-get update,
# then apt-get install), starts munged, slurmctld and slurmd and checks that
# a job runs. scripts/slurm/down.sh stops what it started.
#
# Tested on Debian 12 (bookworm): slurm-wlm 22.05.8, munge 0.5.15, MariaDB
# 10.11, as root in a VM/container *without* systemd as PID 1 and with a
# policy-rc.d that blocks service starts. Daemons are started directly (not via
# systemctl); every pid/state/log file lives under $SLURM_HOME, so
# down.sh stops exactly what this script started.
#
# Re-running is safe: installed packages, a working munged, and running daemons
# whose config did not change are left alone; if a generated config changed,
# the affected daemons are restarted.
#
# Knobs (environment):
#   SLURM_HOME        state/spool/log/pid dir             (default /tmp/slurm-ci)
#   SLURM_CPUS        CPUs the node advertises             (default: nproc; more
#                     than the real count oversubscribes - many tiny CI jobs)
#   SLURM_ACCOUNTING  1 = also run MariaDB + slurmdbd so that sacct works
#                     (default 0: no database; use squeue/scontrol/jobcomp log)
#   SLURM_DB_PORT     MariaDB TCP port on 127.0.0.1        (default 3307)
#   SLURM_FRESH       1 = start slurmctld with -c (forget queued/running jobs;
#                     job ids still continue) when it is (re)started (default 1)
#   SLURM_FORCE_CONF  1 = overwrite /etc/slurm/slurm.conf / slurmdbd.conf not
#                     written by this script                (default 0: refuse)
set -euo pipefail

if [ "$(id -u)" != 0 ]; then
  exec sudo -E bash "$0" "$@"
fi

SLURM_HOME=${SLURM_HOME:-/tmp/slurm-ci}
SLURM_CPUS=${SLURM_CPUS:-$(nproc)}
SLURM_ACCOUNTING=${SLURM_ACCOUNTING:-0}
SLURM_DB_PORT=${SLURM_DB_PORT:-3307}
SLURM_FRESH=${SLURM_FRESH:-1}
SLURM_FORCE_CONF=${SLURM_FORCE_CONF:-0}
CONF=/etc/slurm/slurm.conf
DBDCONF=/etc/slurm/slurmdbd.conf
MARK="# managed-by: nasgc scripts/slurm/up.sh"
NODE=localhost
H=$SLURM_HOME

log() { printf '[slurm up %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# pid_alive PIDFILE COMM -> 0 if the pid in PIDFILE is alive and is COMM
pid_alive() {
  local f=$1 comm=$2 pid
  [ -s "$f" ] || return 1
  pid=$(cat "$f" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/comm" ] && [ "$(cat "/proc/$pid/comm")" = "$comm" ]
}

stop_pidfile() { # stop_pidfile PIDFILE COMM
  local f=$1 comm=$2 pid i
  pid_alive "$f" "$comm" || { rm -f "$f"; return 0; }
  pid=$(cat "$f")
  log "stopping $comm (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  rm -f "$f"
}

# install_conf TMPFILE DEST MODE OWNER -> writes DEST if different; returns 0 if changed
install_conf() {
  local new=$1 dest=$2 mode=$3 owner=$4
  if [ -e "$dest" ] && ! grep -qF "$MARK" "$dest" && [ "$SLURM_FORCE_CONF" != 1 ]; then
    rm -f "$new"; die "$dest exists and was not written by up.sh (SLURM_FORCE_CONF=1 overwrites)"
  fi
  if cmp -s "$new" "$dest" 2>/dev/null; then rm -f "$new"; return 1; fi
  log "writing $dest"
  mkdir -p "$(dirname "$dest")"
  install -m "$mode" -o "$owner" "$new" "$dest"
  rm -f "$new"
  return 0
}

wait_for() { # wait_for SECONDS CMD... -> polls CMD every 0.2 s
  local n=$(( $1 * 5 )); shift
  for _ in $(seq 1 "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  return 1
}

# ---------------------------------------------------------------- packages
PKGS=(slurmctld slurmd slurm-client munge)
[ "$SLURM_ACCOUNTING" = 1 ] && PKGS+=(slurmdbd mariadb-server)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get: install Slurm (slurmctld, slurmd, client) and munge by hand"
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

mkdir -p "$H"/{state,spool,log,run}
SLURM_USER=root
getent passwd slurm >/dev/null && SLURM_USER=slurm
chown "$SLURM_USER": "$H/state" "$H/log"
touch "$H/log/jobcomp.log"; chown "$SLURM_USER": "$H/log/jobcomp.log"

# ---------------------------------------------------------------- munge
if [ ! -s /etc/munge/munge.key ]; then
  log "creating munge key"
  mkdir -p /etc/munge
  mungekey --create --keyfile=/etc/munge/munge.key --force
fi
chown munge:munge /etc/munge /etc/munge/munge.key
chmod 0700 /etc/munge; chmod 0400 /etc/munge/munge.key

munge_ok() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }
if munge_ok; then
  log "munged already working (left as is)"
else
  log "starting munged"
  install -d -o munge -g munge -m 0755 /run/munge
  install -d -o munge -g munge -m 0700 /var/log/munge /var/lib/munge
  runuser -u munge -- /usr/sbin/munged --force
  wait_for 10 munge_ok || die "munged does not work (see /var/log/munge/munged.log)"
  cp /run/munge/munged.pid "$H/run/munged.ours"   # down stops it only if we started it
fi

# ---------------------------------------------------------------- configs
# RealMemory must not exceed what slurmd detects, else the node drains.
MEM=$(slurmd -C 2>/dev/null | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
MEM=$(( ${MEM:-2048} * 9 / 10 ))
DEFMEM=$(( MEM / SLURM_CPUS )); [ "$DEFMEM" -ge 1 ] || DEFMEM=1

if [ "$SLURM_ACCOUNTING" = 1 ]; then
  ACCT="AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
JobAcctGatherType=jobacct_gather/linux"
else
  ACCT="# no slurmdbd: sacct does not work; finished jobs stay visible to
# squeue/scontrol for MinJobAge seconds and are appended to JobCompLoc
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none"
fi

NEW=$(mktemp)
cat >"$NEW" <<EOF
$MARK  (SLURM_HOME=$H)
ClusterName=ci
SlurmctldHost=localhost
SlurmUser=$SLURM_USER
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
SwitchType=switch/none
# no cgroups: plain process tracking, no task containment
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
$ACCT
JobCompType=jobcomp/filetxt
JobCompLoc=$H/log/jobcomp.log
MinJobAge=3600
SchedulerType=sched/backfill
# default batch_sched_delay=3 caps tiny-job throughput at CPUs/3s
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=$DEFMEM
ReturnToService=2
SlurmdParameters=config_overrides
KillWait=5
MailProg=/bin/true
StateSaveLocation=$H/state
SlurmdSpoolDir=$H/spool
SlurmctldPidFile=$H/run/slurmctld.pid
SlurmdPidFile=$H/run/slurmd.pid
SlurmctldLogFile=$H/log/slurmctld.log
SlurmdLogFile=$H/log/slurmd.log
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$SLURM_CPUS Boards=1 SocketsPerBoard=1 CoresPerSocket=$SLURM_CPUS ThreadsPerCore=1 RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
changed=0
install_conf "$NEW" "$CONF" 0644 root && changed=1

if [ "$changed" = 1 ]; then
  stop_pidfile "$H/run/slurmd.pid" slurmd
  stop_pidfile "$H/run/slurmctld.pid" slurmctld
fi

# ---------------------------------------------------------------- accounting (optional)
if [ "$SLURM_ACCOUNTING" = 1 ]; then
  DB=$H/mysql; DBRUN=$H/dbrun; SOCK=$DBRUN/mysqld.sock
  install -d -o mysql -g mysql "$DBRUN"
  if [ ! -d "$DB/mysql" ]; then
    log "initialising MariaDB datadir $DB"
    install -d -o mysql -g mysql "$DB"
    mariadb-install-db --user=mysql --datadir="$DB" --skip-test-db >"$DBRUN/install.log" 2>&1 \
      || die "mariadb-install-db failed; see $DBRUN/install.log"
  fi
  db_ok() { mariadb --socket="$SOCK" -uroot -e 'select 1'; }
  if pid_alive "$DBRUN/mariadbd.pid" mariadbd; then
    log "mariadbd already running"
  else
    log "starting mariadbd on 127.0.0.1:$SLURM_DB_PORT"
    setsid mariadbd --user=mysql --datadir="$DB" --bind-address=127.0.0.1 --port="$SLURM_DB_PORT" \
      --socket="$SOCK" --pid-file="$DBRUN/mariadbd.pid" --log-error="$DBRUN/mariadb.err" \
      --skip-name-resolve </dev/null >/dev/null 2>&1 &
    wait_for 30 db_ok || die "mariadbd did not start; see $DBRUN/mariadb.err"
  fi
  DBPW=$(cat "$DBRUN/slurm.pw" 2>/dev/null || true)
  if [ -z "$DBPW" ]; then
    DBPW=$(head -c 18 /dev/urandom | base64 | tr -d '/+='); (umask 077; echo "$DBPW" >"$DBRUN/slurm.pw")
  fi
  mariadb --socket="$SOCK" -uroot -e "CREATE DATABASE IF NOT EXISTS slurm_acct_db;
    CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY '$DBPW';
    GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';"

  NEW=$(mktemp)
  cat >"$NEW" <<EOF
$MARK  (SLURM_HOME=$H)
AuthType=auth/munge
DbdHost=localhost
DbdPort=6819
SlurmUser=$SLURM_USER
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$SLURM_DB_PORT
StorageUser=slurm
StoragePass=$DBPW
StorageLoc=slurm_acct_db
LogFile=$H/log/slurmdbd.log
PidFile=$H/run/slurmdbd.pid
EOF
  install_conf "$NEW" "$DBDCONF" 0600 "$SLURM_USER" && stop_pidfile "$H/run/slurmdbd.pid" slurmdbd
  if pid_alive "$H/run/slurmdbd.pid" slurmdbd; then
    log "slurmdbd already running"
  else
    log "starting slurmdbd"
    rm -f "$H/run/slurmdbd.pid"
    slurmdbd
    wait_for 30 sacctmgr -n list cluster || die "slurmdbd not answering; see $H/log/slurmdbd.log"
  fi

else
  # accounting switched off: stop what an earlier SLURM_ACCOUNTING=1 run started
  stop_pidfile "$H/run/slurmdbd.pid" slurmdbd
  stop_pidfile "$H/dbrun/mariadbd.pid" mariadbd
  if [ -e "$DBDCONF" ] && grep -qF "$MARK" "$DBDCONF"; then rm -f "$DBDCONF"; fi
fi

# ---------------------------------------------------------------- slurm daemons
started=0
if pid_alive "$H/run/slurmctld.pid" slurmctld; then
  log "slurmctld already running"
else
  log "starting slurmctld"
  if [ "$SLURM_FRESH" = 1 ]; then slurmctld -c; else slurmctld; fi
  started=1
fi
ctld_ok() { scontrol ping | grep -q 'is UP'; }
wait_for 30 ctld_ok || die "slurmctld not answering; see $H/log/slurmctld.log"

if pid_alive "$H/run/slurmd.pid" slurmd; then
  log "slurmd already running"
else
  log "starting slurmd"
  slurmd -N "$NODE"
  started=1
fi

state=""
for _ in $(seq 1 150); do
  state=$(sinfo -h -n "$NODE" -o %T 2>/dev/null | head -1)
  case "$state" in
    idle|mixed|allocated|completing) break ;;
    down*|drain*) scontrol update NodeName="$NODE" State=RESUME 2>/dev/null || true ;;
  esac
  sleep 0.2
done
case "$state" in
  idle|mixed|allocated|completing) ;;
  *) die "node $NODE is '$state'; see $H/log/slurmd.log and 'scontrol show node'" ;;
esac

if [ "$started" = 1 ]; then
  # smoke test: one step end to end (gives up if no CPU frees up within 20 s)
  timeout 30 srun --immediate=20 -N1 -n1 true || die "smoke test 'srun true' failed"
fi
log "cluster up: $(sinfo -h -o '%P %a %D %T %C')  (CPUs A/I/O/T)$([ "$SLURM_ACCOUNTING" = 1 ] && echo ', accounting: slurmdbd')"
