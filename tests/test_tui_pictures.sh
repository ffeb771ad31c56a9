#!/usr/bin/env bash
# test_tui_pictures.sh: screens 5 (Latent) and 6 (Reconstructions) in the text back end as a
# user over SSH meets them (issue 10, items 7, 10 and 11), from tmux captures with colours
# (tests/pane_cells.py reads them as cells):
#  - Recon at 80x24, 100x30 and 140x45: the header's "samples A-B of N" counts the pairs on
#    the screen, every pair has its class name and "#index MSE" under it, and its tiles keep
#    the images' aspect (a square image: the pair of tiles is as many rows high as a tile is
#    columns wide, since a cell holds one pixel across and two down);
#  - 24-bit colour (SGR 38;2 / 48;2) in the pictures when COLORTERM=truecolor, none without;
#  - Latent entered with L from Runs while t-SNE was on: the title says t-SNE, not PCA;
#  - the picked point's panel shows its class, its MSE whole and both pictures' captions;
#  - with an empty store, both screens' notes are wrapped, not cut at 80 columns.
# Tiny runs: cnn on fashion-mnist (64 training, 32 test images, 1 epoch) and lstm on sines.
# Skips (77) without tmux, /usr/bin/python3 or fashion-mnist.
set -u
BIN=${AETUI_BIN:?AETUI_BIN not set}
command -v tmux >/dev/null || { echo "SKIP: tmux is not installed"; exit 77; }
[ -x /usr/bin/python3 ] || { echo "SKIP: /usr/bin/python3 is not installed"; exit 77; }
T=${AETUI_TEST_TMP:-/tmp}/tui_pictures.$$
rm -rf "$T" && mkdir -p "$T" || exit 1
SOCK=aetui_tuipic_$$
cleanup() { tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
unset AETUI_DB NO_COLOR AETUI_TRACE AETUI_DATA COLORTERM TMUX
export XDG_DATA_HOME=$T/xdg HOME=$T/home LC_ALL=C.UTF-8 AETUI_GRAPHICS=blocks
CELLS=$(dirname "$0")/pane_cells.py
. "$(dirname "$0")/tui_harness.sh"
# the pane holds no sanitizer report (the ASan build prints them there)
clean() { if cap | grep -qE "runtime error|Sanitizer"; then bad "$1: a sanitizer report"; cap | grep -E "runtime error|Sanitizer"; else ok; fi; }

DB=$T/empty.db
# ---- empty store: the notes wrap at 80 columns (the end of each is on the screen)
start 80 24
keys 6
expect "and press v\." 5 "Recon's empty-state note wrapped, not cut"
keys 5
expect "and press L\." 5 "Latent's empty-state note wrapped, not cut"
clean "empty store"
keys q

DB=$T/aetui.db
"$BIN" train --model lstm --train 64 --test 32 --epochs 1 --db "$DB" >/dev/null 2>&1 ||
    { echo "FAIL: the lstm training run"; exit 1; }
if ! "$BIN" train --model cnn --dataset fashion-mnist --train 64 --test 32 --epochs 1 \
    --db "$DB" >"$T/cnn.log" 2>&1; then
    grep -qi "not found\|cannot find" "$T/cnn.log" && { echo "SKIP: fashion-mnist is not installed"; exit 77; }
    cat "$T/cnn.log"; echo "FAIL: the cnn training run"; exit 1
fi
CLASSES='T-shirt/top|Trouser|Pullover|Dress|Coat|Sandal|Shirt|Sneaker|Bag|Ankle boot'

# ---- Recon: header count, labels, aspect, at three sizes
for size in "80 24" "100 30" "140 45"; do
    set -- $size
    start "$1" "$2"
    keys 6 # nothing trained in this session: the newest run (the CNN)
    if ! wait_for "samples [0-9]+-[0-9]+ of 32" 20; then
        bad "$1x$2: no 'samples A-B of 32' in Recon's header (a number cut?)"
        cap | head -5
        continue
    fi
    sleep 0.5
    cap -e >"$T/recon.ansi"
    read -r a b < <(cap | grep -oE "samples [0-9]+-[0-9]+ of 32" | head -1 | sed 's/samples //; s/ of 32//; s/-/ /')
    /usr/bin/python3 "$CELLS" "$T/recon.ansi" tiles >"$T/tiles"
    n=$(grep -c '^tile' "$T/tiles")
    if [ "$n" -gt 0 ] && [ "$n" = $((b - a + 1)) ]; then ok; else
        bad "$1x$2: the header says samples $a-$b, $n labelled pairs on the screen"
        cap | head -30
    fi
    named=$(cut -d' ' -f6- "$T/tiles" | grep -cE "^($CLASSES)$")
    if [ "$named" = "$n" ]; then ok; else bad "$1x$2: $named of $n pairs have a class name under them"; cat "$T/tiles"; fi
    square=$(awk '$4 > 3 && ($5 == $4 || $5 == $4 + 1) { k++ } END { print k + 0 }' "$T/tiles")
    if [ "$square" = "$n" ]; then ok; else
        bad "$1x$2: tiles not square (tile ROW COL WIDTH PAIR_ROWS NAME):"
        cat "$T/tiles"
    fi
    if [ "$1" = 80 ]; then
        /usr/bin/python3 "$CELLS" "$T/recon.ansi" colours >"$T/col"
        if grep -q "^rgb 0 " "$T/col"; then ok; else bad "24-bit colour without COLORTERM: $(cat "$T/col")"; fi
    fi
    clean "Recon at $1x$2"
    keys q
done

# ---- 24-bit colour where COLORTERM says so
start 80 24 COLORTERM=truecolor
keys 6
wait_for "samples [0-9]+-[0-9]+ of 32" 20
sleep 0.5
cap -e >"$T/tc.ansi"
read -r _ rgb _ _ < <(/usr/bin/python3 "$CELLS" "$T/tc.ansi" colours)
if [ "${rgb:-0}" -gt 500 ]; then ok; else bad "COLORTERM=truecolor: $rgb cells in 24-bit colour"; fi
/usr/bin/python3 "$CELLS" "$T/tc.ansi" tiles >"$T/tiles"
[ "$(grep -c '^tile' "$T/tiles")" -gt 0 ] && ok || bad "COLORTERM=truecolor: the labels under the tiles are gone"
keys q

# ---- Latent: the title names what is drawn; the picked point's panel at 80x24
start 80 24
keys 3
expect "cnn" 5 "the Runs table"
keys L # the CNN (the newest run, selected)
expect "Latent space +run #2" 10 "L opens Latent on the selected run"
keys t
expect "t-SNE of 32 points: done" 30 "t-SNE runs to the end"
if cap | sed -n 2p | grep -q "t-SNE"; then ok; else bad "t-SNE shown, title: $(cap | sed -n 2p)"; fi
keys 3 j L # the LSTM run, t-SNE still chosen
expect "Latent space +run #1" 10 "L on the LSTM run"
expect "t-SNE of 32 points: done" 30 "t-SNE on the LSTM run"
title=$(cap | sed -n 2p)
if echo "$title" | grep -q "t-SNE" && ! echo "$title" | grep -q "PCA"; then ok; else
    bad "L while t-SNE is on: the title says '$title'"
fi
keys 3 k L
expect "Latent space +run #2" 10 "L on the CNN run"
expect "t-SNE of 32 points: done" 30 "t-SNE on the CNN run"
keys Right
expect "MSE 0\.[0-9]{5}" 10 "the picked point's MSE, whole"
if cap | grep -qE "#[0-9]+ ($CLASSES)"; then ok; else bad "the picked point's class"; cap | head -8; fi
if cap | grep -q "input" && cap | grep -qE "output|reconstruction"; then ok; else
    bad "the picked point's captions"
    cap | head -12
fi
clean "Latent"
keys q

echo "test_tui_pictures: $passes passed, $fails failed"
[ "$fails" = 0 ]
