#!/usr/bin/env bash
# test_store_live.sh: the run store under a real `aetui train`:
#  1. kill -9 during training leaves a file that passes PRAGMA integrity_check, keeps every
#     epoch completed before the kill, and the run reads 'interrupted' on the next open;
#  2. one process trains while another reads in a loop for 30 s: no "database is locked",
#     every read succeeds;
#  3. a learning rate that blows the loss up to NaN (the CNN at --lr 1e6) ends the run
#     'diverged' with a message, and no NaN or infinity is stored.
# Skips (77) while `aetui train` does not exist or does not take --db.
set -u
BIN=${AETUI_BIN:?AETUI_BIN not set}
HELPER=$(dirname "$BIN")/tests/test_store
if ! "$BIN" train --help 2>/dev/null | grep -q -- '--db'; then
    echo "SKIP: aetui train does not take --db yet (the recorder is not wired in)"
    exit 77
fi
[ -x "$HELPER" ] || { echo "SKIP: $HELPER not built"; exit 77; }
T=${AETUI_TEST_TMP:-/tmp}/store_live.$$
rm -rf "$T" && mkdir -p "$T" || exit 1
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
unset AETUI_DB
fails=0 passes=0
ok() { passes=$((passes + 1)); }
bad() { fails=$((fails + 1)); echo "FAIL: $*"; }
skips=0
TRAIN=(train --model lstm --train 256 --test 64 --epochs 200 --threads 1)

# epochs recorded for a run (from `aetui runs --json`), -1 when unknown
epochs_of() {
    "$BIN" runs --db "$1" --json 2>/dev/null |
        sed -n "s/.*\"id\": $2,.*\"epochs\": \([0-9]*\),.*/\1/p" | head -1
}

# ---- 1. kill -9 ----------------------------------------------------------------------------
DB=$T/kill.db
"$BIN" "${TRAIN[@]}" --db "$DB" >"$T/kill.out" 2>"$T/kill.err" &
tp=$!
pids+=($tp)
seen=0
for _ in $(seq 600); do # up to 60 s for two epochs
    seen=$(epochs_of "$DB" 1)
    [ -n "$seen" ] && [ "$seen" -ge 2 ] && break
    kill -0 $tp 2>/dev/null || break
    sleep 0.1
done
if [ -n "$seen" ] && [ "$seen" -ge 2 ] && kill -0 $tp 2>/dev/null; then
    ok
    kill -9 $tp
    wait $tp 2>/dev/null
    if "$HELPER" --check "$DB" >"$T/check.out"; then ok; else bad "integrity_check after kill -9: $(cat "$T/check.out")"; fi
    "$BIN" show 1 --json --db "$DB" >"$T/show.json" 2>"$T/show.err" && ok || bad "show after kill: $(cat "$T/show.err")"
    grep -q '"status": "interrupted"' "$T/show.json" && ok || bad "status after kill -9: $(head -c 300 "$T/show.json")"
    after=$(epochs_of "$DB" 1)
    [ -n "$after" ] && [ "$after" -ge "$seen" ] && ok || bad "epochs after kill: $after < $seen seen before"
    rows=$(grep -c '"epoch": ' "$T/show.json")
    [ "$rows" = "$after" ] && ok || bad "epoch rows $rows vs summary $after"
else
    bad "training did not reach 2 recorded epochs: $(tail -c 300 "$T/kill.err")"
    kill -9 $tp 2>/dev/null
fi

# ---- 2. a writer and a reader at once, 30 s ------------------------------------------------
DB=$T/conc.db
"$BIN" "${TRAIN[@]}" --db "$DB" >"$T/w.out" 2>"$T/w.err" &
wp=$!
pids+=($wp)
for _ in $(seq 300); do # until the run is recorded (data loaded, model built)
    "$BIN" show 1 --db "$DB" >/dev/null 2>&1 && break
    sleep 0.1
