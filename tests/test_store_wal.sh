#!/usr/bin/env bash
# test_store_wal.sh: the store's WAL and SHM files deleted while a run trains (issue 11 item 4:
# a second run then took id 1 and runs/1 too, and disappeared when the first trainer closed).
# Now: the second run gets an id and a folder of its own and stays in the store; the first
# trainer notices at its next write that its WAL is gone, says that its run's records were
# lost, stops (exit status 1) without writing stale pages into the store, and keeps its files.
set -u
BIN=${AETUI_BIN:?AETUI_BIN not set}
HELPER=$(dirname "$BIN")/tests/test_store
T=${AETUI_TEST_TMP:-/tmp}/store_wal.$$
rm -rf "$T" && mkdir -p "$T" || exit 1
A_PID=
trap '[ -n "$A_PID" ] && kill "$A_PID" 2>/dev/null; rm -rf "$T"' EXIT
unset AETUI_DB
. "$(dirname "$0")/testlib.sh"
DB=$T/a.db
TINY=(--model lstm --train 32 --test 8 --threads 1 --no-baseline)

# the first trainer: many short epochs
"$BIN" train "${TINY[@]}" --epochs 100000 --json --db "$DB" >"$T/a.out" 2>"$T/a.err" </dev/null &
A_PID=$!
for _ in $(seq 1 600); do [ -s "$T/a.runs/1/last.state" ] && break; sleep 0.05; done
[ -s "$T/a.runs/1/last.state" ] && ok || bad "the first run wrote no state: $(cat "$T/a.err")"
cp "$T/a.runs/1/last.state" "$T/a.state"

rm -f "$DB-wal" "$DB-shm"
expect 0 "$BIN" train "${TINY[@]}" --epochs 1 --json --db "$DB"
B=$(sed -n 's/.*"summary".*"run":\([0-9]*\),.*/\1/p' "$T/out")
[ -n "$B" ] && [ "$B" != 1 ] && ok || bad "the second run took id '${B}' (the first run has 1)"
[ -s "$T/a.runs/$B/last.state" ] && ok || bad "the second run has no folder of its own: $(ls "$T/a.runs")"

# the first trainer stops by itself at its next epoch
for _ in $(seq 1 400); do kill -0 "$A_PID" 2>/dev/null || break; sleep 0.05; done
if kill -0 "$A_PID" 2>/dev/null; then
    bad "the first trainer went on writing into its deleted WAL"
    kill "$A_PID"
fi
wait "$A_PID"
rc=$?
A_PID=
[ "$rc" = 1 ] && ok || bad "the first trainer exited $rc: $(tail -3 "$T/a.err")"
grep -q "WAL" "$T/a.err" && ok || bad "the first trainer does not say what happened: $(tail -3 "$T/a.err")"

# the second run is still there, whole; the store is sound; the first run's files are kept
expect 0 "$BIN" show "$B" --json --db "$DB"
has out '"status": "finished"'
expect 0 "$BIN" runs --db "$DB"
has out "^ *$B "
expect 0 "$HELPER" --check "$DB"
has out "^ok$"
[ -s "$T/a.runs/1/last.state" ] && ok || bad "the first run's files are gone"
# the next run takes neither id
expect 0 "$BIN" train "${TINY[@]}" --epochs 1 --json --db "$DB"
C=$(sed -n 's/.*"summary".*"run":\([0-9]*\),.*/\1/p' "$T/out")
[ -n "$C" ] && [ "$C" -gt "$B" ] && ok || bad "the third run took id '$C'"
finish
