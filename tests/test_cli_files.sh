#!/usr/bin/env bash
# test_cli_files.sh: special files at every path a command writes or reads (issue 11 items 3
# and 6). Every command that writes a file (export --csv/--out/--recon/--latent-plot/
# --loss-plot, encode, reconstruct, embed --input, embed RUN) is run with its output at a new
# file, an existing file, a symlink, a FIFO, a null device, a full device, a directory and a
# missing folder: a symlink's target is written and the link kept, a FIFO and a device are
# written into and never replaced, a full device is a write error (exit 1), a bad path exit 2,
# each with one line on stderr. Every file read (--input, --labels, data files, a checkpoint,
# the store) is refused when it is a FIFO, at once (a timeout catches a hang).
# As root, the devices are private nodes made with mknod (the real /dev/full is never at risk).
set -u
. "$(dirname "$0")/cli_harness.sh"
cli_setup cli_files
DB=$T/store/a.db
mkdir -p "$T/store"

# One tiny recorded run, its test split and its latent vectors.
timeout 120 "$BIN" train --model lstm --dataset sines --train 64 --test 32 --epochs 1 --latent 4 \
    --db "$DB" --no-baseline >/dev/null 2>"$T/train.err" || { echo "FAIL: train: $(cat "$T/train.err")"; exit 1; }
"$BIN" export 1 --db "$DB" --data test --out "$T/x.npy" 2>"$T/err" || { echo "FAIL: export --data: $(cat "$T/err")"; exit 1; }
"$BIN" encode 1 --db "$DB" --input "$T/x.npy" --out "$T/z.npy" 2>"$T/err" || { echo "FAIL: encode: $(cat "$T/err")"; exit 1; }

# ---- outputs ----------------------------------------------------------------------------
# writer NAME PATH: the command line of writer NAME with its output at PATH, in CMD
writer() {
    case $1 in
    csv) CMD=("$BIN" export 1 --db "$DB" --csv "$2") ;;
    data) CMD=("$BIN" export 1 --db "$DB" --data test --out "$2") ;;
    recon) CMD=("$BIN" export 1 --db "$DB" --recon "$2") ;;
    latent) CMD=("$BIN" export 1 --db "$DB" --latent-plot "$2") ;;
    loss) CMD=("$BIN" export 1 --db "$DB" --loss-plot "$2") ;;
    encode) CMD=("$BIN" encode 1 --db "$DB" --input "$T/x.npy" --out "$2") ;;
    reconstruct) CMD=("$BIN" reconstruct 1 --db "$DB" --input "$T/x.npy" --out "$2") ;;
    embed) CMD=("$BIN" embed --input "$T/z.npy" --method pca --quiet --out "$2") ;;
    embed_run) CMD=("$BIN" embed 1 --db "$DB" --method pca --quiet --out "$2") ;;
    esac
}
# wrun STATUS WRITER PATH: runs the writer with its output at PATH
wrun() {
    writer "$2" "$3"
    run "$1" "$2 -> $3" "${CMD[@]}"
}
WRITERS="csv data recon latent loss encode reconstruct embed embed_run"

# Private device nodes as root (mknod may be refused in a container: then the real ones, which
# only root could replace, are used only when not root).
NULLDEV=/dev/null FULLDEV=/dev/full
if [ "$(id -u)" = 0 ]; then
    if mknod "$T/null" c 1 3 2>/dev/null && mknod "$T/full" c 1 7 2>/dev/null; then
        NULLDEV=$T/null FULLDEV=$T/full
    else
        NULLDEV="" FULLDEV=""
        echo "note: mknod refused: device outputs not tested as root"
    fi
fi

# check_writer W: every kind of output path for writer W (run in parallel: mostly fsync waits)
check_writer() {
    local w=$1 d=$T/$1 reader
    O=$d passes=0 fails=0
    mkdir -p "$d"
    # a new file: the reference output
    wrun 0 $w "$d/ref"
    [ -s "$d/ref" ] && ok || bad "$w: empty output"
    # an existing file: replaced whole, its mode kept, no temporary file left
    echo old >"$d/old" && chmod 600 "$d/old"
    wrun 0 $w "$d/old"
    cmp -s "$d/ref" "$d/old" && ok || bad "$w: existing file not replaced by the same output"
    [ "$(stat -c %a "$d/old")" = 600 ] && ok || bad "$w: mode $(stat -c %a "$d/old"), was 600"
    # a symlink: its target written, the link kept
    echo old >"$d/target" && ln -s target "$d/link"
    wrun 0 $w "$d/link"
    [ -L "$d/link" ] && ok || bad "$w: the symlink was replaced by a file"
    cmp -s "$d/ref" "$d/target" && ok || bad "$w: the symlink's target was not written"
    # a FIFO: written into (a reader waits on it), still a FIFO
    mkfifo "$d/fifo"
    cat "$d/fifo" >"$d/from_fifo" &
    reader=$!
    wrun 0 $w "$d/fifo"
    timeout 10 tail --pid=$reader -f /dev/null 2>/dev/null || kill $reader 2>/dev/null
    [ -p "$d/fifo" ] && ok || bad "$w: the FIFO was replaced"
    cmp -s "$d/ref" "$d/from_fifo" && ok || bad "$w: the FIFO's reader got other bytes"
    if [ -n "$NULLDEV" ]; then
        wrun 0 $w "$NULLDEV"
        [ -c "$NULLDEV" ] && ok || bad "$w: $NULLDEV was replaced"
        wrun 1 $w "$FULLDEV"
        one_line "$w full device" "No space left"
        grep -q -- "$FULLDEV" "$O/err" && ok || bad "$w: the write error does not name $FULLDEV"
        [ -c "$FULLDEV" ] && ok || bad "$w: $FULLDEV was replaced"
    fi
    # refused: a directory, a missing folder
    mkdir "$d/dir"
    wrun 2 $w "$d/dir"
    one_line "$w directory" "$d/dir"
    [ -d "$d/dir" ] && ok || bad "$w: the directory was replaced"
    wrun 2 $w "$d/nowhere/out"
    one_line "$w missing folder" "$d/nowhere/out"
    ls "$d" | grep -q '\.tmp-' && bad "$w: temporary files left: $(ls "$d")" || ok
    echo "RESULT $passes $fails"
}
for w in $WRITERS; do check_writer $w >"$T/$w.log" 2>&1 & done
wait
for w in $WRITERS; do
    grep -v '^RESULT' "$T/$w.log"
    read -r _ p f < <(grep '^RESULT' "$T/$w.log")
    passes=$((passes + ${p:-0})) fails=$((fails + ${f:-1}))
