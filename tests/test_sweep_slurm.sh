#!/usr/bin/env bash
# test_sweep_slurm.sh: aetui sweep --slurm on a real one-node Slurm started here (tests/slurm/
# start: munged, slurmctld and slurmd on localhost; stopped again at exit, every daemon it
# started). Three sweeps of tiny lstm runs on the synthetic sines: 4 tasks that all finish,
# 4 of which 2 fail on a bad option (an unknown dataset), and 1 cancelled with scancel while it
# trains (SIGTERM: it stops cleanly). sweep status says finished, failed (with its log's last lines) and cancelled; aetui
# import of the sweeps' directories brings in the finished runs, linked to their sweeps, and
# their checkpoints load. Skips when Slurm or munge is not installed, or not running as root
# (munged and slurmd need it).
set -u
. "$(dirname "$0")/cli_harness.sh"
for p in slurmctld slurmd munged sbatch squeue scancel scontrol sinfo; do
    command -v "$p" >/dev/null || { echo "SKIP: $p not installed (apt-get install slurm-wlm munge)"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "SKIP: starting munged and slurmd needs root"; exit 77; }
cli_setup sweep_slurm
SRC=${AETUI_SRC:-$(dirname "$0")/..}
SB=$T/slurm
export SLURM_CTLD_PORT=$((20000 + $$ % 20000)) SLURM_D_PORT=$((20001 + $$ % 20000))
trap 'bash "$SRC/tests/slurm/stop" "$SB" >/dev/null 2>&1; rm -rf "$T"' EXIT
if ! bash "$SRC/tests/slurm/start" "$SB" >"$T/start.log" 2>&1; then
    echo "SKIP: Slurm did not start here: $(tail -3 "$T/start.log")"
    exit 77
fi
export SLURM_CONF=$SB/slurm.conf
S=$T/s.db
TINY=(--model lstm --train 64 --test 16 --epochs 2 --no-baseline)

# wait_job JOB: until squeue lists none of its tasks (at most 60 s)
wait_job() {
    for _ in $(seq 600); do
        [ -z "$(squeue -h -j "$1" 2>/dev/null)" ] && return 0
        sleep 0.1
    done
    bad "job $1 still queued or running after 60 s: $(squeue -h -j "$1")"
}
job_of() { sed -n 's/.*as Slurm job \([0-9]*\).*/\1/p' "$T/$1"; }

expect 0 "$BIN" sweep "${TINY[@]}" --latent 4,8 --seed 1,2 --slurm --name good --db "$S"
cp "$T/out" "$T/good.out"
has out "4 tasks submitted as Slurm job"
expect 0 "$BIN" sweep "${TINY[@]}" --dataset nosuch,sines --latent 4 --seed 1,2 --slurm --name mixed --db "$S"
cp "$T/out" "$T/mixed.out"
expect 0 "$BIN" sweep --model lstm --train 512 --test 16 --epochs 500 --no-baseline --latent 4 --seed 1 --slurm --name cancel --db "$S"
cp "$T/out" "$T/cancel.out"
good=$(job_of good.out) mixed=$(job_of mixed.out) cancel=$(job_of cancel.out)
[ -n "$good" ] && [ -n "$mixed" ] && [ -n "$cancel" ] && ok || bad "job ids: '$good' '$mixed' '$cancel'"
dir_good=$(sed -n 's/^  directory //p' "$T/good.out")
dir_mixed=$(sed -n 's/^  directory //p' "$T/mixed.out")
dir_cancel=$(sed -n 's/^  directory //p' "$T/cancel.out")
[ -x "$dir_good/job.sh" ] && ok || bad "no job script in '$dir_good'"

wait_job "$good"
wait_job "$mixed"
# the long one: cancelled once it has trained an epoch (its shard says so)
for _ in $(seq 600); do
    "$BIN" sweep status cancel --db "$S" >"$T/c.status" 2>&1
    grep -q "running .*epoch [1-9]" "$T/c.status" && break
    sleep 0.1
done
grep -q "running .*epoch" "$T/c.status" && ok || bad "the long task never ran: $(cat "$T/c.status")"
scancel "$cancel"
wait_job "$cancel"

expect 0 "$BIN" sweep status good --db "$S"
has out "4 members: 4 finished"
has out "lstm-l8-s2 .*finished .*2 epochs, test MSE"
expect 0 "$BIN" sweep status mixed --db "$S"
has out "4 members: 2 finished, 2 failed"
has out "lstm-nosuch-l4-s1 .*failed .*FAILED, exit 2"
has out "--dataset" # the log's last line: train's message about the dataset
expect 0 "$BIN" sweep status cancel --db "$S"
has out "cancelled"

# import: the finished runs come in, linked to their sweeps; their checkpoints load
expect 0 "$BIN" import "$dir_good" "$dir_mixed" "$dir_cancel" --db "$T/all.db"
has out "0.db: 1 run added"
has out "sweep [0-9]*: 4 of 4 members have their run here"
has out "sweep [0-9]*: 2 of 4 members have their run here"
expect 0 "$BIN" runs --sweep good --json --db "$T/all.db"
[ "$(grep -c '"status": "finished"' "$T/out")" = 4 ] && ok || bad "imported good sweep: $(cat "$T/out")"
id=$(grep -o '"id": [0-9]*' "$T/out" | head -1 | grep -o '[0-9]*$')
expect 0 "$BIN" export "$id" --data test --out "$T/x.npy" --db "$T/all.db"
expect 0 "$BIN" encode "$id" --input "$T/x.npy" --out "$T/z.npy" --db "$T/all.db"
expect 0 "$BIN" runs --sweep mixed --json --db "$T/all.db"
[ "$(grep -c '"status": "finished"' "$T/out")" = 2 ] && ok || bad "imported mixed sweep: $(cat "$T/out")"
# the cancelled run: scancel sends SIGTERM, and train stops after its batch: it comes in as
# stopped, with its checkpoints (train --resume goes on from them)
expect 0 "$BIN" runs --sweep cancel --json --db "$T/all.db"
has out '"status": "stopped"'
# the sweep's own store: the same import links its members too
expect 0 "$BIN" import "$dir_good" --db "$S"
expect 0 "$BIN" sweep status good --db "$S"
has out "run [0-9]* here"
finish
