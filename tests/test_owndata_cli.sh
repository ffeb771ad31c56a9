#!/usr/bin/env bash
# test_owndata_cli.sh: your own data from the command line (issue 12): `aetui train --data`
# on each format end to end (a CSV of one sample per row, a long series with timestamps, .npy
# vectors and sequences, a folder of PNG and JPEG images written by PIL), the spec recorded
# with the run, and every later use reading the run's data with its scaling and giving values
# back in the data's own units (export --data, reconstruct, resume); bad files and options
# refused naming file, line and column. Every file is made here.
set -u
BIN=${AETUI_BIN:?AETUI_BIN not set}
PY=/usr/bin/python3
T=${AETUI_TEST_TMP:-/tmp}/owndata_cli.$$
rm -rf "$T" && mkdir -p "$T" || exit 1
trap 'rm -rf "$T"' EXIT
export AETUI_DB=$T/store.db
. "$(dirname "$0")/testlib.sh"
QUICK=(--epochs 1 --threads 2 --no-baseline)
field() { sed -n "s/.*\"$2\": *\"*\([^,}\"]*\).*/\1/p" "$T/$1" | tail -1; }

# npystat FILE: "shape min max mean" of a float32 .npy (no numpy needed)
npystat() {
    $PY - "$1" <<'EOF'
import array, ast, sys
b = open(sys.argv[1], 'rb').read()
hl = int.from_bytes(b[8:10], 'little')
h = ast.literal_eval(b[10:10 + hl].decode())
a = array.array('f'); a.frombytes(b[10 + hl:])
print('x'.join(map(str, h['shape'])), min(a), max(a), sum(a) / len(a))
EOF
}

# ---- a CSV of one sample per row (the UCR layout: label, 40 values around 100) ------------
$PY - "$T/ecg.csv" <<'EOF'
import math, random, sys
r = random.Random(3)
with open(sys.argv[1], 'w') as f:
    for i in range(120):
        lab = i % 2
        v = [100 + 50 * math.sin(2 * math.pi * k / 39 * (2 + lab)) + r.gauss(0, 2) for k in range(40)]
        f.write('%d,%s\n' % (lab, ','.join('%.3f' % x for x in v)))
EOF
expect 0 "$BIN" train --data "$T/ecg.csv" --json "${QUICK[@]}"
has out '"summary":true'
has out '"dataset":"ecg"'
has out '"model":"lstm"'
has out '"train_samples":96'
has out '"test_samples":24'
run=$(field out run)
expect 0 "$BIN" show "$run"
has out "data_spec *csv $T/ecg.csv"
has out 'data now *the same'
# the run's test split, as it saw it, in the CSV's units (not the [0,1] it trained on)
expect 0 "$BIN" export "$run" --data test --out "$T/test.npy"
read -r shape lo hi mean < <(npystat "$T/test.npy")
[ "$shape" = 24x40x1 ] && ok || bad "export --data test: shape $shape"
$PY -c "import sys; sys.exit(not (40 < $lo < 60 and 140 < $hi < 160))" && ok ||
    bad "export --data test: values $lo..$hi are not the CSV's"
# reconstruct a CSV like the data (read with the run's options and scaling), and the .npy
expect 0 "$BIN" reconstruct "$run" --input "$T/ecg.csv" --out "$T/y.npy"
read -r shape lo hi mean < <(npystat "$T/y.npy")
[ "$shape" = 120x40x1 ] && ok || bad "reconstruct CSV: shape $shape"
$PY -c "import sys; sys.exit(not (70 < $mean < 130 and $hi > 2))" && ok ||
    bad "reconstruct CSV: mean $mean, max $hi: not in the CSV's units"
