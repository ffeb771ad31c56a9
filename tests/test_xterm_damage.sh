#!/usr/bin/env bash
# test_xterm_damage.sh: no picture is ever left damaged (issue 10, item 4). In a real sixel
# terminal (xterm -ti vt340 under Xvfb), a tiny run trains from the Train screen; when it has
# finished, and after a form edit (text drawn beside the charts), the window must look exactly
# as it does after ^L (a full repaint that writes every picture again): any stripe wiped out
# of a chart, or a stale piece of an old one, shows up as pixels that differ.
# Skips (77) without Xvfb, xterm, xdotool or ImageMagick (`bootstrap --test-deps` has them).
set -u
BIN=${AETUI_BIN:?AETUI_BIN not set}
T=${AETUI_TEST_TMP:-/tmp}/xterm_damage.$$
rm -rf "$T" && mkdir -p "$T" || exit 1
. "$(dirname "$0")/xterm_harness.sh"
trap 'xh_cleanup; rm -rf "$T"' EXIT
xh_need
unset AETUI_DB NO_COLOR AETUI_TRACE AETUI_GRAPHICS TMUX STY
export XDG_DATA_HOME=$T/xdg HOME=$T/home LC_ALL=C.UTF-8
mkdir -p "$HOME"
DB=$T/aetui.db
fails=0
bad() { fails=$((fails + 1)); echo "FAIL $*"; }

# a tiny recorded run: its settings are loaded into the form (Runs, l) and trained again
"$BIN" train --model lstm --dataset sines --train 256 --test 64 --epochs 3 --db "$DB" \
    >"$T/train.log" 2>&1 || { cat "$T/train.log"; echo "FAIL: training"; exit 1; }
xh_start_x
xh_start_term 140x45 light "'$BIN' --db '$DB' --screen 3 2>'$T/app.err'"
sleep 2
xh_keys l 2 s
# wait for the run to finish (the store says so)
for i in $(seq 120); do
    "$BIN" runs --db "$DB" 2>/dev/null | grep -q '^ *2 .*finished' && break
    sleep 0.5
done
"$BIN" runs --db "$DB" 2>/dev/null | grep -q '^ *2 .*finished' || bad "the run trained in the interface did not finish"
sleep 2

check() { # NAME: the window now against the window after ^L
    xh_shot "$T/$1.png"
    xh_keys ctrl+l
    sleep 1.5
    xh_shot "$T/$1-repaint.png"
    local d
    d=$(xh_diff "$T/$1.png" "$T/$1-repaint.png")
    if [ "${d:-1}" -eq 0 ]; then
        echo "ok   $1: the window equals its full repaint"
    else
        bad "$1: $d pixels differ from the full repaint (screenshots kept in ${AETUI_TEST_TMP:-/tmp}/xterm_damage-$1*.png)"
        cp "$T/$1.png" "${AETUI_TEST_TMP:-/tmp}/xterm_damage-$1.png"
        cp "$T/$1-repaint.png" "${AETUI_TEST_TMP:-/tmp}/xterm_damage-$1-repaint.png"
    fi
    # the charts are pictures: the window must hold many colours, not text alone
    local n
    n=$(convert "$T/$1-repaint.png" -format "%k" info: 2>/dev/null || echo 0)
    [ "${n:-0}" -gt 12 ] || bad "$1: only $n colours: no chart is shown"
}
check finished
# edit a form field: text changes on rows beside the charts
xh_keys Down Return BackSpace BackSpace BackSpace BackSpace 7 Return
sleep 1.5
check edited
xh_keys Down Return Escape Up Up
sleep 1
check moved
xh_keys q
sleep 1
exit $fails
