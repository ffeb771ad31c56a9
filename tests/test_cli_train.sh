#!/bin/bash
# test_cli_train.sh: `aetui train` and `aetui doctor` from the outside: bad values exit 2 with
# one line naming the option; a tiny run prints JSON per epoch and a summary with the fields
# scripts rely on; --help and --version work.
set -u
bin=${AETUI_BIN:?AETUI_BIN not set}
tmp=${AETUI_TEST_TMP:-/tmp}/cli_train.$$
rm -rf "$tmp" && mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
export AETUI_DB="$tmp/store.db"
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect_usage "what" args...: exit status 2 and a message that mentions the given word
expect_usage() {
    local word=$1
    shift
    "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ $rc -ne 2 ]; then bad "$* exited $rc, expected 2"; return; fi
    if ! grep -q -- "$word" "$tmp/err"; then bad "$*: message lacks '$word': $(cat "$tmp/err")"; return; fi
    if [ "$(wc -l <"$tmp/err")" -ne 1 ]; then bad "$*: more than one line: $(cat "$tmp/err")"; return; fi
    ok
}

expect_usage --latent train --model lstm --latent 0
expect_usage --batch train --model lstm --batch 0
expect_usage --epochs train --model lstm --epochs -3
expect_usage --epochs train --model lstm --epochs abc
expect_usage --lr train --model lstm --lr nan
expect_usage --lr train --model lstm --lr -1
expect_usage --model train --model resnet
expect_usage --dataset train --model lstm --dataset imagenet
expect_usage --dataset train --model lstm --dataset cifar10
expect_usage --threads train --model lstm --threads 0
expect_usage --bogus train --model lstm --bogus
expect_usage "needs a value" train --model lstm --latent
expect_usage "unknown command" frobnicate
mkdir -p "$tmp/empty"
expect_usage "$tmp/empty" train --model cnn --dataset cifar10 --data-dir "$tmp/empty"
if [ -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
    expect_usage "asked for" train --model cnn --dataset fashion-mnist --train 70000 --epochs 1
    # --data-dir is searched first, then the usual places: Debian's Fashion-MNIST is still found
    "$bin" doctor --data-dir "$tmp/empty" >"$tmp/doc" 2>&1
    grep -qE '^  fashion-mnist +/usr/share/datasets/fashion-mnist$' "$tmp/doc" && ok ||
        bad "doctor --data-dir DIR lost /usr/share/datasets: $(grep fashion "$tmp/doc")"
fi

# a file of the wrong size where CIFAR-10 should be: the file is named
head -c 1000 /dev/zero >"$tmp/empty/data_batch_1.bin"
head -c 1000 /dev/zero >"$tmp/empty/test_batch.bin"
expect_usage data_batch_1.bin train --model cnn --dataset cifar10 --data-dir "$tmp/empty" --epochs 1

"$bin" --version | grep -q '^aetui ' && ok || bad "--version"
"$bin" train --help | grep -q -- '--latent' && ok || bad "train --help"
"$bin" doctor >"$tmp/doc" 2>&1 && grep -q 'core type' "$tmp/doc" && ok || bad "doctor: $(cat "$tmp/doc")"

# OpenBLAS kernels: a user's OPENBLAS_CORETYPE wins; without one aetui keeps OpenBLAS's choice
# when it is as good as the CPU allows, or re-executes with a better one and verifies SGEMM
OPENBLAS_CORETYPE=Haswell "$bin" doctor 2>&1 | grep -q 'set by the user' && ok || bad "user core type"
env -u OPENBLAS_CORETYPE -u AETUI_BLAS_CHOSEN "$bin" doctor >"$tmp/doc2" 2>&1
grep -qE "OpenBLAS's own choice|chosen by aetui" "$tmp/doc2" && ok || bad "auto core type: $(grep core "$tmp/doc2")"
AETUI_BLAS_CHOSEN=Haswell OPENBLAS_CORETYPE=Haswell "$bin" doctor 2>&1 | grep -q 'SGEMM verified' &&
    ok || bad "the re-executed process does not verify SGEMM"

# a tiny real run: JSON lines, summary fields, run id, finished
"$bin" train --model lstm --train 64 --test 16 --epochs 2 --threads 2 --json >"$tmp/json" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && ok || bad "tiny run exited $rc: $(cat "$tmp/err")"
[ "$(grep -c '"epoch":' "$tmp/json")" -eq 2 ] && ok || bad "expected 2 epoch lines: $(cat "$tmp/json")"
summary=$(grep '"summary":true' "$tmp/json")
for field in run model dataset latent epochs train_samples test_samples params test_mse test_mae \
    train_seconds samples_per_sec; do
    echo "$summary" | grep -q "\"$field\":" && ok || bad "summary lacks $field: $summary"
done
echo "$summary" | grep -q '"status":"finished"' && ok || bad "status: $summary"
echo "$summary" | grep -q '"params":64542' && ok || bad "params: $summary"

# Ctrl-C (SIGINT) stops after the batch, still evaluates and prints the summary
"$bin" train --model lstm --train 3200 --test 64 --epochs 50 --threads 1 --json >"$tmp/int" 2>/dev/null &
pid=$!
for _ in $(seq 1 100); do grep -q '"epoch":1,' "$tmp/int" 2>/dev/null && break; sleep 0.1; done
kill -INT $pid
wait $pid
rc=$?
[ $rc -eq 0 ] && ok || bad "interrupted run exited $rc"
grep -q '"status":"stopped"' "$tmp/int" && ok || bad "no stopped summary after SIGINT: $(tail -1 "$tmp/int")"

# SIGTERM and SIGHUP (the terminal closed under a headless run) stop it the same way: the
# epoch in hand finished, "stopped", the summary (SIGHUP used to kill it as "interrupted")
for sig in TERM HUP; do
    "$bin" train --model lstm --train 3200 --test 64 --epochs 50 --threads 1 --json >"$tmp/$sig" 2>/dev/null &
    pid=$!
    for _ in $(seq 1 100); do grep -q '"epoch":1,' "$tmp/$sig" 2>/dev/null && break; sleep 0.1; done
    kill -$sig $pid
    wait $pid
    rc=$?
    [ $rc -eq 0 ] && ok || bad "SIG$sig: run exited $rc"
    grep -q '"status":"stopped"' "$tmp/$sig" && ok || bad "SIG$sig: no stopped summary: $(tail -1 "$tmp/$sig")"
done

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
