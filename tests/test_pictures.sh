#!/usr/bin/env bash
# test_pictures.sh: the pictures of issue 5, decoded and checked.
#  - export: --recon / --latent-plot / --loss-plot write PNGs; the same with --sixel decode
#    (libsixel's sixel2png) to pictures of the expected size that are not blank;
#  - the sixel back end in a pty (tests/pictures_pty.py, AETUI_GRAPHICS=sixel, 10x20-pixel
#    cells from TIOCGWINSZ): the reconstruction grid of a finished run (size, place, an
#    original with its reconstruction under it), the latent scatter (class colours), sixel
#    curves, nothing written over the help overlay nor on the status bar's row; then a tiny
#    CNN run typed into the form with screen 6 open: a new picture at every epoch, and the
#    bytes written per refresh (printed as "measure:");
#  - the text back end through tmux capture-pane: half blocks for the images, braille for the
#    scatter plot.
# Tiny runs: cnn on fashion-mnist and lstm on sines, 64 training and 32 test samples, 1 epoch.
# Skips (77) without fashion-mnist, python3, sixel2png or ImageMagick.
set -u
BIN=${AETUI_BIN:?AETUI_BIN not set}
SRC=${AETUI_SRC:-$(dirname "$0")/..}
for c in python3 sixel2png convert identify; do
    command -v $c >/dev/null || { echo "SKIP: $c is not installed"; exit 77; }
done
T=${AETUI_TEST_TMP:-/tmp}/pictures.$$
rm -rf "$T" && mkdir -p "$T" || exit 1
SOCK=aetui_pic_$$
cleanup() { tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
unset AETUI_DB NO_COLOR AETUI_TRACE AETUI_GRAPHICS TMUX
export XDG_DATA_HOME=$T/xdg HOME=$T/home LC_ALL=C.UTF-8
DB=$T/aetui.db
fails=0
ok() { echo "ok   $*"; }
bad() { fails=$((fails + 1)); echo "FAIL $*"; }

"$BIN" train --model lstm --train 64 --test 32 --epochs 1 --db "$DB" >/dev/null 2>&1 ||
    { echo "FAIL: the lstm training run"; exit 1; }
if ! "$BIN" train --model cnn --dataset fashion-mnist --train 64 --test 32 --epochs 1 --db "$DB" \
    >"$T/cnn.log" 2>&1; then
    if grep -qi "not found\|cannot find\|no such" "$T/cnn.log"; then
        echo "SKIP: fashion-mnist is not installed ($(head -1 "$T/cnn.log"))"; exit 77
    fi
    cat "$T/cnn.log"; echo "FAIL: the cnn training run"; exit 1
fi

# ---- export: PNG files and sixel on stdout
size() { identify -format "%w %h" "$1" 2>/dev/null; }
colours() { convert "$1" -format "%k" info: 2>/dev/null; }
for run in 1 2; do
    for m in recon latent-plot loss-plot; do
        f=$T/$m-$run.png
        if "$BIN" export $run --db "$DB" --$m "$f" && [ "$(head -c 8 "$f" | od -An -c | tr -d ' ')" = '211PNG\r\n032\n' ]; then
            ok "export $run --$m writes a PNG ($(size "$f"))"
        else
            bad "export $run --$m: no PNG"
        fi
        if "$BIN" export $run --db "$DB" --$m --sixel >"$T/$m-$run.six" &&
            sixel2png -i "$T/$m-$run.six" -o "$T/$m-$run-six.png"; then
            n=$(colours "$T/$m-$run-six.png")
            [ "${n:-0}" -gt 4 ] && ok "export $run --$m --sixel decodes ($(size "$T/$m-$run-six.png"), $n colours)" ||
                bad "export $run --$m --sixel decodes to a blank picture ($n colours)"
            [ "$(size "$T/$m-$run-six.png")" = "$(size "$f")" ] && ok "same size as the PNG" ||
                bad "sixel $(size "$T/$m-$run-six.png") vs PNG $(size "$f")"
        else
            bad "export $run --$m --sixel"
        fi
    done
done
[ "$(size "$T/recon-2.png")" = "726 396" ] && ok "cnn grid: 16 pairs of 28x28 at 3x, two label lines under each" || bad "cnn grid size $(size "$T/recon-2.png")"
"$BIN" export 2 --db "$DB" --latent-plot "$T/tsne.png" --method tsne && ok "t-SNE plot" || bad "t-SNE plot"
"$BIN" export 2 --db "$DB" --recon --loss-plot --sixel >/dev/null 2>&1; [ $? = 2 ] && ok "--sixel with two pictures is refused" || bad "--sixel with two pictures"

# ---- the sixel back end in a pty
mkdir -p "$T/pty" "$T/pty-live"
python3 "$SRC/tests/pictures_pty.py" "$BIN" "$DB" "$T/pty" finished || fails=$((fails + 1))
python3 "$SRC/tests/pictures_pty.py" "$BIN" "$T/live.db" "$T/pty-live" live || fails=$((fails + 1))

# ---- the text back end through tmux
if command -v tmux >/dev/null; then
    cap() { tmux -L "$SOCK" capture-pane -p -t s; }
    tmux -L "$SOCK" new-session -d -s s -x 120 -y 36 \
        "env AETUI_GRAPHICS=blocks TERM=xterm-256color $BIN --db $DB --screen 6; sleep 60"
    for i in $(seq 50); do cap | grep -q "samples 1-" && break; sleep 0.1; done
    blocks=$(cap | grep -o '▀' | wc -l)
    [ "$blocks" -gt 200 ] && ok "screen 6 in text: half blocks ($blocks)" || { bad "screen 6 in text: $blocks half blocks"; cap | head -20; }
    tmux -L "$SOCK" send-keys -t s 5
    sleep 1
    braille=$(cap | python3 -c "import sys; print(sum(0x2801 <= ord(c) <= 0x28ff for c in sys.stdin.read()))")
    [ "$braille" -gt 10 ] && ok "screen 5 in text: braille scatter ($braille cells)" || { bad "screen 5 in text: $braille braille cells"; cap | head -20; }
    cap | grep -q "PCA of 32 latent vectors" && ok "explained variance shown" || bad "no PCA line"
    cap | grep -q "T-shirt/top" && ok "class names in the legend" || bad "no class names"
    tmux -L "$SOCK" send-keys -t s t
    for i in $(seq 100); do cap | grep -q "t-SNE of 32 points: done" && break; sleep 0.1; done
    cap | grep -q "t-SNE of 32 points: done" && ok "t-SNE runs to the end" || bad "t-SNE: $(cap | sed -n 3p)"
    tmux -L "$SOCK" send-keys -t s q
else
    echo "note: tmux missing, text back end not checked"
fi
echo "$fails failure(s)"
[ $fails = 0 ]
