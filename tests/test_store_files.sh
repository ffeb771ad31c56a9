#!/usr/bin/env bash
# test_store_files.sh: the files of a store's runs (issue 11): two stores side by side keep
# their checkpoints apart (each its own STEM.runs/, claimed), rm of one store's run leaves the
# other's files, and --resume continues from the store's own state; a checkpoint or state of
# another store or run is refused naming both; the summary holds what the store's epochs say
# (time adds up over resumes, in the store and in train's own summary; a resume that fails on
# a full disk, or is killed before its first epoch, changes nothing else; a run that diverges
# before its first epoch reports no numbers).
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

# ---- files of another store or run are refused ------------------------------------------
suuid() { "$BIN" show "$2" --json --db "$1" | sed -n 's/.*"store_uuid": *"\([^"]*\)".*/\1/p' | head -1; }
SA=$(suuid "$A" 1) SB=$(suuid "$B" 2)
[ -n "$SA" ] && [ -n "$SB" ] && [ "$SA" != "$SB" ] && ok || bad "store UUIDs '$SA' '$SB'"
cp "$T/s/a.runs/1/last.state" "$T/keep.state"
cp "$T/s/b.runs/2/last.state" "$T/s/a.runs/1/last.state"
expect 2 "$BIN" train --resume 1 --epochs 3 --db "$A"
has err "mixed up"
has err "$SA"
has err "$SB"
cp "$T/keep.state" "$T/s/a.runs/1/last.state"
expect 0 "$BIN" export 1 --data test --out "$T/x.npy" --db "$A"
cp "$T/s/a.runs/1/last.safetensors" "$T/keep.st"
cp "$T/s/b.runs/2/last.safetensors" "$T/s/a.runs/1/last.safetensors"
expect 2 "$BIN" encode 1 --input "$T/x.npy" --out "$T/z.npy" --db "$A"
has err "mixed up"
expect 2 "$BIN" export 1 --recon "$T/r.png" --db "$A"
has err "mixed up"
cp "$T/keep.st" "$T/s/a.runs/1/last.safetensors"
expect 0 "$BIN" encode 1 --input "$T/x.npy" --out "$T/z.npy" --db "$A"
# a copy of a store is the same store: its runs' files (found where the original wrote them)
cp "$A" "$T/s/copy.db"
expect 0 "$BIN" encode 1 --input "$T/x.npy" --out "$T/z2.npy" --db "$T/s/copy.db"

# ---- non-finite weights are refused, naming the file and the tensor ---------------------
hl=$(od -An -t u8 -N8 "$T/s/a.runs/1/last.safetensors" | tr -d ' ')
printf '\000\000\300\177' | dd of="$T/s/a.runs/1/last.safetensors" bs=1 seek=$((8 + hl)) conv=notrunc 2>/dev/null
expect 2 "$BIN" encode 1 --input "$T/x.npy" --out "$T/z3.npy" --db "$A"
has err "last.safetensors: tensor '.*' holds NaN"
hasnt err "last.safetensors: .*last.safetensors:" # the file named once
[ "$(wc -l <"$T/err")" = 1 ] && ok || bad "more than one line: $(cat "$T/err")"
[ ! -e "$T/z3.npy" ] && ok || bad "encode wrote an output from NaN weights"
expect 2 "$BIN" reconstruct 1 --input "$T/x.npy" --out "$T/z3.npy" --db "$A"
has err "holds NaN"
cp "$T/keep.st" "$T/s/a.runs/1/last.safetensors"

# ---- the summary is what the store's epochs say ----------------------------------------
# sum_seconds DB RUN: the epochs' seconds added up; summary DB RUN KEY: the summary's value
sum_seconds() { "$BIN" export "$2" --csv - --db "$1" | awk -F, 'NR > 1 { s += $6 } END { printf "%.6f", s }'; }
summary() { "$BIN" show "$2" --json --db "$1" | grep '"summary"' | sed -n "s/.*\"$3\": *\([^,}]*\).*/\1/p"; }
last_loss() { "$BIN" export "$2" --csv - --db "$1" | awk -F, 'END { print $4 }'; }
near() { awk -v x="$1" -v y="$2" 'BEGIN { d = x - y; if (d < 0) d = -d; exit !(x != "" && d <= 1e-6 + 1e-4 * (y < 0 ? -y : y)) }'; }
C=$T/s/c.db
expect 0 "$BIN" train "${TINY[@]}" --epochs 2 --db "$C"
first=$(sum_seconds "$C" 1)
expect 0 "$BIN" train --resume 1 --epochs 4 --json --db "$C"
total=$(sum_seconds "$C" 1) shown=$(summary "$C" 1 seconds)
if near "$shown" "$total"; then ok; else bad "training time $shown s, the epochs took $total s"; fi
if awk -v a="$shown" -v b="$total" -v f="$first" 'BEGIN { exit !(a > b - f / 2) }'; then ok; else
    bad "training time $shown s covers only the resumed part (epochs: $total s, first part $first s)"