done
# at least 30 s of reads, and on until 31 have been made (a loaded machine, a sanitizer
# build: the point is concurrency, not speed), at most 180 s
start_s=$SECONDS
reads=0 readfail=0
while [ $((SECONDS - start_s)) -lt 30 ] || { [ $reads -le 30 ] && [ $((SECONDS - start_s)) -lt 180 ]; }; do
    if ! kill -0 $wp 2>/dev/null; then # finished early: keep a writer going
        wait $wp
        "$BIN" "${TRAIN[@]}" --db "$DB" >>"$T/w.out" 2>>"$T/w.err" &
        wp=$!
        pids+=($wp)
    fi
    for cmd in "runs" "runs --json --sort -best" "show 1 --json"; do
        if "$BIN" $cmd --db "$DB" >"$T/r.out" 2>"$T/r.err"; then
            reads=$((reads + 1))
        else
            readfail=$((readfail + 1))
            echo "read '$cmd' failed: $(cat "$T/r.err")"
        fi
        if grep -qi "locked\|busy" "$T/r.err"; then bad "reader saw: $(cat "$T/r.err")"; fi
    done
done
kill -INT $wp 2>/dev/null
wait $wp
grep -qi "locked\|busy" "$T/w.err" && bad "writer saw: $(grep -i 'locked\|busy' "$T/w.err" | head -3)" || ok
[ "$readfail" = 0 ] && ok || bad "$readfail of $((reads + readfail)) reads failed"
[ "$reads" -gt 30 ] && ok || bad "only $reads reads in $((SECONDS - start_s)) s"
echo "concurrency: $reads reads in $((SECONDS - start_s)) s while training"
"$HELPER" --check "$DB" >/dev/null && ok || bad "integrity_check after the concurrency run"
n=$(epochs_of "$DB" 1)
[ -n "$n" ] && [ "$n" -ge 1 ] && ok || bad "the writer recorded no epoch"

# ---- 3. divergence -------------------------------------------------------------------------
# The LSTM's losses stay finite (huge, ~1e13) at --lr 1e6: tanh bounds it and Adam bounds the
# steps. The CNN's ReLUs let the same rate overflow to NaN within an epoch, so it is the
# model for this test; it needs image data (the part is skipped without).
DB=$T/div.db
"$BIN" train --model cnn --train 256 --test 64 --epochs 3 --threads 1 --lr 1e6 --db "$DB" \
    >"$T/d.out" 2>"$T/d.err"
drc=$?
if [ $drc = 2 ] && ! "$BIN" show 1 --db "$DB" >/dev/null 2>&1; then # never started
    skips=$((skips + 1))
    echo "SKIP part 3 (divergence): no image data for the CNN: $(tail -1 "$T/d.err")"
else
    "$BIN" show 1 --json --db "$DB" >"$T/d.json" 2>"$T/d.show.err" && ok || bad "show diverged run: $(cat "$T/d.show.err")"
    grep -q '"status": "diverged"' "$T/d.json" && ok || bad "--lr 1e6 did not end 'diverged': $(head -c 200 "$T/d.json")"
    grep -q '"status": "diverged", "message": ""' "$T/d.json" && bad "a diverged run without a message" || ok
    # numbers, not the message: NaN would print as nan/inf or (bound as NULL) as null
    grep -qiE '": -?(nan|inf)' "$T/d.json" && bad "NaN/Inf printed: $(grep -oiE '.{30}": -?(nan|inf)' "$T/d.json" | head -2)" || ok
    grep '^  {"epoch": ' "$T/d.json" | grep -q 'null' && bad "an epoch with a missing metric: $(grep '^  {"epoch": ' "$T/d.json" | grep null | head -1)" || ok
    "$BIN" export 1 --csv - --db "$DB" | grep -qiE '(^|,)-?(nan|inf)|,,' && bad "NaN/Inf in the CSV" || ok
fi

echo "$passes passed, $fails failed, $skips parts skipped"
[ "$fails" = 0 ] || exit 1
[ "$skips" = 0 ] || exit 77 # ctest: "Skipped", not a silent pass
