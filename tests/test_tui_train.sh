#!/usr/bin/env bash
# test_tui_train.sh: the Train screen as a user meets it (issue 10), driven through tmux on a
# private server and a temporary store: `aetui --screen 2` opens on it and --help lists the
# option. Skips (77) without tmux.
set -u
BIN=${AETUI_BIN:?AETUI_BIN not set}
command -v tmux >/dev/null || { echo "SKIP: tmux is not installed"; exit 77; }
T=${AETUI_TEST_TMP:-/tmp}/tui_train.$$
rm -rf "$T" && mkdir -p "$T" || exit 1
SOCK=aetui_train_$$
cleanup() { tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
unset AETUI_DB NO_COLOR AETUI_TRACE AETUI_DATA
export XDG_DATA_HOME=$T/xdg HOME=$T/home LC_ALL=C.UTF-8 AETUI_GRAPHICS=blocks
DB=$T/aetui.db

. "$(dirname "$0")/tui_harness.sh"

# ---- aetui --screen 2 opens on Train (the README's promise); --help lists it
if "$BIN" --help | grep -q -- '--screen N'; then ok; else bad "aetui --help does not list --screen"; fi
APP_ARGS="--screen 2" start 80 24
expect "Form \(Enter edits" 5 "aetui --screen 2 opens on the Train screen"
if cap | grep -q "unknown command"; then bad "--screen refused"; else ok; fi

echo "test_tui_train: $passes passed, $fails failed"
[ "$fails" = 0 ]
