#!/usr/bin/env bash
# test_xterm.sh: the real thing (issue 5): aetui in xterm (-ti vt340, 256 colour registers)
# under Xvfb, opened on screen 6 with a tiny CNN run in its store; a screenshot of the X screen
# (import -window root) must show the reconstruction grid as an image: in the panel's area,
# many grey levels (a sixel picture of garments), where text alone would give two or three
# colours. Skips (77) when Xvfb, xterm, ImageMagick or fashion-mnist is missing
# (`bootstrap --test-deps` installs them in CI).
set -u
BIN=${AETUI_BIN:?AETUI_BIN not set}
T=${AETUI_TEST_TMP:-/tmp}/xterm.$$
rm -rf "$T" && mkdir -p "$T" || exit 1
. "$(dirname "$0")/xterm_harness.sh"
trap 'xh_cleanup; rm -rf "$T"' EXIT
xh_need
unset AETUI_DB NO_COLOR AETUI_TRACE AETUI_GRAPHICS TMUX STY
export XDG_DATA_HOME=$T/xdg HOME=$T/home LC_ALL=C.UTF-8
mkdir -p "$HOME"
DB=$T/aetui.db
if ! "$BIN" train --model cnn --dataset fashion-mnist --train 64 --test 32 --epochs 1 --db "$DB" >"$T/train.log" 2>&1; then
    grep -qi "not found\|cannot find" "$T/train.log" && { echo "SKIP: fashion-mnist is not installed"; exit 77; }
    cat "$T/train.log"; echo "FAIL: training"; exit 1
fi
xh_start_x
xh_start_term 120x36 light "'$BIN' --db '$DB' --screen 6 2>'$T/app.err'"
# wait for the picture: the screenshot's top-left region gets many colours
best=0
for i in $(seq 40); do
    sleep 0.5
    xh_shot "$T/shot.png" || continue
    # the reconstruction panel: below the three text rows, left part of the window
    n=$(convert "$T/shot.png" -crop 600x300+10+80 +repage -format "%k" info: 2>/dev/null || echo 0)
    [ "${n:-0}" -gt "$best" ] && best=$n
    [ "${n:-0}" -gt 40 ] && break
done
cp "$T/shot.png" "${AETUI_TEST_TMP:-/tmp}/xterm-shot.png" 2>/dev/null
fails=0
if [ "$best" -gt 40 ]; then
    echo "ok   the reconstruction panel shows an image ($best colours in the panel area)"
else
    echo "FAIL the reconstruction panel shows no image ($best colours; screenshot kept as ${AETUI_TEST_TMP:-/tmp}/xterm-shot.png)"
    cat "$T/app.err" 2>/dev/null
    fails=1
fi
exit $fails
