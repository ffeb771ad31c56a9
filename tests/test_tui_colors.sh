#!/usr/bin/env bash
# test_tui_colors.sh: every screen's colours read on a white and on a black terminal (issue 10,
# item 6). The interface runs in tmux with two small runs in its store (text pictures, as over
# SSH); every screen, the Runs table with a marked row, a run's page, the help overlay, a form
# field being edited and a question are captured with their colours (capture-pane -e) at
# 80x24 and 140x45, and tests/sgr_check.py checks every cell against the rule: the terminal's
# own colours, a foreground readable on white and on black, or a foreground and background
# set together; never a background alone. Skips (77) without tmux or /usr/bin/python3.
set -u
BIN=${AETUI_BIN:?AETUI_BIN not set}
[ -x /usr/bin/python3 ] || { echo "SKIP: /usr/bin/python3 is not installed"; exit 77; }
. "$(dirname "$0")/tui_harness.sh"
tui_setup tui_colors
CHECK=$(dirname "$0")/sgr_check.py

"$BIN" train --model lstm --train 96 --test 32 --epochs 2 --db "$DB" >/dev/null 2>&1 ||
    bad "lstm run"
"$BIN" train --model cnn --dataset fashion-mnist --train 64 --test 32 --epochs 1 --db "$DB" \
    >/dev/null 2>&1 || echo "note: no fashion-mnist; the CNN run is left out"
"$BIN" note 1 "a note on the first run" --db "$DB" >/dev/null 2>&1

shots=()
snap() { # NAME: the pane with its colours
    sleep 0.8
    cap -e >"$T/$1.ansi"
    shots+=("$T/$1.ansi")
}
for size in "80 24" "140 45"; do
    set -- $size
    start "$1" "$2"
    tag=$1x$2
    keys 1 && snap "home-$tag"
    keys 2 && snap "train-$tag"
    keys Enter && snap "train-edit-$tag"
    keys Escape
    keys 3 && keys Space && snap "runs-marked-$tag"
    keys j && snap "runs-selected-$tag"
    keys Enter && snap "run-page-$tag"
    keys Escape
    keys d && snap "question-$tag"
    keys n
    keys 4 && snap "compare-$tag"
    keys 5 && sleep 2 && snap "latent-$tag"
    keys 6 && sleep 1 && snap "recon-$tag"
    keys 7 && snap "model-$tag"
    keys '?' && snap "help-$tag"
    keys Escape q
done
tmux -L "$SOCK" resize-window -t s -x 60 -y 20 2>/dev/null
if /usr/bin/python3 "$CHECK" "${shots[@]}" >"$T/check.out"; then
    ok
else
    bad "colours that do not read on a light or a dark terminal:"
    grep FAIL "$T/check.out" | head -40
fi
grep -v FAIL "$T/check.out" | tail -3
# the checker itself sees yellow on the default background, and a background alone
printf '\033[33mwarn\033[0m\n\033[46m  x  \033[0m\n' >"$T/known-bad.ansi"
n=$(/usr/bin/python3 "$CHECK" "$T/known-bad.ansi" | grep -c FAIL)
[ "$n" -ge 2 ] && ok || bad "the checker missed known bad colours ($n)"
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
