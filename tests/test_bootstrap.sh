#!/usr/bin/env bash
# test_bootstrap.sh: ./bootstrap's install step, with the system's tools replaced by stand-ins on
# PATH (nothing is installed, nothing built): as a user without sudo it says what to do and
# exits non-zero (it failed with "sudo: not found", 127); as root apt's progress is shown with a
# line per phase (it went to /dev/null: minutes of silence); --test-deps asks for numpy,
# scikit-learn and PyTorch (test_torch_load skipped on every fresh machine without them).
set -u
. "$(dirname "$0")/cli_harness.sh"
cli_setup bootstrap
SRC=${AETUI_SRC:?AETUI_SRC not set}
S=$T/bin
mkdir -p "$S"
# the tools bootstrap uses, real ones
for t in sh dirname grep cat; do ln -s "$(command -v $t)" "$S/$t"; done
# stand-ins: no package is installed; apt-get logs its arguments and prints as apt does;
# cmake does nothing
cat >"$S/dpkg-query" <<'X'
#!/bin/sh
exit 1
X
cat >"$S/apt-get" <<X
#!/bin/sh
echo "\$*" >>"$T/apt.log"
echo "Reading package lists... Done"
X
cat >"$S/cmake" <<'X'
#!/bin/sh
exit 0
X
cat >"$S/nproc" <<'X'
#!/bin/sh
echo 1
X
printf '#!/bin/sh\necho "${FAKE_UID:-0}"\n' >"$S/id"
chmod +x "$S"/*

# a user without sudo (no sudo on PATH)
run 1 "non-root without sudo" env FAKE_UID=1000 PATH=$S "$S/sh" "$SRC/bootstrap"
has err "run ./bootstrap as"
has err "install sudo"
has err "python3-torch\|libopenblas-dev"
[ -e "$T/apt.log" ] && bad "apt-get ran without root" || ok

# root: the phases and apt's own output shown, nothing sent to /dev/null
run 0 "root, --test-deps" env FAKE_UID=0 PATH=$S BUILD_DIR=$T/b "$S/sh" "$SRC/bootstrap" --test-deps
has out "\[1/2\] apt-get update"
has out "\[2/2\] apt-get install"
[ "$(grep -c 'Reading package lists' "$T/out")" = 2 ] && ok || bad "apt's output not shown: $(cat "$T/out")"
for p in python3-torch python3-numpy python3-sklearn strace; do
    grep -q "^install .* $p\( \|$\)" "$T/apt.log" && ok || bad "--test-deps does not install $p: $(cat "$T/apt.log")"
done
# without --test-deps: the product's packages only
rm -f "$T/apt.log"
run 0 "root" env FAKE_UID=0 PATH=$S BUILD_DIR=$T/b "$S/sh" "$SRC/bootstrap"
grep -q "python3-torch" "$T/apt.log" && bad "plain bootstrap installs test packages" || ok
grep -q "libopenblas-dev" "$T/apt.log" && ok || bad "plain bootstrap: $(cat "$T/apt.log")"
finish
