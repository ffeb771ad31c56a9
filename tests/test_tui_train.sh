#!/usr/bin/env bash
# test_tui_train.sh: the Train screen as a user meets it (issue 10), driven through tmux on a
# private server and a temporary store: `aetui --screen 2` opens on it and --help lists the
# option; a start that fails (data not found, Train larger than the data) says why beside the
# form, and the status bar never names an older run as the failed one. Skips (77) without tmux.
set -u
BIN=${AETUI_BIN:?AETUI_BIN not set}
command -v tmux >/dev/null || { echo "SKIP: tmux is not installed"; exit 77; }
T=${AETUI_TEST_TMP:-/tmp}/tui_train.$$
rm -rf "$T" && mkdir -p "$T" || exit 1
SOCK=aetui_train_$$
cleanup() { tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
unset AETUI_DB NO_COLOR AETUI_TRACE AETUI_DATA
export XDG_DATA_HOME=$T/xdg HOME=$T/home LC_ALL=C.UTF-8 AETUI_GRAPHICS=blocks
DB=$T/aetui.db

. "$(dirname "$0")/tui_harness.sh"

# ---- aetui --screen 2 opens on Train (the README's promise); --help lists it
if "$BIN" --help | grep -q -- '--screen N'; then ok; else bad "aetui --help does not list --screen"; fi
APP_ARGS="--screen 2" start 80 24
expect "Form \(Enter edits" 5 "aetui --screen 2 opens on the Train screen"
if cap | grep -q "unknown command"; then bad "--screen refused"; else ok; fi

# a small Fashion-MNIST in IDX files: 100 training and 20 test images of 28x28
mkidx() { # DIR NTRAIN NTEST
    mkdir -p "$1" && /usr/bin/python3 - "$@" <<'PY'
import gzip, struct, sys
d, ntr, nte = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for pre, n in (("train", ntr), ("t10k", nte)):
    with open(f"{d}/{pre}-images-idx3-ubyte", "wb") as f:
        f.write(struct.pack(">IIII", 0x803, n, 28, 28) + bytes((i * 7 + j) % 256 for i in range(n) for j in range(784)))
    with open(f"{d}/{pre}-labels-idx1-ubyte", "wb") as f:
        f.write(struct.pack(">II", 0x801, n) + bytes(i % 10 for i in range(n)))
PY
}
# the screen above the status bar (where the eye is: beside the form)
body() { cap | head -n -1; }
mkidx "$T/small" 100 20 || bad "making the small dataset"
mkdir -p "$T/empty"

# ---- a dataset that is not found: the reason beside the form, still there after 5 s
APP_ARGS="--screen 2 --data-dir $T/empty" start 80 24
keys Enter cnn Enter j Enter cifar10 Enter
expect "Dataset +cifar10" 3 "cifar10 typed"
keys s
expect "Could not start" 10 "a failed start says so on the Train screen"
sleep 5
if body | grep -q "Could not start" && body | grep -q "cifar10: not found"; then ok; else
    bad "the reason (cifar10 not found) is not beside the form 5 s later"; body | sed 's/^/  | /'; fi
if cap | tail -1 | grep -q "last run #"; then bad "the status bar names a run: $(cap | tail -1)"; else ok; fi

# ---- a finished run, then Train larger than the data: the reason, and no older run named
APP_ARGS="--screen 2 --data-dir $T/small" start 80 24
keys Enter lstm Enter j j j Enter 1 Enter j j j Enter 64 Enter j Enter 16 Enter s
expect "Run #1 finished" 30 "a tiny lstm run"
# a finished run ran all its batches: "batch 0/2" read as nothing done (issue 10 item 11)
if body | grep -qE "batch +0/"; then bad "a finished run says batch 0: $(body | grep -oE 'batch +[0-9]+/[0-9]+')"; else ok; fi
keys k k k k k k k Enter cnn Enter j Enter fashion-mnist Enter j j j j j Enter 8000 Enter
expect "Train +8000" 3 "train typed"
keys s
expect "Could not start" 10 "Train larger than the data: the failure shown"
# the reason is wrapped in the form's column (where, depends on the data path's length): joined
form=$(body | cut -c1-37 | tr '\n' ' ' | tr -s ' ')
if grep -q "8000 training" <<<"$form" && grep -q "holds 100" <<<"$form"; then ok; else
    bad "the reason (8000 asked, 100 there) is not beside the form"; body | sed 's/^/  | /'; fi
if cap | tail -1 | grep -q "last run #1 failed"; then bad "the status bar names run 1 as failed: $(cap | tail -1)"; else ok; fi
if "$BIN" show --json 1 --db "$DB" | grep -q '"status": "finished"'; then ok; else bad "run 1 is not finished in the store"; fi

# ---- the form opens on the seed's CNN with a dataset that is found; changing Model keeps the
# fields the user set and never picks a dataset that is not found
APP_ARGS="--screen 2 --data-dir $T/small" start 80 24
expect "Model +cnn" 3 "the form opens on the CNN"
expect "Dataset +(cifar10|fashion-mnist)" 3 "on an image dataset"
if body | grep -q "not found"; then bad "the form opens on a dataset that is not found"; else ok; fi
keys j j Enter 8 Enter j Enter 2 Enter j j j Enter 64 Enter k k k k k k Enter lstm Enter
expect "Model +lstm" 3 "Model typed"
expect "Dataset +sines" 3 "the LSTM's dataset"
if body | grep -qE "Latent +8( |$)" && body | grep -qE "Epochs +2( |$)" && body | grep -qE "Train +64( |$)"; then
    ok; else bad "latent 8, epochs 2, train 64 not kept for the LSTM"; body | sed 's/^/  | /' | head -12; fi
keys Enter cnn Enter
expect "Model +cnn" 3 "back to the CNN"
if body | grep -qE "Latent +8( |$)" && body | grep -qE "Train +64( |$)"; then ok; else bad "latent and train not kept back on the CNN"; fi
if body | grep -q "not found"; then bad "a dataset that is not found was picked: $(body | grep Dataset)"; else ok; fi
# ---- the parent is the run retrained from, of the same model kind, with its own curves:
# run 1 (6 epochs) stored; run 2 trained here (1 epoch); run 1 loaded from Runs and retrained
# with 1 epoch: the grey curves are run 1's (the epoch axis reaches 6), not run 2's
DB=$T/parent.db
"$BIN" train --model lstm --latent 4 --train 64 --test 16 --epochs 6 --db "$DB" >/dev/null 2>&1 ||
    bad "the stored 6-epoch run"
APP_ARGS="--screen 2 --data-dir $T/small" start 140 45
keys Enter lstm Enter j j j Enter 1 Enter j j j Enter 64 Enter j Enter 16 Enter s
expect "Run #2 finished" 30 "run 2 trains"
# its PCA baseline, computed in the background as `aetui train` does: on Train, then in Runs
expect "PCA k=20: test MSE [0-9]" 30 "the PCA baseline of a run trained here"
keys 3
expect "of 2 runs" 5 "both runs listed"
row=$(cap | grep -E '^ +[* ]? +2 +lstm' | head -1)
if [ -n "$row" ] && ! echo "$row" | grep -q "n/a"; then ok; else bad "run 2's PCA baseline is not in the Runs table: '$row'"; fi
keys j Enter
expect "Run #1" 5 "run 1's page"
keys l
expect "run #1 loaded" 5 "run 1 loaded into the form"
keys k k k k Enter 1 Enter
expect "Epochs +1( |$)" 3 "epochs 1 typed"
expect "next run's parent: #1" 3 "run 1 is the next parent"
keys s
expect "Run #3 finished" 30 "run 3 trains"
expect "parent #1 \(grey curves\)" 3 "run 3 shows its parent"
# the loss chart's epoch axis: its last tick label is the largest epoch drawn
axis=$(body | grep -E "^ {37,}[0-9]+( +[0-9]+)* *$" | head -1 | awk '{print $NF}')
if [ "${axis:-0}" -ge 6 ]; then ok; else bad "the grey curves are not run 1's 6 epochs (epoch axis ends at '${axis:-}')"; body | sed 's/^/  | /'; fi
if "$BIN" show --json 3 --db "$DB" | grep -q '"parent": 1'; then ok; else bad "run 3's parent is not 1"; fi
# a CNN after the LSTM: no parent (an LSTM run is no CNN's parent)
keys k k k Enter cnn Enter
expect "Model +cnn" 3 "Model typed"
expect "next run: no parent" 3 "the LSTM run is not the CNN's parent"
keys s
expect "Run #4 (finished|training)" 40 "the CNN run trains"
p4=$("$BIN" show --json 4 --db "$DB" | grep -o '"parent": [0-9a-z]*' | head -1)
case "$p4" in '"parent": 3' | '"parent": 1') bad "the CNN run 4 got an LSTM parent ($p4)" ;; *) ok ;; esac
if body | grep -q "parent #"; then bad "the CNN run shows a parent"; else ok; fi
keys x

SHARED=${AETUI_SHARED_DATA:-}
if [ -f "$SHARED/cifar-10-batches-bin/test_batch.bin" ]; then
    APP_ARGS="--screen 2 --data-dir $SHARED" start 80 24
    expect "Dataset +cifar10" 3 "cifar10 first when it is found"
else
    echo "SKIP (part): no CIFAR-10 under \$AETUI_SHARED_DATA"
fi

echo "test_tui_train: $passes passed, $fails failed"
[ "$fails" = 0 ]
