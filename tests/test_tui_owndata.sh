#!/usr/bin/env bash
# test_tui_owndata.sh: your own data in the interface (issue 12): a dataset registered with
# `aetui data add` is in the Train form's Dataset list beside the built-in sets (for the models
# that suit it, not for the others), is not marked "not found", and a run started from the
# form trains on it and is recorded under its name with its spec. Skips (77) without tmux.
set -u
BIN=${AETUI_BIN:?AETUI_BIN not set}
. "$(dirname "$0")/tui_harness.sh"
tui_setup tui_owndata

/usr/bin/python3 - "$T/ecg.csv" <<'PY'
import math, sys
with open(sys.argv[1], 'w') as f:
    for i in range(60):
        f.write('%d,%s\n' % (i % 2, ','.join('%.3f' % (100 + 50 * math.sin(k / 5 * (1 + i % 2))) for k in range(24))))
PY
"$BIN" data add ecg "$T/ecg.csv" --db "$DB" >/dev/null || bad "data add"
body() { cap | head -n -1; }

# the LSTM's datasets: sines, then the registered ecg
APP_ARGS="--screen 2" start 80 24
keys Enter lstm Enter j
expect "Dataset +sines" 3 "the LSTM's built-in dataset"
keys Right
expect "Dataset +ecg" 3 "the registered dataset follows the built-in ones"
if body | grep -q "not found"; then bad "ecg marked not found: $(body | grep Dataset)"; else ok; fi
expect "ecg <> +48 train, 12 test" 3 "what it holds beside it (at 80 columns)"
keys Right
expect "Dataset +sines" 3 "and the list goes round"
APP_ARGS="--screen 2" start 140 45
keys Enter lstm Enter j Right
expect "ecg <> +48 train, 12 test" 3 "what it holds at 140 columns"
# the CNN's list has no sequences
keys k Enter cnn Enter j Right Right Right Right
if body | grep -q "Dataset *ecg"; then bad "ecg offered to the CNN"; else ok; fi
# a run from the form on the registered data (train and test cut to what it holds)
keys k Enter lstm Enter j Right j j Enter 1 Enter s
expect "Run #1 finished" 60 "a run on the registered dataset"
"$BIN" show 1 --db "$DB" >"$T/show" 2>&1
if grep -qE "dataset +ecg" "$T/show" && grep -qE "data_spec +csv $T/ecg.csv" "$T/show" &&
    grep -qE "train +48" "$T/show"; then ok; else bad "run 1 is not on ecg: $(head -40 "$T/show")"; fi

echo "test_tui_owndata: $passes passed, $fails failed"
[ "$fails" = 0 ]
