#!/usr/bin/env bash
# test_import.sh: aetui import merges another store's runs into this one: rows (new ids, the
# parent mapped, host, tags, notes, epochs, baselines) and checkpoint files rewritten to name
# the target store, so that encode and train --resume load them there; a second import adds
# nothing; a sweep-like directory of shards imports every store in it; bad sources are refused
# with the target unchanged. lstm on the synthetic sines, so it needs no dataset.
set -u
. "$(dirname "$0")/cli_harness.sh"
cli_setup import
A=$T/a/aetui.db B=$T/b/aetui.db
mkdir -p "$T/a" "$T/b"
COMMON=(--model lstm --train 128 --test 32 --threads 1)

# source: run 1 (2 epochs), run 2 from run 1 (a child), a tag and a note
expect 0 "$BIN" train "${COMMON[@]}" --seed 5 --epochs 2 --db "$A"
expect 0 "$BIN" train --from 1 --epochs 1 --threads 1 --db "$A"
expect 0 "$BIN" tag 1 keep --db "$A"
expect 0 "$BIN" note 2 "imported note" --db "$A"
cp "$T/a/aetui.runs/1/last.safetensors" "$T/a1_before.safetensors"
# target: a run of its own first, so the imported runs get other ids (2 and 3)
expect 0 "$BIN" train "${COMMON[@]}" --seed 9 --epochs 1 --db "$B"

expect 0 "$BIN" import "$A" --db "$B"
has out "2 runs added, 0 already here"
expect 0 "$BIN" import "$A" --db "$B"
has out "0 runs added, 2 already here"
expect 0 "$BIN" runs --json --db "$B"
n=$(grep -o '"id":' "$T/out" | wc -l)
[ "$n" = 3 ] && ok || bad "target holds $n runs after two imports, expected 3"
has out "\"host\": \"$(hostname)\""

# the rows: A's run 2 is B's run 3, child of B's run 2, with its note; A's run 1 is B's 2
expect 0 "$BIN" show 3 --json --db "$B"
has out '"parent": 2,'
has out '"notes": "imported note"'
has out "\"host\": \"$(hostname)\""
expect 0 "$BIN" show 2 --db "$B"
has out "keep"
has out "checkpoint .*b/aetui.runs/2/last.safetensors"
expect 0 "$BIN" show 1 --json --db "$A"
uuid_a1=$(sed -n 's/.*"uuid": *"\([0-9a-f-]*\)".*/\1/p' "$T/out" | head -1)
expect 0 "$BIN" show 2 --json --db "$B"
has out "\"uuid\": \"$uuid_a1\""

# the files name the target store now, the source's files are untouched
store_b=$(sqlite3 "$B" "SELECT value FROM meta WHERE key = 'store_uuid'")
for f in last.safetensors best.safetensors last.state; do
    if [ -s "$T/b/aetui.runs/2/$f" ] && grep -q "$store_b" "$T/b/aetui.runs/2/$f"; then ok; else
        bad "b/aetui.runs/2/$f missing or not naming store $store_b"
    fi
done
cmp -s "$T/a1_before.safetensors" "$T/a/aetui.runs/1/last.safetensors" && ok ||
    bad "the source's checkpoint was changed"

# the imported checkpoints load: encode gives the source's latents, resume trains on
expect 0 "$BIN" export 1 --data test --out "$T/x.npy" --db "$A"
expect 0 "$BIN" encode 1 --input "$T/x.npy" --out "$T/za.npy" --db "$A"
expect 0 "$BIN" encode 2 --input "$T/x.npy" --out "$T/zb.npy" --db "$B"
cmp -s "$T/za.npy" "$T/zb.npy" && ok || bad "encode of the imported run differs from the source's"
expect 0 "$BIN" reconstruct 3 --input "$T/x.npy" --out "$T/y.npy" --weights best --db "$B"
expect 0 "$BIN" train --resume 2 --epochs 3 --json --db "$B"
has out '"epoch":3,'
has out '"run":2,'

# a sweep's directory: every store in DIR/shards (with its runs folder) into a fresh store
mkdir -p "$T/sweep/shards"
cp "$A" "$T/sweep/shards/task-0.db"
cp -r "$T/a/aetui.runs" "$T/sweep/shards/task-0.runs"
expect 0 "$BIN" import "$T/sweep" --db "$T/c.db"
has out "task-0.db: 2 runs added"
expect 0 "$BIN" encode 1 --input "$T/x.npy" --out "$T/zc.npy" --db "$T/c.db"
cmp -s "$T/za.npy" "$T/zc.npy" && ok || bad "encode after a directory import differs"

# bad sources: nothing changed
before=$(sqlite3 "$B" "SELECT count(*) FROM runs")
expect 2 "$BIN" import "$T/missing.db" --db "$B"
has err "missing.db"
echo "not a store" >"$T/junk.db"
expect 2 "$BIN" import "$T/junk.db" --db "$B"
has err "not a SQLite database"
expect 2 "$BIN" import "$B" --db "$B"
has err "target store itself"
mkdir -p "$T/empty"
expect 2 "$BIN" import "$T/empty" --db "$B"
has err "no run store"
expect 2 "$BIN" import --db "$B"
after=$(sqlite3 "$B" "SELECT count(*) FROM runs")
[ "$before" = "$after" ] && ok || bad "bad imports changed the store: $before -> $after runs"
finish