expect 0 "$BIN" reconstruct "$run" --input "$T/test.npy" --out "$T/y2.npy"
read -r shape lo hi mean < <(npystat "$T/y2.npy")
$PY -c "import sys; sys.exit(not (70 < $mean < 130))" && ok || bad "reconstruct .npy: mean $mean"
expect 0 "$BIN" encode "$run" --input "$T/ecg.csv" --out "$T/z.npy"
read -r shape lo hi mean < <(npystat "$T/z.npy")
[ "$shape" = 120x20 ] && ok || bad "encode CSV: shape $shape"
# resume goes on with the run's spec and recorded scaling
expect 0 "$BIN" train --resume "$run" --epochs 2 --json
has out '"epochs_done":2'
has out '"dataset":"ecg"'
# the PCA baseline on the same data
expect 0 "$BIN" baseline --data "$T/ecg.csv" --latent 4 --json
has out '"dataset":"ecg"'
has out '"train":96'

# ---- a long series with timestamps, cut into windows -------------------------------------
$PY - "$T/taxi.csv" <<'EOF'
import math, sys
with open(sys.argv[1], 'w') as f:
    f.write('timestamp,value\n')
    for i in range(1500):
        f.write('2014-07-%02d %02d:%02d:00,%.2f\n' % (1 + i // 288, i // 12 % 24, i % 12 * 5,
                                                     20000 + 8000 * math.sin(i / 30)))
EOF
expect 0 "$BIN" train --data "$T/taxi.csv" --window 24 --stride 6 --json "${QUICK[@]}"
has out '"dataset":"taxi"'
run=$(field out run)
expect 0 "$BIN" export "$run" --data test --out "$T/taxi_test.npy"
read -r shape lo hi mean < <(npystat "$T/taxi_test.npy")
case $shape in *x24x1) ok ;; *) bad "series export shape $shape" ;; esac
$PY -c "import sys; sys.exit(not (11000 < $lo and $hi < 29000 and $hi > 20000))" && ok ||
    bad "series export: values $lo..$hi are not the CSV's"

# ---- .npy: N x T x F sequences with labels -------------------------------------------------
$PY - "$T" <<'EOF'
import math, struct, sys
def save(path, descr, shape, values, fmt):
    h = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        descr, ''.join('%d,' % s for s in shape))
    h += ' ' * (63 - (10 + len(h)) % 64) + '\n'
    with open(path, 'wb') as f:
        f.write(b'\x93NUMPY\x01\x00' + struct.pack('<H', len(h)) + h.encode())
        f.write(struct.pack('<%d%s' % (len(values), fmt), *values))
d = sys.argv[1]
seq = [math.sin(i * 0.1 + j) * (1 + k) for i in range(60) for j in range(12) for k in range(3)]
save(d + '/seq.npy', '<f4', (60, 12, 3), seq, 'f')
save(d + '/seq_y.npy', '<i8', (60,), [i % 3 for i in range(60)], 'q')
EOF
expect 0 "$BIN" train --data "$T/seq.npy" --labels "$T/seq_y.npy" --json "${QUICK[@]}"
has out '"dataset":"seq"'
has out '"model":"lstm"'
has out '"train_samples":48'

# ---- a folder of images: PNG and JPEG written by PIL, two classes -------------------------
$PY - "$T/shapes" <<'EOF'
import os, sys
from PIL import Image, ImageDraw
root = sys.argv[1]
for cls in ('circle', 'square'):
    os.makedirs(os.path.join(root, cls))
    for i in range(12):
        im = Image.new('RGB', (20 + i % 3, 16), (20 * i, 100, 200))
        d = ImageDraw.Draw(im)
        (d.ellipse if cls == 'circle' else d.rectangle)((3, 3, 13, 12), fill=(250, 250, 40))
        ext = 'png' if i % 2 else 'jpg'
        im.save(os.path.join(root, cls, '%02d.%s' % (i, ext)))
EOF
expect 0 "$BIN" train --data "$T/shapes" --size 16x16 --json "${QUICK[@]}"
has out '"model":"cnn"'
has out '"dataset":"shapes"'
has out '"test_samples":4'
run=$(field out run)
expect 0 "$BIN" show "$run"
has out "data_spec *folder $T/shapes --size 16x16"
# images of several sizes without --size: an error naming two of the files
expect 2 "$BIN" train --data "$T/shapes" "${QUICK[@]}"
has err 'different sizes: circle/0.* circle/0'