done
# standard output: export's "-"
run 0 "export --csv -" "$BIN" export 1 --db "$DB" --csv -
cmp -s "$O/out" "$T/csv/ref" && ok || bad "export --csv - differs from the file"

# ---- inputs: FIFOs are refused at once, not waited on -----------------------------------
mkfifo "$T/in.fifo"
run 2 "encode --input FIFO" "$BIN" encode 1 --db "$DB" --input "$T/in.fifo" --out "$T/o.npy"
one_line "encode --input FIFO" "FIFO"
run 2 "reconstruct --input FIFO" "$BIN" reconstruct 1 --db "$DB" --input "$T/in.fifo" --out "$T/o.npy"
one_line "reconstruct --input FIFO" "FIFO"
run 2 "embed --input FIFO" "$BIN" embed --input "$T/in.fifo" --method pca --out "$T/o.csv"
one_line "embed --input FIFO" "FIFO"
run 2 "embed --labels FIFO" "$BIN" embed --input "$T/z.npy" --labels "$T/in.fifo" --method pca --out "$T/o.csv"
one_line "embed --labels FIFO" "FIFO"
run 2 "encode --input directory" "$BIN" encode 1 --db "$DB" --input "$T" --out "$T/o.npy"
one_line "encode --input directory" "directory"
run 2 "--db FIFO" "$BIN" runs --db "$T/in.fifo"
one_line "--db FIFO" "in.fifo"

# data files as FIFOs: IDX (fashion-mnist) and CIFAR-10
mkdir -p "$T/idx" "$T/cifar"
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    mkfifo "$T/idx/$f"
done
run 2 "train on IDX FIFOs" "$BIN" train --model cnn --dataset fashion-mnist --data-dir "$T/idx" \
    --train 64 --test 32 --epochs 1 --no-record --no-baseline
one_line "train on IDX FIFOs" "FIFO"
run 2 "baseline on IDX FIFOs" "$BIN" baseline --dataset fashion-mnist --data-dir "$T/idx" \
    --train 64 --test 32 --latent 2 --no-cache
one_line "baseline on IDX FIFOs" "FIFO"
mkfifo "$T/cifar/data_batch_1.bin" "$T/cifar/test_batch.bin"
run 2 "train on CIFAR FIFOs" "$BIN" train --model cnn --dataset cifar10 --data-dir "$T/cifar" \
    --train 64 --test 32 --epochs 1 --no-record --no-baseline
one_line "train on CIFAR FIFOs" "FIFO"
# real CIFAR batches (zeros) with a FIFO for the optional class names
rm "$T/cifar/data_batch_1.bin" "$T/cifar/test_batch.bin"
head -c $((3073 * 64)) /dev/zero >"$T/cifar/data_batch_1.bin"
head -c $((3073 * 32)) /dev/zero >"$T/cifar/test_batch.bin"
mkfifo "$T/cifar/batches.meta.txt"
run 0 "CIFAR with a FIFO as batches.meta.txt" "$BIN" baseline --dataset cifar10 --data-dir "$T/cifar" \
    --train 64 --test 32 --latent 2 --no-cache

# a checkpoint that is a FIFO
ck=$(find "$T/store" -name last.safetensors | head -1)
if [ -n "$ck" ]; then
    mv "$ck" "$ck.real" && mkfifo "$ck"
    run 2 "encode with a FIFO checkpoint" "$BIN" encode 1 --db "$DB" --input "$T/x.npy" --out "$T/o.npy"
    one_line "encode with a FIFO checkpoint" "last.safetensors"
    rm "$ck" && mv "$ck.real" "$ck"
    # a checkpoint whose tensors do not fit its metadata (latent 4 -> 5): the message names the
    # file once ("f: f: tensor ..." read as two files)
    cp "$ck" "$ck.real"
    sed -i 's/"latent":"4"/"latent":"5"/' "$ck"
    run 2 "encode with a mismatched checkpoint" "$BIN" encode 1 --db "$DB" --input "$T/x.npy" --out "$T/o.npy"
    one_line "encode with a mismatched checkpoint" "has shape"
    [ "$(grep -o 'last.safetensors' "$T/err" | wc -l)" = 1 ] && ok || bad "checkpoint path not named once: $(cat "$T/err")"
    mv "$ck.real" "$ck"
else
    bad "no last.safetensors under $T/store"
fi

finish