fi
# the resume's own summary (JSON and its last line) is the store's: both parts
said=$(grep '"summary"' "$T/out" | sed -n 's/.*"train_seconds":\([^,}]*\).*/\1/p')
if near "$said" "$total"; then ok; else
    bad "train --resume reports $said s, the store's epochs took $total s (first part $first s)"
fi
has err "finished after 4 epochs: .*, $(printf '%.1f' "$total") s, "
# a resume killed before it records an epoch (here: a run stopped inside epoch 2 of 2, so the
# resume redoes epoch 2 from its middle) keeps the partial epoch and its time
P=$T/s/p.db
"$BIN" train --model lstm --train 1920 --test 8 --threads 1 --no-baseline --epochs 2 --json \
    --db "$P" >"$T/p.out" 2>"$T/p.err" &
pid=$!
for _ in $(seq 1 300); do grep -q '"epoch":1,' "$T/p.out" 2>/dev/null && break; sleep 0.05; done
sleep 0.3 # into epoch 2 (60 batches of 0.03 to 0.3 s)
kill -INT $pid
wait $pid
has p.out '"status":"stopped"'
rows() { "$BIN" export 1 --csv - --db "$1" | tail -n +2 | cut -d, -f1,6,9 | tr '\n' ' '; }
was=$(rows "$P") before=$(summary "$P" 1 seconds)
case "$was" in "1,"*" 2,"*) ok ;; *) bad "the stopped run holds epochs: $was" ;; esac
# the kill: at the resume's first mkdir of its runs folder (made once the store took the run
# up again), long before the redone epoch is recorded
if strace -qq -o /dev/null -e trace=none true 2>/dev/null; then
    strace -qq -o /dev/null -P "$T/s/p.runs" -e inject=mkdir:signal=SIGKILL:when=1 \
        "$BIN" train --resume 1 --db "$P" >"$T/out" 2>"$T/err" </dev/null
    [ $? = 137 ] && ok || bad "the resume was not killed: $(cat "$T/err")"
    now=$(rows "$P") after=$(summary "$P" 1 seconds)
    [ "$now" = "$was" ] && ok || bad "a resume killed before its first epoch changed the epochs: $was -> $now"
    near "$after" "$before" && ok || bad "a killed resume changed the training time: $before -> $after s"
else
    echo "SKIP: the killed resume (strace cannot trace here)"
fi
expect 0 "$BIN" train --resume 1 --json --db "$P"
now=$(rows "$P")
case "$now" in "1,"*",60 2,"*",60 ") ok ;; *) bad "after the resume: $now" ;; esac
# a resume that fails writing its checkpoint (a full disk: ulimit -f) changes no number of
# the summary but through epochs the store holds
before=$(summary "$C" 1 seconds)
(
    trap '' XFSZ
    ulimit -f 200
    exec "$BIN" train --resume 1 --epochs 6 --db "$C"
) >"$T/out" 2>"$T/err" </dev/null
[ $? = 1 ] && ok || bad "a resume on a full disk: $(cat "$T/err")"
has err "File too large"
expect 0 "$BIN" show 1 --json --db "$C"
has out '"status": "failed"'
total=$(sum_seconds "$C" 1) shown=$(summary "$C" 1 seconds)
if near "$shown" "$total" && awk -v a="$shown" -v b="$before" 'BEGIN { exit !(a >= b) }'; then ok; else
    bad "after a failed resume: training time $shown s, the epochs took $total s, before $before s"
fi
mse=$(summary "$C" 1 test_mse) last=$(last_loss "$C" 1)
if near "$mse" "$last"; then ok; else bad "summary test MSE $mse, last recorded epoch's $last"; fi
epochs=$(summary "$C" 1 epochs) rows=$("$BIN" export 1 --csv - --db "$C" | tail -n +2 | wc -l)
[ "$epochs" = "$rows" ] && ok || bad "summary says $epochs epochs, the store holds $rows"

# a run that diverges before its first epoch is recorded reports no test MSE, best epoch or
# time (it printed "test MSE 0.000000 ... (best epoch 0)"); its store holds no summary
DV=$T/s/dv.db
expect 1 "$BIN" train "${TINY[@]}" --train 64 --batch 8 --lr 1e6 --epochs 2 --json --db "$DV"
has err "diverged before an epoch was recorded"
if grep -q "MSE\|best epoch" "$T/err"; then bad "numbers of no epoch: $(cat "$T/err")"; else ok; fi
has out '"test_mse":null,"test_mae":null,"best_epoch":null,"best_test_loss":null,"train_seconds":null'
expect 0 "$BIN" show 1 --db "$DV"
has out "no epoch completed"
expect 1 "$BIN" train "${TINY[@]}" --train 64 --batch 8 --lr 1e6 --epochs 2 --no-record
has err "diverged before an epoch was completed"

