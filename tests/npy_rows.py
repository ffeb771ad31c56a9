#!/usr/bin/python3
# npy_rows.py: compares rows of float32 .npy files bit for bit, with the standard library only
# (numpy is not a test dependency). A "row" is one sample: the first axis.
#   npy_rows.py A.npy I B.npy J    exit 0 when row I of A equals row J of B exactly, else 1
#   npy_rows.py --rows A.npy       prints the number of rows
import ast
import struct
import sys


def load(path):
    b = open(path, "rb").read()
    if b[:6] != b"\x93NUMPY":
        sys.exit(f"{path}: not a .npy file")
    hl = struct.unpack("<H", b[8:10])[0]
    h = ast.literal_eval(b[10:10 + hl].decode())
    if h["descr"] != "<f4" or h["fortran_order"]:
        sys.exit(f"{path}: expected C-order float32, got {h}")
    shape = h["shape"]
    per = 4
    for s in shape[1:]:
        per *= s
    return shape, per, b[10 + hl:]


if sys.argv[1] == "--rows":
    print(load(sys.argv[2])[0][0])
    sys.exit(0)
sa, pa, a = load(sys.argv[1])
sb, pb, b = load(sys.argv[3])
i, j = int(sys.argv[2]), int(sys.argv[4])
if sa[1:] != sb[1:]:
    sys.exit(f"shapes differ: {sa} and {sb}")
sys.exit(0 if a[i * pa:(i + 1) * pa] == b[j * pb:(j + 1) * pb] else 1)
