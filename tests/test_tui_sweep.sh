#!/usr/bin/env bash
# test_tui_sweep.sh: the Runs screen's W filter (issue 15): with two sweeps and a run of no
# sweep in the store, W shows the newest sweep's runs alone and says so above the table, W
# again the older sweep's, then none; Compare's elbow follows the filter (its title names the
# sweep at 140 columns). Tiny lstm sweeps on the synthetic sines. Skips (77) without tmux.
set -u
BIN=${AETUI_BIN:?AETUI_BIN not set}
. "$(dirname "$0")/tui_harness.sh"
tui_setup tui_sweep
TINY=(--model lstm --train 64 --test 16 --epochs 1 --no-baseline --jobs 2)
"$BIN" sweep "${TINY[@]}" --latent 4,8 --seed 1 --name first --db "$DB" >/dev/null 2>&1 || bad "sweep first"
"$BIN" sweep "${TINY[@]}" --latent 4 --seed 2,3 --name second --db "$DB" >/dev/null 2>&1 || bad "sweep second"
"$BIN" train --model lstm --train 64 --test 16 --epochs 1 --no-baseline --latent 6 --db "$DB" >/dev/null 2>&1 || bad "train"

APP_ARGS="--screen 3" start 80 24
expect "5 of 5 runs" 5 "every run listed"
keys W
expect "2 of 5 runs.*sweep=2" 3 "W: the newest sweep (2) alone"
keys W
expect "2 of 5 runs.*sweep=1" 3 "W again: the older sweep (1)"
keys W
expect "5 of 5 runs" 3 "W a third time: no filter"
keys W 4
expect "Compare|Test loss" 5 "Compare opens"
start 140 45
keys 3 W 4
expect "lstm/sines \(sweep 2\)" 5 "the elbow names the sweep it shows"
echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
