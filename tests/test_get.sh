#!/usr/bin/env bash
# test_get.sh: `aetui get` against a local HTTP server (tests/get_server.py on 127.0.0.1, a
# private port) serving small datasets this test makes: a good download (MNIST's IDX files
# and a CIFAR-10 tar.gz) that doctor then finds and train uses, a download resumed after the
# server dropped the connection and after a run that gave up on a stall, a server ignoring
# Range, a 500 retried, a corrupt file refused, a 404, a stall and a hang (timeouts with a
# clear message), Ctrl-C, DNS failure, a full disk, tar archives with `..`, absolute and
# symlink entries refused, a second concurrent get refused, and bad usage. The expected
# checksums of the test files come through $AETUI_GET_CHECKSUMS.
set -u
BIN=${AETUI_BIN:?AETUI_BIN not set}
SRC=${AETUI_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "SKIP: $PY not installed (bootstrap --test-deps)"; exit 77; }
T=${AETUI_TEST_TMP:-/tmp}/get.$$
rm -rf "$T" && mkdir -p "$T/srv" || exit 1
SERVER=
cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
unset AETUI_DATA AETUI_MIRROR AETUI_GET_CHECKSUMS http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
export XDG_DATA_HOME=$T/xdg HOME=$T/home NO_COLOR=1
DS=$XDG_DATA_HOME/aetui/datasets

. "$SRC/tests/cli_harness.sh"
absent() { if [ -e "$1" ] || [ -L "$1" ]; then bad "$1 exists"; else ok; fi; }
same() { if cmp -s "$1" "$2"; then ok; else bad "$1 differs from $2"; fi; }
logged() { if grep -q -- "$1" "$T/log"; then ok; else bad "server log lacks '$1': $(cat "$T/log")"; fi; }

# --- test data: MNIST-shaped IDX files, CIFAR-10 batches in a tar.gz, hostile archives
"$PY" - "$T/srv" <<'EOF' || { echo "FAIL: making the test data"; exit 1; }
import gzip, io, os, random, struct, sys, tarfile
root = sys.argv[1]
rnd = random.Random(12)
def idx(path, magic, dims, payload):
    with gzip.open(path, "wb") as f:
        f.write(struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in dims) + payload)
def mnist(folder, train, test):
    os.makedirs(folder, exist_ok=True)
    for split, n in (("train", train), ("t10k", test)):
        idx(f"{folder}/{split}-images-idx3-ubyte.gz", 0x803, (n, 28, 28), rnd.randbytes(n * 784))
        idx(f"{folder}/{split}-labels-idx1-ubyte.gz", 0x801, (n,), bytes(rnd.randrange(10) for _ in range(n)))