# ---- .npy of plain vectors: the dense preset, chosen by the data ---------------------------
$PY - "$T" <<'EOF'
import math, struct, sys
d = sys.argv[1]
vec = [math.cos(i * 0.3 + j * 0.7) * 10 + 50 for i in range(80) for j in range(16)]
h = "{'descr': '<f4', 'fortran_order': False, 'shape': (80, 16), }"
h += ' ' * (63 - (10 + len(h)) % 64) + '\n'
with open(d + '/vec.npy', 'wb') as f:
    f.write(b'\x93NUMPY\x01\x00' + struct.pack('<H', len(h)) + h.encode())
    f.write(struct.pack('<%df' % len(vec), *vec))
EOF
expect 0 "$BIN" train --data "$T/vec.npy" --latent 4 --json "${QUICK[@]}"
has out '"model":"dense"'
run=$(field out run)
expect 0 "$BIN" reconstruct "$run" --input "$T/vec.npy" --out "$T/vec_y.npy"
read -r shape lo hi mean < <(npystat "$T/vec_y.npy")
[ "$shape" = 80x16 ] && ok || bad "dense reconstruct: shape $shape"
$PY -c "import sys; sys.exit(not (38 < $lo and $hi < 62 and 45 < $mean < 55))" && ok ||
    bad "dense reconstruct: $lo..$hi mean $mean is not in the data's units"
# dense on sequences (T x F flattened) too
expect 0 "$BIN" train --data "$T/seq.npy" --model dense --json "${QUICK[@]}"
has out '"model":"dense"'

# ---- registered datasets --------------------------------------------------------------------
# train --data registered each under its file's name
expect 0 "$BIN" data ls
has out '^ecg  *csv  *sequences  *40x1  *96  *24  *2'
has out '^shapes  *folder  *images  *16x16x3'
expect 0 "$BIN" data add heart "$T/ecg.csv" --test-frac 0.5
has out 'dataset heart: csv'
expect 0 "$BIN" data show heart
has out 'samples  *60 train, 60 test'
has out 'data now  *the same'
expect 0 "$BIN" train --dataset heart --json "${QUICK[@]}"
has out '"dataset":"heart"'
has out '"model":"lstm"'
has out '"train_samples":60'
expect 2 "$BIN" data add heart "$T/ecg.csv"
has err 'registered already'
expect 0 "$BIN" data add heart "$T/ecg.csv" --force
# the same file with other options is another dataset: ecg-2
expect 0 "$BIN" train --data "$T/ecg.csv" --test-frac 0.25 --json "${QUICK[@]}"
has out '"dataset":"ecg-2"'
has err 'registered dataset ecg-2'
# the data changes: show says so
printf '0,%s\n' "$(seq -s, 1 40)" >>"$T/ecg.csv"
expect 0 "$BIN" data show ecg --json
has out '"data_now":"changed"'
expect 0 "$BIN" data rm heart
expect 2 "$BIN" data show heart
has err 'no such dataset'
expect 2 "$BIN" data add mnist "$T/ecg.csv"
has err 'built-in'
expect 2 "$BIN" data add 'bad name' "$T/ecg.csv"
has err 'dataset name'
expect 2 "$BIN" data ls --window 3
has err 'go with add'
expect 2 "$BIN" train --dataset nosuch "${QUICK[@]}"
has err 'nor registered'

# ---- bad files and options ----------------------------------------------------------------
printf '1,2,3\n4,x,6\n' >"$T/bad.csv"
expect 2 "$BIN" train --data "$T/bad.csv" "${QUICK[@]}"
has err "bad.csv: line 2, column 2"
printf '1,2,3\n4,5\n' >"$T/ragged.csv"
expect 2 "$BIN" train --data "$T/ragged.csv" "${QUICK[@]}"
has err "ragged.csv: line 2"
expect 2 "$BIN" train --window 3 "${QUICK[@]}"
has err 'go with --data'
expect 2 "$BIN" train --data "$T/nothere.csv"
has err 'nothere.csv'
expect 2 "$BIN" train --data "$T/ecg.csv" --dataset mnist
has err 'exclude'
expect 2 "$BIN" train --data "$T/ecg.csv" --size 8x8
has err -- '--size'

finish
