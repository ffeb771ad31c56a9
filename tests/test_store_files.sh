#!/usr/bin/env bash
# test_store_files.sh: the files of a store's runs (issue 11): two stores side by side keep
# their checkpoints apart (each its own STEM.runs/, claimed), rm of one store's run leaves the
# other's files, and --resume continues from the store's own state.
# lstm preset on tiny synthetic data, so it needs no dataset.
set -u
BIN=${AETUI_BIN:?AETUI_BIN not set}
T=${AETUI_TEST_TMP:-/tmp}/store_files.$$
rm -rf "$T" && mkdir -p "$T/s" || exit 1
trap 'chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT
unset AETUI_DB
TINY=(--model lstm --train 32 --test 8 --threads 1 --no-baseline)

. "$(dirname "$0")/testlib.sh"
field() { sed -n "s/.*\"$2\": *\([^,}]*\).*/\1/p" "$1" | head -1; }

# ---- two stores in one folder --------------------------------------------------------------
A=$T/s/a.db B=$T/s/b.db
expect 0 "$BIN" train "${TINY[@]}" --epochs 1 --seed 1 --db "$A"
expect 0 "$BIN" train "${TINY[@]}" --epochs 1 --seed 2 --db "$B"
for s in a b; do
    if [ -s "$T/s/$s.runs/1/last.state" ]; then ok; else bad "$s.db's run 1 is not in $s.runs/1"; fi
done
[ ! -e "$T/s/runs" ] && ok || bad "a shared runs/ directory was made"
if cmp -s "$T/s/a.runs/1/last.safetensors" "$T/s/b.runs/1/last.safetensors"; then
    bad "the two stores' run 1 share their weights"
else ok; fi
expect 0 "$BIN" show 1 --db "$B"
has out "files *$T/s/b.runs/1"
expect 0 "$BIN" rm 1 --yes --db "$B"
[ -s "$T/s/a.runs/1/last.safetensors" ] && ok || bad "rm 1 --db b.db deleted a.db's files"
[ ! -e "$T/s/b.runs/1" ] && ok || bad "rm 1 --db b.db left b's files"
expect 0 "$BIN" train --resume 1 --epochs 2 --json --db "$A"
has out '"epoch":2,'
# ids are not given twice: b's next run is 2, not 1 again
expect 0 "$BIN" train "${TINY[@]}" --epochs 1 --json --db "$B"
has out '"run":2,'

finish