# ---- the data a run saw: checked by show, --resume and export --data ---------------------
# a tiny MNIST (plain IDX files) that can be changed
M=$T/mnist
mkdir -p "$M"
be32() { printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255)))"; }
idx() { # FILE TYPE N [ROWS COLS]: an IDX file of N uint8 items (images of ROWS x COLS)
    local items=$3
    {
        be32 $((0x800 + $2))
        be32 "$3"
        if [ $# = 5 ]; then be32 "$4"; be32 "$5"; items=$(($3 * $4 * $5)); fi
        LC_ALL=C awk -v n="$items" -v labels=$(($# == 3)) 'BEGIN { for (i = 0; i < n; i++)
            printf "%c", labels ? 1 + i % 9 : 1 + (i * 37 + int(i / 61)) % 250 }'
    } >"$1"
}
idx "$M/train-images-idx3-ubyte" 3 40 28 28
idx "$M/train-labels-idx1-ubyte" 1 40
idx "$M/t10k-images-idx3-ubyte" 3 10 28 28
idx "$M/t10k-labels-idx1-ubyte" 1 10
MD=$T/s/m.db
expect 0 "$BIN" train --model cnn --dataset mnist --data-dir "$M" --train 32 --test 8 --latent 4 \
    --epochs 1 --threads 1 --no-baseline --db "$MD"
expect 0 "$BIN" show 1 --db "$MD"
has out "data now *the same"
hasnt out "warning"
printf 'Z' | dd of="$M/train-images-idx3-ubyte" bs=1 seek=500 conv=notrunc 2>/dev/null
expect 0 "$BIN" show 1 --db "$MD"
has out "warning *the training data changed"
has out "data now *CHANGED"
expect 0 "$BIN" show 1 --json --db "$MD"
has out '"data_check": {"state": "changed"'
expect 2 "$BIN" train --resume 1 --epochs 2 --db "$MD"
has err "training data changed.*--force"
expect 2 "$BIN" export 1 --data test --out "$T/m.npy" --db "$MD"
has err "training data changed.*--force"
[ ! -e "$T/m.npy" ] && ok || bad "export --data wrote changed data"
expect 0 "$BIN" export 1 --data test --out "$T/m.npy" --force --db "$MD"
expect 0 "$BIN" train --resume 1 --epochs 2 --force --json --db "$MD"
has out '"epoch":2,'
expect 2 "$BIN" train "${TINY[@]}" --force --db "$MD"
has err "goes with --resume"
expect 2 "$BIN" export 1 --csv - --force --db "$MD"
has err "goes with --data"
rm -rf "$M"
expect 0 "$BIN" show 1 --db "$MD"
has out "data now *not checked:"

# ---- a store in a folder this user cannot write is read ------------------------------------
# (root writes anywhere: the commands run as nobody then, when setpriv is there)
AS=()
if [ "$(id -u)" = 0 ]; then
    if command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$T"; then
        AS=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    else
        AS=(skip)
    fi
fi
if [ "${AS[0]:-}" != skip ]; then
    RO=$T/ro
    mkdir -p "$RO" && chmod 755 "$RO"
    expect 0 "$BIN" train "${TINY[@]}" --epochs 1 --db "$RO/a.db"
    "$(dirname "$BIN")/tests/test_store" --v3 "$RO/old.db" >/dev/null
    chmod -R a+rX "$RO" && chmod 444 "$RO/a.db" "$RO/old.db" && chmod 555 "$RO"
    cp "$RO/old.db" "$T/old.copy"
    expect 0 "${AS[@]}" "$BIN" runs --db "$RO/a.db"
    has out "lstm"
    expect 0 "${AS[@]}" "$BIN" show 1 --db "$RO/a.db"
    expect 0 "${AS[@]}" "$BIN" export 1 --csv - --db "$RO/a.db"
    has out "^1,"
    expect 2 "${AS[@]}" "$BIN" note 1 hello --db "$RO/a.db"
    has err "read-only"
    # an older schema is read through a migrated copy in memory; the file stays as it is
    expect 0 "${AS[@]}" "$BIN" runs --db "$RO/old.db"
    has out "^ *5 "
    has err "schema version 3"
    cmp -s "$RO/old.db" "$T/old.copy" && ok || bad "reading changed the old store"
    chmod 755 "$RO"
else
    skipped "the read-only folder: running as root without setpriv"
fi

finish
