#!/usr/bin/env bash
# test_crash_epoch.sh: kill -9 at every durable write of a training run, then check that the
# store and the checkpoints agree and that --resume ends as the uninterrupted run does
# (issue 11: a kill between the rename of last.state and the commit of the epoch row lost the
# epoch for good).
#
# The kill points: strace injects SIGKILL at the k-th rename, fsync and fdatasync of the
# process, for every k the run makes (counted first on an undisturbed run). Those are the
# boundaries between the steps of an epoch: the store's commit (SQLite's WAL, atomic by
# itself), then each checkpoint file (temporary file, fsync, rename, folder fsync). A kill
# inside a step is the same, for what is published, as a kill at its start.
#
# After each kill: the store opens (the run is marked interrupted), its epochs are 1..E with
# no gap, the state file (if any) is at epoch S with S <= E <= S + 1 (the store is never
# behind the state), no temporary file survives the next opening, and --resume finishes with
# the uninterrupted run's test MSE (same seed and threads), every epoch recorded once and
# best.safetensors being the summary's best epoch. A kill before the first state file leaves
# a run that cannot be resumed: the message says so.
set -u
BIN=${AETUI_BIN:?AETUI_BIN not set}
command -v strace >/dev/null || { echo "SKIP: strace is not installed (bootstrap --test-deps)"; exit 77; }
T=${AETUI_TEST_TMP:-/tmp}/crash_epoch.$$
rm -rf "$T" && mkdir -p "$T" || exit 1
trap 'rm -rf "$T"' EXIT
unset AETUI_DB
. "$(dirname "$0")/testlib.sh"
EPOCHS=2
RUN=(--model lstm --train 32 --test 8 --batch 32 --threads 1 --seed 7 --no-baseline --epochs "$EPOCHS")
SYSCALLS="rename fsync fdatasync"
if ! strace -qq -o /dev/null -e trace=none true 2>/dev/null; then
    echo "SKIP: strace cannot trace here (ptrace not permitted)"
    exit 77
fi

# the uninterrupted run, and how many of each call it makes
mkdir "$T/ref"
strace -qq -o "$T/ref/trace" -e trace=$(echo $SYSCALLS | tr ' ' ,) \
    "$BIN" train "${RUN[@]}" --json --db "$T/ref/a.db" >"$T/ref/out" 2>"$T/ref/err" </dev/null ||
    { bad "the uninterrupted run failed: $(cat "$T/ref/err")"; finish; exit 1; }
want=$(sed -n 's/.*"summary".*"test_mse":\([^,]*\).*/\1/p' "$T/ref/out")
[ -n "$want" ] && ok || bad "no test MSE from the uninterrupted run"
declare -A count
for sc in $SYSCALLS; do
    count[$sc]=$(grep -c "^$sc(" "$T/ref/trace")
    [ "${count[$sc]}" -gt 0 ] && ok || bad "the run makes no $sc call"
done
echo "kill points: rename ${count[rename]}, fsync ${count[fsync]}, fdatasync ${count[fdatasync]}"

