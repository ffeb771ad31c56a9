#!/usr/bin/env bash
# test_resume.sh: a run stopped after 2 of 4 epochs and resumed (aetui train --resume) ends as
# an uninterrupted run of the same seed does (final test MSE and test-set latent vectors, to
# float tolerance); --from starts a child run from a run's weights; the checkpoint files and
# their paths in the store; encode/reconstruct/export refuse bad input with clear messages.
# lstm preset on tiny synthetic data, so it needs no dataset.
set -u
BIN=${AETUI_BIN:?AETUI_BIN not set}
T=${AETUI_TEST_TMP:-/tmp}/resume.$$
rm -rf "$T" && mkdir -p "$T/a" "$T/b" || exit 1
trap 'rm -rf "$T"' EXIT
unset AETUI_DB
A=$T/a/aetui.db B=$T/b/aetui.db
COMMON=(--model lstm --train 128 --test 32 --threads 2 --seed 5)

. "$(dirname "$0")/cli_harness.sh"
field() { grep '"summary"' "$1" | sed -n "s/.*\"$2\":\([^,}]*\).*/\1/p"; }
# close X Y TOL: |X - Y| <= TOL * max(1, |Y|)
close() { awk -v x="$1" -v y="$2" -v t="$3" 'BEGIN { d = x - y; if (d < 0) d = -d; m = y < 0 ? -y : y; if (m < 1) m = 1; exit !(x != "" && d <= t * m) }'; }
# same_floats A.npy B.npy TOL: the float32 payloads (after the 128-byte header) agree
same_floats() {
    [ "$(stat -c %s "$1")" = "$(stat -c %s "$2")" ] || return 1
    paste <(od -An -v -f -w4 -j128 "$1") <(od -An -v -f -w4 -j128 "$2") |
        awk -v t="$3" '{ d = $1 - $2; if (d < 0) d = -d; if (d > t) { bad = 1; exit } } END { exit bad }'
}

# a resumed run stays the same run in the store: its epochs run on and it ends finished
# uninterrupted: 4 epochs
expect 0 "$BIN" train "${COMMON[@]}" --epochs 4 --json --db "$A"
cp "$T/out" "$T/full.json"
# stopped after 2, resumed to 4
expect 0 "$BIN" train "${COMMON[@]}" --epochs 2 --json --db "$B"
for f in last.safetensors best.safetensors last.state; do
    if [ -s "$T/b/aetui.runs/1/$f" ]; then ok; else bad "run 1 has no $f"; fi
done
expect 0 "$BIN" show 1 --db "$B"
has out "checkpoint .*aetui.runs/1/last.safetensors"
expect 0 "$BIN" train --resume 1 --epochs 4 --json --db "$B"
cp "$T/out" "$T/resumed.json"
has resumed.json '"epoch":3,'
if grep -q '"epoch":1,' "$T/resumed.json"; then bad "the resumed run trained epoch 1 again"; else ok; fi
m1=$(field "$T/full.json" test_mse) m2=$(field "$T/resumed.json" test_mse)
if close "$m2" "$m1" 1e-6; then ok; else bad "test MSE: resumed $m2, uninterrupted $m1"; fi
has resumed.json '"run":1,'
expect 0 "$BIN" show 1 --json --db "$B"
has out '"status": *"finished"'
if [ "$(grep -o '"epoch": *[0-9]*' "$T/out" | wc -l)" = 4 ]; then ok; else
    bad "run 1 should hold 4 epochs after the resume: $(head -c 300 "$T/out")"
fi
expect 2 "$BIN" show 2 --db "$B"

# the latent vectors of the test set, through export and encode
expect 0 "$BIN" export 1 --data test --out "$T/x.npy" --db "$A"
expect 0 "$BIN" encode 1 --input "$T/x.npy" --out "$T/z_full.npy" --db "$A"
expect 0 "$BIN" encode 1 --input "$T/x.npy" --out "$T/z_resumed.npy" --db "$B"
if same_floats "$T/z_full.npy" "$T/z_resumed.npy" 1e-5; then ok; else bad "latents differ"; fi
expect 0 "$BIN" export 1 --data test --out "$T/x2.npy" --db "$B"
if cmp -s "$T/x.npy" "$T/x2.npy"; then ok; else bad "exported test splits differ"; fi
expect 0 "$BIN" reconstruct 1 --input "$T/x.npy" --out "$T/y.npy" --weights best --db "$B"
if [ "$(stat -c %s "$T/y.npy")" = "$(stat -c %s "$T/x.npy")" ]; then ok; else bad "y.npy size"; fi

# resume: nothing left to do, settings are the run's, unknown runs
expect 2 "$BIN" train --resume 1 --epochs 4 --db "$B"
has err "already"
expect 2 "$BIN" train --resume 1 --lr 0.1 --db "$B"
has err "only --epochs"
expect 2 "$BIN" train --resume 9 --db "$B"
has err "no such run"
expect 2 "$BIN" train --resume 1 --from 1 --db "$B"

# --from: a child run starting from the parent's weights
expect 0 "$BIN" train --from 1 --epochs 1 --json --db "$A"
has out '"run":2'
first_child=$(grep '"epoch":1,' "$T/out" | sed -n 's/.*"train_loss":\([^,]*\).*/\1/p')
first_parent=$(grep '"epoch":1,' "$T/full.json" | sed -n 's/.*"train_loss":\([^,]*\).*/\1/p')
if awk -v a="$first_child" -v b="$first_parent" 'BEGIN { exit !(a < b) }'; then ok; else
    bad "the child's first epoch ($first_child) does not start from trained weights ($first_parent)"
fi
expect 0 "$BIN" show 2 --db "$A"
has out "retrains *run 1"
expect 2 "$BIN" train --from 1 --model cnn --db "$A"
has err "lstm model"
expect 2 "$BIN" train --from 1 --latent 7 --epochs 1 --db "$A"
has err "encoder.fc.weight"

# encode / reconstruct / export: bad input
expect 2 "$BIN" encode 1 --input "$T/z_full.npy" --out "$T/q.npy" --db "$A"
has err "shape (32, 20) does not fit run 1's lstm model: expected (N, 50, 10)"
expect 2 "$BIN" encode 1 --input "$T/missing.npy" --out "$T/q.npy" --db "$A"
has err "missing.npy"
printf 'garbage' >"$T/g.npy"
expect 2 "$BIN" reconstruct 1 --input "$T/g.npy" --out "$T/q.npy" --db "$A"
has err "g.npy"
expect 2 "$BIN" encode 1 --input "$T/x.npy" --db "$A"
has err "--out is required"
expect 2 "$BIN" encode 1 --input "$T/x.npy" --out "$T/q.npy" --weights worst --db "$A"
expect 2 "$BIN" export 1 --data valid --out "$T/q.npy" --db "$A"
expect 2 "$BIN" export 1 --data test --db "$A"
has err "go together"
# a damaged state file
printf 'AETUISTA' >"$T/b/aetui.runs/1/last.state"
expect 2 "$BIN" train --resume 1 --epochs 6 --db "$B"
has err "last.state"
rm -f "$T/b/aetui.runs/1/last.safetensors"
expect 2 "$BIN" encode 1 --input "$T/x.npy" --out "$T/q.npy" --db "$B"
has err "has no last.safetensors"
printf 'not a checkpoint at all' >"$T/b/aetui.runs/1/last.safetensors"
expect 2 "$BIN" encode 1 --input "$T/x.npy" --out "$T/q.npy" --db "$B"
has err "last.safetensors: header length"

echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