mnist(f"{root}/mnist", 200, 40)
# the same files with one byte changed in the middle of the training images
os.makedirs(f"{root}/corrupt", exist_ok=True)
for name in os.listdir(f"{root}/mnist"):
    data = bytearray(open(f"{root}/mnist/{name}", "rb").read())
    if name.startswith("train-images"):
        data[len(data) // 2] ^= 0xFF
    open(f"{root}/corrupt/{name}", "wb").write(data)
def batch(n):
    return b"".join(bytes([rnd.randrange(10)]) + rnd.randbytes(3072) for _ in range(n))
def tgz(path, entries):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with tarfile.open(path, "w:gz", format=tarfile.USTAR_FORMAT) as t:
        for name, kind, data in entries:
            ti = tarfile.TarInfo(name)
            if kind == "dir":
                ti.type = tarfile.DIRTYPE
                ti.mode = 0o755
                t.addfile(ti)
            elif kind == "sym":
                ti.type = tarfile.SYMTYPE
                ti.linkname = data
                t.addfile(ti)
            else:
                ti.size = len(data)
                t.addfile(ti, io.BytesIO(data))
top = "cifar-10-batches-bin"
good = [(top, "dir", None)] + [(f"{top}/data_batch_{i}.bin", "file", batch(20)) for i in range(1, 6)]
good += [(f"{top}/test_batch.bin", "file", batch(10)),
         (f"{top}/batches.meta.txt", "file", b"airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n"),
         (f"{top}/readme.html", "file", b"<html>test</html>\n")]
tgz(f"{root}/cifar/cifar-10-binary.tar.gz", good)
# a mirror holding both CIFAR-10 and (as Fashion-MNIST) the IDX files
os.makedirs(f"{root}/both", exist_ok=True)
for name in os.listdir(f"{root}/mnist"):
    os.link(f"{root}/mnist/{name}", f"{root}/both/{name}")
os.link(f"{root}/cifar/cifar-10-binary.tar.gz", f"{root}/both/cifar-10-binary.tar.gz")
tgz(f"{root}/evil/cifar-10-binary.tar.gz", good[:3] + [(f"{top}/../../evil.txt", "file", b"pwned\n")] + good[3:])
tgz(f"{root}/abs/cifar-10-binary.tar.gz", good[:3] + [(f"/{root}/abs-evil.txt", "file", b"pwned\n")])
tgz(f"{root}/sym/cifar-10-binary.tar.gz", good[:3] + [(f"{top}/link", "sym", "/etc/passwd")] + good[3:])
EOF
(cd "$T/srv/mnist" && sha256sum ./*) | sed 's#\./##' >"$T/sums"
for d in cifar evil abs sym; do (cd "$T/srv/$d" && sha256sum cifar-10-binary.tar.gz) >"$T/sums.$d"; done
cat "$T/sums.cifar" >>"$T/sums"

"$PY" "$SRC/tests/get_server.py" "$T/srv" "$T/port" "$T/log" 300 &
SERVER=$!
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
[ -s "$T/port" ] || { echo "FAIL: the test server did not start"; exit 1; }
URL=http://127.0.0.1:$(cat "$T/port")
export AETUI_GET_CHECKSUMS=$T/sums

# --- usage
expect 0 "$BIN" get --help
has out "usage: aetui get"
expect 2 "$BIN" get
has err "which dataset"
expect 2 "$BIN" get imagenet
has err "unknown dataset 'imagenet'"
expect 2 "$BIN" get sines
has err "nothing to fetch"
expect 2 "$BIN" get mnist --retries many
has err "^aetui get: --retries: expected an integer"
expect 2 "$BIN" get mnist --stall-timeout 0
has err "stall-timeout: 0 is out of range"
expect 2 "$BIN" get mnist --mirror ftp://example.org/
has err "mirror: expected an http:// or https:// URL"
expect 2 env AETUI_MIRROR=file:///tmp "$BIN" get mnist
has err "AETUI_MIRROR: expected an http"
printf 'not a checksum line\n' >"$T/badsums"
expect 2 env AETUI_GET_CHECKSUMS=$T/badsums "$BIN" get mnist --mirror "$URL/ok/mnist" --dir "$T/u"
has err "badsums: line 1"
expect 2 "$BIN" get mnist --frobnicate
has err "unknown option '--frobnicate'"

# --- a good download: MNIST's four gzipped IDX files, where doctor and train find them
expect 0 "$BIN" get mnist --mirror "$URL/ok/mnist"
has out "mnist: ready in $DS/mnist"
has out "train-images-idx3-ubyte.gz: SHA-256 matches"
for f in "$T"/srv/mnist/*; do same "$f" "$DS/mnist/$(basename "$f")"; done
absent "$DS/.aetui-get"
expect 0 "$BIN" train --model cnn --dataset mnist --train 64 --test 16 --epochs 1 --batch 32 --threads 1 --no-record --no-baseline
# a second get fetches nothing
: >"$T/log"
expect 0 "$BIN" get mnist --mirror "$URL/ok/mnist"
has out "already in $DS/mnist (nothing fetched)"
[ ! -s "$T/log" ] && ok || bad "a second get made requests: $(cat "$T/log")"

# --- CIFAR-10: a tar.gz unpacked, the mirror from $AETUI_MIRROR, fashion-mnist beside mnist
expect 0 env AETUI_MIRROR="$URL/ok/both/" "$BIN" get cifar10 fashion-mnist
has out "cifar10: ready in $DS/cifar-10-batches-bin"
has out "fashion-mnist: ready in $DS/fashion-mnist"
logged "ok both/cifar-10-binary.tar.gz - 200"
for f in data_batch_1.bin data_batch_5.bin test_batch.bin batches.meta.txt; do
    [ -s "$DS/cifar-10-batches-bin/$f" ] && ok || bad "no $f unpacked"
done
expect 0 "$BIN" doctor
has out "mnist  *$DS/mnist"
has out "cifar10  *$DS/cifar-10-batches-bin"
has out "fashion-mnist  *$DS/fashion-mnist"

# --- without $AETUI_GET_CHECKSUMS the published sizes and checksums apply: refused
expect 1 env -u AETUI_GET_CHECKSUMS "$BIN" get mnist --mirror "$URL/ok/mnist" --dir "$T/pub"
has err "wrong size: 112 bytes, the published size is 9912422\|wrong size: [0-9]* bytes, the published size is 9912422"
has err "nothing was unpacked"
absent "$T/pub/mnist"

# --- resumed in the same run: the server drops the connection halfway
: >"$T/log"
expect 0 "$BIN" get mnist --mirror "$URL/drop/mnist" --dir "$T/d2"
has out "resumed at"
logged "drop mnist/train-images-idx3-ubyte.gz bytes=[0-9]*- 206"
for f in "$T"/srv/mnist/*; do same "$f" "$T/d2/mnist/$(basename "$f")"; done
has out "give --data-dir $T/d2"
expect 0 "$BIN" doctor --data-dir "$T/d2"
has out "mnist  *$T/d2/mnist"

# --- a stall: half the file, then nothing; the run gives up with a clear message and keeps
# the partial file, and the next run resumes it
: >"$T/log"
expect 1 "$BIN" get mnist --mirror "$URL/stall/mnist" --dir "$T/d3" --stall-timeout 1 --retries 0
has err "stall/mnist/train-images-idx3-ubyte.gz: no data for 1 s (the server stalled)"
has err "partial download .*train-images-idx3-ubyte.gz.part is kept"
absent "$T/d3/mnist"
part=$T/d3/.aetui-get/mnist/train-images-idx3-ubyte.gz.part
half=$(stat -c %s "$part" 2>/dev/null || echo 0)
full=$(stat -c %s "$T/srv/mnist/train-images-idx3-ubyte.gz")
[ "$half" -gt 0 ] && [ "$half" -lt "$full" ] && ok || bad "partial file holds $half of $full bytes"
: >"$T/log"
expect 0 "$BIN" get mnist --mirror "$URL/ok/mnist" --dir "$T/d3"
has out "resumed at $half bytes"
logged "ok mnist/train-images-idx3-ubyte.gz bytes=$half- 206"
same "$T/srv/mnist/train-images-idx3-ubyte.gz" "$T/d3/mnist/train-images-idx3-ubyte.gz"
absent "$T/d3/.aetui-get"

# --- a partial file and a server that ignores Range: started over, still right
mkdir -p "$T/d4/.aetui-get/mnist"
head -c 1000 "$T/srv/mnist/train-images-idx3-ubyte.gz" >"$T/d4/.aetui-get/mnist/train-images-idx3-ubyte.gz.part"
expect 0 "$BIN" get mnist --mirror "$URL/norange/mnist" --dir "$T/d4"
for f in "$T"/srv/mnist/*; do same "$f" "$T/d4/mnist/$(basename "$f")"; done

# --- a 500 is retried after a pause
expect 0 "$BIN" get mnist --mirror "$URL/e500/mnist" --dir "$T/d5"
has err "HTTP 500 Internal Server Error; retrying in 1 s"
[ -f "$T/d5/mnist/t10k-labels-idx1-ubyte.gz" ] && ok || bad "no dataset after a retried 500"

# --- a server that never answers
expect 1 "$BIN" get mnist --mirror "$URL/hang/mnist" --dir "$T/d6" --stall-timeout 1 --retries 0
has err "hang/mnist/train-images-idx3-ubyte.gz: no data for 1 s (the server stalled)"
absent "$T/d6/mnist"
absent "$T/d6/.aetui-get"

# --- a corrupt file is refused and removed, nothing unpacked
expect 1 "$BIN" get mnist --mirror "$URL/ok/corrupt" --dir "$T/d7"
has err "corrupt/train-images-idx3-ubyte.gz: checksum mismatch: SHA-256 [0-9a-f]*, \$AETUI_GET_CHECKSUMS SHA-256 is"
has err "the download is removed"
absent "$T/d7/mnist"
absent "$T/d7/.aetui-get/mnist/train-images-idx3-ubyte.gz.part"
absent "$T/d7/.aetui-get/mnist/train-images-idx3-ubyte.gz"

# --- 404 and DNS failure name the URL and the problem
expect 1 "$BIN" get mnist --mirror "$URL/ok/nothing-here" --dir "$T/d8"
has err "^aetui get: $URL/ok/nothing-here/train-images-idx3-ubyte.gz: HTTP 404 Not Found$"
absent "$T/d8/mnist"
absent "$T/d8/.aetui-get"
expect 1 "$BIN" get mnist --mirror "http://no-such-host.invalid/" --dir "$T/d8" --connect-timeout 5
has err "no-such-host.invalid/train-images-idx3-ubyte.gz: cannot resolve the host"
# nothing listens on a port just freed: refused connection, retried, then given up
port2=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
expect 1 "$BIN" get mnist --mirror "http://127.0.0.1:$port2/" --dir "$T/d8" --retries 1
has err "cannot connect.*(gave up after 2 attempts)"

# --- a full disk
mkdir -p "$T/d9/.aetui-get/mnist"
ln -s /dev/full "$T/d9/.aetui-get/mnist/train-images-idx3-ubyte.gz.part"
expect 1 "$BIN" get mnist --mirror "$URL/ok/mnist" --dir "$T/d9"
has err "train-images-idx3-ubyte.gz.part: disk full (No space left on device)"
absent "$T/d9/mnist"

# --- hostile archives: refused, nothing unpacked, nothing written outside
for d in evil:"climbs out with '..': refused" abs:"has an absolute path: refused" sym:"cifar-10-batches-bin/link' is a symbolic link: refused"; do
    name=${d%%:*}
    expect 1 env AETUI_GET_CHECKSUMS="$T/sums.$name" "$BIN" get cifar10 --mirror "$URL/ok/$name" --dir "$T/a/$name"
    has err "${d#*:}"
    absent "$T/a/$name/cifar-10-batches-bin"
    absent "$T/a/$name/.aetui-get"
done
absent "$T/a/evil.txt"
absent "$T/evil.txt"
absent "$T/srv/abs-evil.txt"

# --- a folder in the way is left alone
mkdir -p "$T/d10/mnist" && echo mine >"$T/d10/mnist/notes.txt"
expect 1 "$BIN" get mnist --mirror "$URL/ok/mnist" --dir "$T/d10"
has err "d10/mnist exists but is not a whole mnist (no train-images-idx3-ubyte.gz): move it away"
[ "$(cat "$T/d10/mnist/notes.txt")" = mine ] && ok || bad "the user's folder was touched"

# --- on a terminal: a progress bar with rate and ETA; Ctrl-C keeps the partial file; a
# second get of the same dataset meanwhile is refused (the stall mode's first request for
# CIFAR-10's archive sends half of it)
if command -v script >/dev/null; then
    expect 0 script -qec "stty cols 120; '$BIN' get mnist --mirror '$URL/slow/mnist' --dir '$T/d11'" /dev/null
    has out "train-images-idx3-ubyte.gz \[=*>* *\] [0-9.]* kB / [0-9.]* kB  [0-9.]* kB/s  ETA 0:0"
    has out "mnist: ready in"
fi
env AETUI_GET_CHECKSUMS="$T/sums.cifar" "$BIN" get cifar10 --mirror "$URL/stall/cifar" --dir "$T/d12" --stall-timeout 30 >"$T/bg.out" 2>"$T/bg.err" &
bg=$!
part=$T/d12/.aetui-get/cifar10/cifar-10-binary.tar.gz.part
for _ in $(seq 100); do [ -s "$part" ] && break; sleep 0.05; done
expect 1 "$BIN" get cifar10 --mirror "$URL/ok/cifar" --dir "$T/d12"
has err "another aetui get is fetching cifar10"
kill -INT "$bg"
wait "$bg"
rc=$?
[ "$rc" = 130 ] && ok || bad "Ctrl-C during a download exited $rc, expected 130: $(cat "$T/bg.err")"
grep -q "interrupted; the partial download .* is kept: run the same command again to resume" "$T/bg.err" && ok || bad "no interrupted message: $(cat "$T/bg.err")"
[ -s "$part" ] && ok || bad "the partial file was not kept"
absent "$T/d12/cifar-10-batches-bin"

# nothing raw from the server or the user reaches the terminal
if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$T/err"; then bad "control characters in messages"; else ok; fi

finish