# look DB: `aetui show 1 --json` into $D/show (opening the store marks the run interrupted and
# removes temporary files); status, epochs (the epoch numbers held, space-separated) and best
# from it.
look() {
    "$BIN" show 1 --json --db "$1" >"$D/show" 2>&1
    status=$(sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p' "$D/show" | head -1)
    epochs=$(sed -n 's/^ *{"epoch": *\([0-9]*\).*/\1/p' "$D/show" | tr '\n' ' ')
    best=$(grep '"summary"' "$D/show" | sed -n 's/.*"best_epoch": *\([0-9]*\).*/\1/p')
}
# u32 FILE OFFSET: a little-endian 32-bit integer of a file
u32() { od -An -t u4 -j "$2" -N 4 "$1" | tr -d ' '; }
near() { awk -v x="$1" -v y="$2" 'BEGIN { d = x - y; if (d < 0) d = -d; m = y < 0 ? -y : y; exit !(x != "" && d <= 1e-6 * (m > 1 ? m : 1)) }'; }
all=$(seq -s ' ' 1 "$EPOCHS")" "

kills=0 resumed=0
for sc in $SYSCALLS; do
    for k in $(seq 1 "${count[$sc]}"); do
        D=$T/$sc.$k
        mkdir "$D"
        at="$sc #$k"
        strace -qq -o /dev/null -e inject="$sc":signal=SIGKILL:when="$k" \
            "$BIN" train "${RUN[@]}" --db "$D/a.db" >"$D/out" 2>"$D/err" </dev/null
        rc=$?
        if [ "$rc" != 137 ]; then
            bad "$at: the run was not killed (exit $rc)"
            continue
        fi
        kills=$((kills + 1))
        [ -e "$D/a.db" ] || { ok; continue; } # killed before the store was made
        look "$D/a.db"
        if grep -q "no such run" "$D/show"; then ok; continue; fi # killed before the run began
        [ -n "$status" ] || { bad "$at: the store does not open: $(head -c 300 "$D/show")"; continue; }
        E=$(echo "$epochs" | wc -w)
        if [ "$E" = 0 ] || [ "$epochs" = "$(seq -s ' ' 1 "$E") " ]; then ok; else
            bad "$at: epochs with a gap: $epochs"
        fi
        if [ "$status" = interrupted ] || { [ "$status" = finished ] && [ "$epochs" = "$all" ]; }; then
            ok
        else
            bad "$at: run 1 is $status with epochs $epochs"
        fi
        R=$D/a.runs/1
        if ls "$R" 2>/dev/null | grep -q '\.tmp-'; then bad "$at: temporary files survive opening: $(ls "$R")"; else ok; fi
        if [ ! -s "$R/last.state" ]; then
            [ "$E" -le 1 ] && ok || bad "$at: $E epochs recorded and no state file"
            expect 2 "$BIN" train --resume 1 --db "$D/a.db"
            has err "has no last"
            continue
        fi
        S=$(u32 "$R/last.state" 56) batch=$(u32 "$R/last.state" 60) nb=$(u32 "$R/last.state" 64)
        [ "$batch" = "$nb" ] && ok || bad "$at: the state is inside epoch $S ($batch of $nb batches)"
        if [ "$E" -ge "$S" ] && [ "$E" -le $((S + 1)) ]; then ok; else
            bad "$at: the store holds $E epochs, the state is at epoch $S: they disagree"
        fi
        if [ "$S" -ge "$EPOCHS" ]; then # every epoch's files were written: nothing to resume
            expect 2 "$BIN" train --resume 1 --db "$D/a.db"
            has err "already"
        else
            expect 0 "$BIN" train --resume 1 --json --db "$D/a.db"
            resumed=$((resumed + 1))
            got=$(sed -n 's/.*"summary".*"test_mse":\([^,]*\).*/\1/p' "$T/out")
            near "$got" "$want" && ok || bad "$at: resumed test MSE $got, uninterrupted $want"
            look "$D/a.db"
        fi
        [ "$epochs" = "$all" ] && ok || bad "$at: after the resume the store holds epochs $epochs"
        hl=$(od -An -t u8 -N8 "$R/best.safetensors" | tr -d ' ')
        bepoch=$(head -c $((8 + hl)) "$R/best.safetensors" | tail -c "$hl" | sed -n 's/.*"epoch":"\([0-9]*\)".*/\1/p')
        [ -n "$best" ] && [ "$best" = "$bepoch" ] && ok ||
            bad "$at: the summary's best epoch is $best, best.safetensors holds epoch $bepoch"
    done
done 2>>"$T/shell.log" # the shell's "Killed" notes
echo "$kills kills, $resumed resumed"
[ "$resumed" -gt 0 ] && ok || bad "no kill point left a run to resume"
finish
