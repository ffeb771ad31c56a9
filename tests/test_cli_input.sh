#!/usr/bin/env bash
# test_cli_input.sh: hostile input files at the commands (issue 11): IDX training and test
# images of different sizes (a heap overflow in train, a wrong MSE in baseline), embed's
# messages about a wrong array or label count (they read freed fields), PCA on NaN input (it
# named the index, not the value), uint8 .npy input to embed (refused, while encode takes it).
# Each bad input: exit 2 and one line on stderr naming the file and the problem.
set -u
. "$(dirname "$0")/cli_harness.sh"
cli_setup cli_input
command -v python3 >/dev/null || { echo "SKIP: python3 needed to write the test files"; exit 77; }
asan_clean() { grep -q "Sanitizer\|runtime error" "$O/err" && bad "$1: sanitizer report: $(head -c 600 "$O/err")" || ok; }

# mknpy FILE DESCR SHAPE VALUES: a .npy file (values as a Python expression for a list)
mknpy() {
    python3 - "$@" <<'EOF'
import struct, sys, math
path, descr, shape, values = sys.argv[1], sys.argv[2], eval(sys.argv[3]), eval(sys.argv[4])
code = {"<f4": "f", "|u1": "B", "<i8": "q"}[descr]
d = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, repr(shape))
pad = (64 - (10 + len(d) + 1) % 64) % 64
hdr = d + " " * pad + "\n"
with open(path, "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(hdr)) + hdr.encode())
    f.write(struct.pack("<%d%s" % (len(values), code), *values))
EOF
}
# mkidx DIR STEM N SIDE: IDX images N x SIDE x SIDE and labels (plain files)
mkidx() {
    python3 - "$@" <<'EOF'
import struct, sys
d, stem, n, side = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
with open("%s/%s-images-idx3-ubyte" % (d, stem), "wb") as f:
    f.write(struct.pack(">IIII", 0x803, n, side, side))
    f.write(bytes((i * 7 + j) % 256 for i in range(n) for j in range(side * side)))
with open("%s/%s-labels-idx1-ubyte" % (d, stem), "wb") as f:
    f.write(struct.pack(">II", 0x801, n) + bytes(i % 10 for i in range(n)))
EOF
}

# ---- item 5: splits of different shapes -------------------------------------------------
mkdir -p "$T/idx"
mkidx "$T/idx" train 64 28
mkidx "$T/idx" t10k 32 32
run 2 "train 28x28 / test 32x32" "$BIN" train --model cnn --dataset fashion-mnist --data-dir "$T/idx" \
    --train 64 --test 32 --epochs 1 --batch 16 --no-record --no-baseline
one_line "train 28x28 / test 32x32" "train-images-idx3-ubyte" "t10k-images-idx3-ubyte" "28x28x1" "32x32x1"
asan_clean "train 28x28 / test 32x32"
run 2 "baseline 28x28 / test 32x32" "$BIN" baseline --dataset fashion-mnist --data-dir "$T/idx" \
    --train 64 --test 32 --latent 4 --no-cache
one_line "baseline 28x28 / test 32x32" "train-images-idx3-ubyte" "t10k-images-idx3-ubyte" "28x28x1" "32x32x1"
grep -q "MSE" "$T/out" && bad "baseline printed an MSE: $(cat "$T/out")" || ok
# same shapes: both work
mkidx "$T/idx" t10k 32 28
run 0 "baseline 28x28 both" "$BIN" baseline --dataset fashion-mnist --data-dir "$T/idx" \
    --train 64 --test 32 --latent 4 --no-cache

# ---- embed: messages about the arrays (a use-after-free printed 0s) ----------------------
mknpy "$T/x3.npy" "<f4" "(4, 2, 3)" "[0.5] * 24"
run 2 "embed 3-D input" "$BIN" embed --input "$T/x3.npy" --method pca --out "$T/o.csv"
one_line "embed 3-D input" "x3.npy" "got 3 dimensions"
mknpy "$T/x.npy" "<f4" "(6, 3)" "[i * 0.1 + (i % 3) for i in range(18)]"
mknpy "$T/l5.npy" "<i8" "(5,)" "[0, 1, 2, 0, 1]"
run 2 "embed 5 labels for 6 rows" "$BIN" embed --input "$T/x.npy" --labels "$T/l5.npy" --method pca --out "$T/o.csv"
one_line "embed 5 labels for 6 rows" "l5.npy" "expected 6 labels" "got 5"
mknpy "$T/nan.npy" "<f4" "(6, 3)" "[float('nan') if i == 7 else i * 0.1 for i in range(18)]"
run 2 "embed PCA with NaN" "$BIN" embed --input "$T/nan.npy" --method pca --out "$T/o.csv"
one_line "embed PCA with NaN" "nan.npy" "row 2, column 1 is NaN"

# ---- uint8 .npy: accepted by embed, scaled as images are ---------------------------------
mknpy "$T/u8.npy" "|u1" "(6, 3)" "[(i * 37) % 256 for i in range(18)]"
run 0 "embed uint8 input" "$BIN" embed --input "$T/u8.npy" --method pca --quiet --out "$T/u8.csv"
[ "$(wc -l <"$T/u8.csv")" = 7 ] && ok || bad "embed uint8: $(cat "$T/u8.csv")"
# the same values as float32 / 255 give the same layout
mknpy "$T/f8.npy" "<f4" "(6, 3)" "[((i * 37) % 256) * (1.0 / 255) for i in range(18)]"
run 0 "embed float input" "$BIN" embed --input "$T/f8.npy" --method pca --quiet --out "$T/f8.csv"
python3 - "$T/u8.csv" "$T/f8.csv" <<'EOF' && ok || bad "uint8 and float32/255 layouts differ"
import sys
a = [l.split(",")[:2] for l in open(sys.argv[1]).read().split()[1:]]
b = [l.split(",")[:2] for l in open(sys.argv[2]).read().split()[1:]]
sys.exit(not all(abs(float(x) - float(y)) < 1e-5 for p, q in zip(a, b) for x, y in zip(p, q)))
EOF

finish
