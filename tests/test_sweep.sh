#!/usr/bin/env bash
# test_sweep.sh: aetui sweep on this machine: --dry-run lists the cross product with stable
# keys and records nothing; --jobs 2 runs it, every run recorded and linked to the sweep (runs
# --sweep, sweep status, sweep list); Ctrl-C stops the running members cleanly and sweep
# --resume finishes the same runs; a bad train option stops the sweep at its first run; bad
# sweep options are refused. lstm on the synthetic sines, so it needs no dataset.
set -u
. "$(dirname "$0")/cli_harness.sh"
cli_setup sweep
S=$T/s.db
TINY=(--model lstm --train 64 --test 16 --epochs 1 --no-baseline)

# the grid, listed
expect 0 "$BIN" sweep "${TINY[@]}" --latent 4,8 --seed 1,2 --dry-run --db "$S"
has out "^4 members"
has out "lstm-l4-s1 .*aetui train --train 64 --test 16 --epochs 1 --no-baseline --model lstm --latent 4 --seed 1"
has out "lstm-l8-s2 .*--latent 8 --seed 2"
[ -e "$S" ] && bad "--dry-run made a store" || ok

# run, 2 at a time; linked to the sweep
expect 0 "$BIN" sweep "${TINY[@]}" --latent 4,8 --seed 1,2 --jobs 2 --name tiny --db "$S"
has out "sweep 1: 4 members, 0 done, 4 to run, 2 at a time"
has out "lstm-l8-s2: run [0-9]* finished, test MSE"
expect 0 "$BIN" runs --sweep tiny --json --db "$S"
[ "$(grep -c '"status": "finished"' "$T/out")" = 4 ] && ok || bad "runs --sweep tiny: $(cat "$T/out")"
has out '"sweep": 1'
expect 0 "$BIN" show 1 --db "$S"
has out "threads  *1" # 2 cores here, 2 jobs: one thread each
expect 0 "$BIN" sweep status 1 --db "$S"
has out "4 members: 4 finished"
has out "lstm-l4-s2 .*finished"
expect 0 "$BIN" sweep list --db "$S"
has out "tiny .*local .*4/4"
# a run outside the sweep is not listed with it
expect 0 "$BIN" train "${TINY[@]}" --db "$S"
expect 0 "$BIN" runs --sweep 1 --json --db "$S"
[ "$(grep -c '"id":' "$T/out")" = 4 ] && ok || bad "runs --sweep 1 lists another run"
expect 0 "$BIN" sweep --resume tiny --db "$S"
has out "4 done, 0 to run"

# Ctrl-C: the running members stop after their batch, sweep --resume finishes the same runs
LONG=(--model lstm --train 256 --test 16 --epochs 6 --no-baseline)
"$BIN" sweep "${LONG[@]}" --latent 4,8 --seed 3 --jobs 2 --name long --db "$S" >"$T/long.out" 2>"$T/long.err" &
pid=$!
for _ in $(seq 300); do # until both runs have an epoch recorded
    "$BIN" runs --sweep long --json --db "$S" >"$T/l.json" 2>/dev/null
    [ "$(grep -c '"epochs": [1-9]' "$T/l.json")" = 2 ] && break
    sleep 0.1
done
kill -INT "$pid"
wait "$pid"
code=$?
[ "$code" = 130 ] && ok || bad "a stopped sweep exits $code, expected 130: $(cat "$T/long.err")"
grep -q "stopped at epoch" "$T/long.out" && ok || bad "no member stopped: $(cat "$T/long.out")"
grep -q "sweep --resume 2 finishes them" "$T/long.out" && ok || bad "no resume hint: $(cat "$T/long.out")"
expect 0 "$BIN" runs --sweep long --json --db "$S"
has out '"status": "stopped"'
ids_before=$(grep -o '"id": [0-9]*' "$T/out" | sort | tr '\n' ' ')
expect 0 "$BIN" sweep --resume long --jobs 2 --db "$S"
has out "resuming its run"
expect 0 "$BIN" runs --sweep long --json --db "$S"
[ "$(grep -c '"status": "finished"' "$T/out")" = 2 ] && ok || bad "after --resume: $(cat "$T/out")"
ids_after=$(grep -o '"id": [0-9]*' "$T/out" | sort | tr '\n' ' ')
[ "$ids_before" = "$ids_after" ] && ok || bad "--resume made new runs: $ids_before -> $ids_after"
grep -q '"epochs": 6' "$T/out" && ok || bad "resumed runs lack their 6 epochs"

# a bad train option: the first run refuses it, no other is started
n_before=$(grep -o '"id":' <("$BIN" runs --json --db "$S") | wc -l)
expect 2 "$BIN" sweep "${TINY[@]}" --lr nonsense --latent 4,8 --db "$S"
has err "refused its options"
has out "failed (exit 2): aetui train: --lr"
hasnt out "l8"
n_after=$(grep -o '"id":' <("$BIN" runs --json --db "$S") | wc -l)
[ "$n_before" = "$n_after" ] && ok || bad "a refused sweep recorded runs"

# a store with sweeps imported: the sweeps come along, their members linked to the runs
expect 0 "$BIN" import "$S" --db "$T/c.db"
expect 0 "$BIN" runs --sweep tiny --json --db "$T/c.db"
[ "$(grep -c '"status": "finished"' "$T/out")" = 4 ] && ok || bad "imported sweep: $(cat "$T/out")"
expect 0 "$BIN" sweep status long --db "$T/c.db"
has out "2 members: 2 finished"

# bad sweep options
expect 2 "$BIN" sweep --epochs 1 --db "$S"
has err "no grid"
expect 2 "$BIN" sweep --latent 4,,8 --db "$S"
has err "comma-separated"
expect 2 "$BIN" sweep --latent 4,4 --db "$S"
has err "given twice"
expect 2 "$BIN" sweep --latent 4 --jobs 0 --db "$S"
expect 2 "$BIN" sweep --latent 4 --json --db "$S"
has err "not in a sweep"
expect 2 "$BIN" sweep --resume 99 --db "$S"
has err "no such sweep"
expect 2 "$BIN" sweep --resume 1 --latent 4 --db "$S"
expect 2 "$BIN" sweep status --db "$S"
expect 2 "$BIN" runs --sweep nosuch --db "$S"
has err "no sweep 'nosuch'"
expect 2 "$BIN" sweep --latent 4 --partition x --db "$S"
has err "go with --slurm"
finish
