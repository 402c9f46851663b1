#!/usr/bin/env bash
# `make test-slurm`: the Slurm path against a real Slurm on this machine. Starts munged, slurmctld
# and slurmd on localhost (a private config in a temp folder, ports of its own), emits a tiny
# sweep as an array job, submits it, kills one running task with SIGKILL, resubmits the cells
# `patchgd runs unfinished` names, merges the shards twice, checks that every cell is done
# exactly once, and stops the daemons it started. Needs root (the daemons) and `make deps-slurm`.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
B="$here/${BUILD:-build}/harness/cli/patchgd"
[ -x "$B" ] || { echo "test-slurm: $B is missing; run make build" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "test-slurm: needs root to start munged, slurmctld and slurmd" >&2; exit 2; }
for c in munged slurmctld slurmd sbatch squeue scancel sinfo; do
  command -v "$c" >/dev/null || { echo "test-slurm: $c not found; run make deps-slurm" >&2; exit 2; }
done

t0=$(date +%s)
T=$(mktemp -d /tmp/pgd-slurm.XXXXXX)
chmod 755 "$T"
started=()
cleanup() {
  # The pid files too: a daemon that forked but had not written its file when we stopped.
  for f in "$T"/run/*.pid; do [ -s "$f" ] && started+=("$(cat "$f")"); done
  for p in "${started[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${started[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  [ "${KEEP:-0}" = 1 ] || rm -rf "$T"
}
trap cleanup EXIT
# A daemon writes its pid file a moment after it forks: wait for it (and keep it for cleanup).
remember() {
  for i in $(seq 100); do [ -s "$1" ] && break; sleep 0.1; done
  [ -s "$1" ] || fail "$(basename "$1" .pid) did not start (no $1)"
  started+=("$(cat "$1")")
}
say() { printf '[test-slurm %3ds] %s\n' $(( $(date +%s) - t0 )) "$*"; }
fail() { say "FAILED: $*"; for f in "$T"/log/*.log; do echo "--- $f"; tail -20 "$f"; done; exit 1; }

mkdir -p "$T/munge" "$T/state" "$T/spool" "$T/log" "$T/run"
# munge: our own key and socket, so a system munged (if any) is left alone.
dd if=/dev/urandom of="$T/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$T/munge/munge.key"
sock="$T/munge/munge.socket"
munged --force --key-file="$T/munge/munge.key" --socket="$sock" --pid-file="$T/run/munged.pid" \
       --log-file="$T/log/munged.log" --seed-file="$T/munge/seed"
remember "$T/run/munged.pid"

ctld_port=${SLURMCTLD_PORT:-16817}
slurmd_port=${SLURMD_PORT:-16818}
for port in "$ctld_port" "$slurmd_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    fail "port $port is in use (another slurmctld/slurmd?); stop it or set SLURMCTLD_PORT / SLURMD_PORT"
  fi
done
host=$(hostname -s)
cpus=$(nproc)
cat > "$T/slurm.conf" <<CONF
ClusterName=pgdtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$sock
CredType=cred/munge
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/run/slurmctld.pid
SlurmdPidFile=$T/run/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SwitchType=switch/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
SchedulerType=sched/builtin
KillWait=5
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$T/slurm.conf"
slurmctld -i
remember "$T/run/slurmctld.pid"
slurmd
remember "$T/run/slurmd.pid"
for i in $(seq 60); do
  sinfo -h -o %t 2>/dev/null | grep -qE '^idle' && break
  sleep 1
done
sinfo -h -o %t | grep -qE '^idle' || fail "the node did not come up"
say "slurmctld and slurmd up ($host, $cpus CPUs)"

# A tiny sweep: 4 cells of a few seconds each, one CPU per task.
mkdir -p "$T/work"
cat > "$T/work/tiny.yaml" <<YAML
name: slurm-tiny
overrides: [dataset=synthetic, dataset.image_size=64, dataset.train_size=64, dataset.val_size=8,
            backbone=mobilenetv2-0.25, method=patchgd, method.patch_size=16, method.sampling_fraction=0.25,
            train.batch_size=4, train.epochs=6, train.warmup_epochs=0, head.channels=16, head.latent_dim=16,
            measure.latency=false]
grid:
  seed: [1, 2, 3, 4]
YAML
cd "$T/work"
"$B" sweep "$T/work/tiny.yaml" --config-dir "$here/experiments" --emit-slurm "$T/job" --cpus-per-task 1 \
     --time 10:00 --db "$T/all.db" > "$T/log/emit.log"
script="$T/job/slurm-tiny.sbatch"
job=$(sbatch --parsable "$script") || fail "sbatch refused the script"
say "submitted array job $job (4 tasks)"

# Kill task 1 with SIGKILL mid-run, once two epochs are recorded (so a checkpoint exists).
victim=""
for i in $(seq 600); do
  st=$(squeue -h -j "${job}_1" -o %T 2>/dev/null || true)
  epochs=$(sqlite3 "$T/job/shards/cell-1.db" \
           "SELECT count(*) FROM metrics WHERE split='val' AND name='accuracy'" 2>/dev/null || echo 0)
  if [ "$st" = RUNNING ] && [ "${epochs:-0}" -ge 2 ]; then
    scancel --batch --signal=KILL "${job}_1" && victim=1
    break
  fi
  sleep 0.2
done
[ -n "$victim" ] || fail "task 1 was not caught mid-run (never started, or finished before two epochs were seen)"
say "killed task ${job}_1 with SIGKILL"
for i in $(seq 300); do [ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break; sleep 1; done
[ -z "$(squeue -h -j "$job")" ] || fail "the array job did not end"

# Merge while a cell is unfinished, then resubmit what `runs unfinished` names.
"$B" merge --db "$T/all.db" "$T"/job/shards/cell-*.db > "$T/log/merge1.log" || fail "first merge"
list=$("$B" runs unfinished --quiet "$T/job")
[ "$list" = 1 ] || fail "runs unfinished said '$list', expected 1"
"$B" runs unfinished "$T/job"
job2=$(sbatch --parsable --array="$list" "$script") || fail "resubmission refused"
say "resubmitted cell(s) $list as job $job2"
for i in $(seq 300); do [ -z "$(squeue -h -j "$job2" 2>/dev/null)" ] && break; sleep 1; done
[ -z "$(squeue -h -j "$job2")" ] || fail "the resubmitted job did not end"

"$B" merge --db "$T/all.db" "$T"/job/shards/cell-*.db > "$T/log/merge2.log" || fail "second merge"
"$B" merge --db "$T/all.db" "$T"/job/shards/cell-*.db > "$T/log/merge3.log" || fail "third merge"
done_runs=$(sqlite3 "$T/all.db" "SELECT count(*) FROM runs WHERE status='done'")
runs=$(sqlite3 "$T/all.db" "SELECT count(*) FROM runs")
cells=$(sqlite3 "$T/all.db" "SELECT count(DISTINCT cell) FROM runs WHERE status='done'")
epochs=$(sqlite3 "$T/all.db" "SELECT min(c) || '-' || max(c) FROM (SELECT count(*) AS c FROM metrics WHERE split='train' AND name='loss' GROUP BY run_id)")
resumed=$({ grep -l "resuming from checkpoint" "$T"/job/logs/*.out || true; } | wc -l)
say "merged: $runs runs, $done_runs done, $cells distinct cells, train-loss epochs per run $epochs, $resumed task log(s) resumed a checkpoint"
[ "$runs" = 4 ] && [ "$done_runs" = 4 ] && [ "$cells" = 4 ] && [ "$epochs" = 6-6 ] || fail "expected 4 runs, each done once with 6 epochs"
[ "$(sqlite3 "$T/all.db" "SELECT attempts FROM runs WHERE cell=1")" = 2 ] || fail "cell 1 should have taken two attempts"
[ "$resumed" -ge 1 ] || fail "the resubmitted task did not resume from its checkpoint"
grep -q "0 added" "$T/log/merge3.log" || fail "a repeated merge changed the database"
say "passed in $(( $(date +%s) - t0 )) s"
