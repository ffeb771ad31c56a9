#!/usr/bin/env bash
# test_walk.sh: aetui interpolate / traverse / sample from the outside (issue 14). The ends of an
# interpolation are bit for bit the two test samples' reconstructions (aetui reconstruct of the
# run's own exported test split), linear and spherical; the traversal's middle column is one
# code (the mean) in every row; sampling repeats with --seed and changes with another; PNG,
# sixel and .npy are written; bad values exit 2 with one line naming them. An LSTM run on the
# synthetic sines always; a CNN run on Fashion-MNIST when its files are installed.
set -u
. "$(dirname "$0")/cli_harness.sh"
cli_setup walk
DB=$T/a.db
PY=/usr/bin/python3
ROWS="$AETUI_SRC/tests/npy_rows.py"

check_run() { # check_run RUN NAME: the walks of run RUN
    local r=$1 nm=$2
    run 0 "$nm export" "$BIN" export "$r" --db "$DB" --data test --out "$T/x$r.npy"
    run 0 "$nm reconstruct" "$BIN" reconstruct "$r" --db "$DB" --input "$T/x$r.npy" --out "$T/y$r.npy"
    for mode in "" --slerp; do
        run 0 "$nm interpolate $mode" "$BIN" interpolate "$r" --db "$DB" --from 3 --to 11 --steps 6 \
            $mode --npy "$T/i$r.npy" --out "$T/i$r.png"
        [ "$($PY "$ROWS" --rows "$T/i$r.npy")" = 6 ] && ok || bad "$nm: interpolation rows"
        $PY "$ROWS" "$T/i$r.npy" 0 "$T/y$r.npy" 3 && ok || bad "$nm $mode: first end != reconstruction of #3"
        $PY "$ROWS" "$T/i$r.npy" 5 "$T/y$r.npy" 11 && ok || bad "$nm $mode: last end != reconstruction of #11"
        $PY "$ROWS" "$T/i$r.npy" 2 "$T/y$r.npy" 3 && bad "$nm $mode: the middle is an end" || ok
    done
    [ "$(head -c 4 "$T/i$r.png" | od -An -c | tr -d ' ')" = "211PNG" ] && ok || bad "$nm: not a PNG"
    # traversal: 3 axes x 5 steps, the middle (column 2) the same decoded code in each row
    run 0 "$nm traverse" "$BIN" traverse "$r" --db "$DB" --axes 3 --steps 5 --range 2 --npy "$T/t$r.npy" --sixel
    [ "$($PY "$ROWS" --rows "$T/t$r.npy")" = 15 ] && ok || bad "$nm: traversal rows"
    $PY "$ROWS" "$T/t$r.npy" 2 "$T/t$r.npy" 7 && $PY "$ROWS" "$T/t$r.npy" 2 "$T/t$r.npy" 12 && ok ||
        bad "$nm: traversal middles differ between rows"
    $PY "$ROWS" "$T/t$r.npy" 0 "$T/t$r.npy" 2 && bad "$nm: traversal at -2 sd is the mean" || ok
    [ "$(head -c 2 "$T/out" | od -An -tx1 | tr -d ' ')" = 1b50 ] && ok || bad "$nm: --sixel is not sixel"
    # sampling: seeded
    run 0 "$nm sample" "$BIN" sample "$r" --db "$DB" --n 5 --seed 7 --npy "$T/s1.npy"
    run 0 "$nm sample again" "$BIN" sample "$r" --db "$DB" --n 5 --seed 7 --npy "$T/s2.npy" --out "$T/s.png"
    run 0 "$nm sample seed 8" "$BIN" sample "$r" --db "$DB" --n 5 --seed 8 --npy "$T/s3.npy"
    cmp -s "$T/s1.npy" "$T/s2.npy" && ok || bad "$nm: the same seed gave other samples"
    cmp -s "$T/s1.npy" "$T/s3.npy" && bad "$nm: another seed gave the same samples" || ok
}

timeout 120 "$BIN" train --model lstm --dataset sines --train 64 --test 32 --epochs 1 --latent 4 \
    --db "$DB" --no-baseline >/dev/null 2>"$T/train.err" || { echo "FAIL: train: $(cat "$T/train.err")"; exit 1; }
check_run 1 lstm

# bad input: exit 2, one line naming the thing
run 2 "from out of range" "$BIN" interpolate 1 --db "$DB" --from 32 --to 1 --npy "$T/z.npy"
one_line "from out of range" "--from 32" "0 to 31"
run 2 "no output" "$BIN" interpolate 1 --db "$DB" --from 1 --to 2
one_line "no output" "nothing to write"
run 2 "no --from" "$BIN" interpolate 1 --db "$DB" --out "$T/z.png"
one_line "no --from" "--from"
run 2 "another command's option" "$BIN" sample 1 --db "$DB" --axes 3 --npy "$T/z.npy"
one_line "another command's option" "--axes" "not an option of sample"
run 2 "steps 1" "$BIN" interpolate 1 --db "$DB" --from 1 --to 2 --steps 1 --npy "$T/z.npy"
one_line "steps 1" "--steps"
run 2 "no such run" "$BIN" traverse 9 --db "$DB" --npy "$T/z.npy"
one_line "no such run" "run 9"
[ ! -e "$T/z.npy" ] && ok || bad "a refused command wrote its output"
run 0 "help" "$BIN" sample --help
has out "not a generative model"

FM=/usr/share/datasets/fashion-mnist
if [ -d "$FM" ]; then
    timeout 300 "$BIN" train --model cnn --dataset fashion-mnist --data-dir "$FM" --train 128 --test 40 \
        --epochs 1 --latent 8 --threads 1 --db "$DB" --no-baseline >/dev/null 2>"$T/train.err" ||
        { echo "FAIL: cnn train: $(cat "$T/train.err")"; exit 1; }
    check_run 2 cnn
else
    echo "note: $FM not installed: the CNN walks are not checked"
fi
finish
