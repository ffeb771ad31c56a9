#!/usr/bin/env bash
# test_tui_browse.sh: Home, Runs and the help overlay read right at 80x24, 100x30 and 140x45
# (tmux captures): every number whole (a test MSE of 0.02527 never shows as "0"), the same
# precision on both sides (MAE 0.1000 beside 0.09212), "1 run" not "1 runs", the parent, sample
# sizes and PCA baseline columns at 140 columns, training time on Runs equal to `aetui show`'s,
# names and notes from the store made visible and cut or wrapped at word boundaries, the help
# box in line drawing in a UTF-8 terminal (ASCII otherwise) and scrolling when it is long.
# Skips (77) without tmux or /usr/bin/python3 (which edits the store's numbers).
set -u
BIN=${AETUI_BIN:?AETUI_BIN not set}
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "SKIP: /usr/bin/python3 is not installed"; exit 77; }

. "$(dirname "$0")/tui_harness.sh"
tui_setup tui_browse
sql() { "$PY" -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2], sys.argv[3:]); c.commit()' "$DB" "$@"; }
# the capture has no line wider than the window
fits() {
    local l wide=0
    while IFS= read -r l; do [ "${#l}" -gt "$1" ] && wide=1; done < <(cap)
    [ "$wide" = 0 ] && ok || bad "lines wider than $1 ($2)"
}
# the screen shows the text exactly (fixed string)
shows() { if cap | grep -qF -- "$1"; then ok; else bad "screen lacks '$1' ($2)"; cap | sed 's/^/  | /'; fi; }
lacks() { if cap | grep -qE -- "$1"; then bad "screen shows '$1' ($2)"; cap | grep -E -- "$1" | sed 's/^/  | /'; else ok; fi; }

# ---- one run: "1 run", everywhere
"$BIN" train --model lstm --latent 4 --train 64 --test 16 --epochs 1 --db "$DB" >/dev/null 2>&1 ||
    bad "aetui train failed"
start 80 24
expect "1 run in the store" 5 "status bar with one run"
lacks "1 runs" "plural with one run (Home)"
expect "Runs: 1 in the store" 3 "home counts"
keys 3
expect "1 of 1 run " 3 "runs screen with one run"
lacks "1 runs" "plural with one run (Runs)"

# ---- numbers that the old layout cut: test MSE 0.02527, MAE 0.1 beside the PCA's
"$BIN" train --from 1 --epochs 2 --train 64 --test 16 --db "$DB" >/dev/null 2>&1 || bad "aetui train --from failed"
sql "update summary set test_mse = 0.02527, best_test_loss = 0.02527, test_mae = 0.1 where run = 2"
sql "update runs set name = ? where id = 2" "$(printf 'evil \033]0;pwned\007 name with a long tail of words 0.012345678')"
sql "update runs set notes = ? where id = 2" "a note long enough to wrap on the run page, about the learning rate: try lr 0.0005 next, and 12345678 more"
train_time=$("$BIN" show 2 --db "$DB" | awk '/training time/ {print $3}')
for size in 80x24 100x30; do
    w=${size%x*} h=${size#*x}
    start "$w" "$h"
    expect "Best run" 5 "home at $size"
    shows "0.02527" "whole test MSE on Home at $size"
    lacks "test MSE 0( |$)" "a cut number on Home at $size"
    fits "$w" "home at $size"
    keys 3
    expect "sort: id" 3 "runs at $size"
    shows "0.02527" "whole test MSE on Runs at $size"
    shows "PCA MSE" "PCA baseline column at $size"
    row=$(cap | grep -E '^ +[* ] +2 +lstm' | head -1)
    case "$row " in *" $train_time "*) ok ;; *) bad "run 2's train time is not aetui show's training time ($train_time) at $size: $row" ;; esac
    fits "$w" "runs at $size"
    if cap | grep -qF -e $'\033' -e $'\007'; then bad "raw control characters on the screen at $size"; else ok; fi
    # the run's page: MAE with the precision of the PCA's, the note wrapped, the number whole
    keys g Enter
    expect "Results" 3 "run page at $size"
    shows "test MAE   0.1000" "MAE with four significant digits at $size"
    shows "0.0005" "a number in the notes kept whole at $size"
    shows "12345678" "a long number in the notes kept whole at $size"
    fits "$w" "run page at $size"
    keys Escape
done

# ---- 140 columns: parent, sample sizes, PCA, names made visible
start 140 45
expect "Best runs \(lowest test MSE" 5 "home at 140x45"
shows "evil ^[]0;" "a name's escape made visible on Home"
shows "Recent runs" "recent runs on Home"
shows "Where the missing datasets were looked for" "home fills a large window"
fits 140 "home at 140x45"
keys 3
expect "sort: id" 3 "runs at 140x45"
hdr=$(cap | grep -E '^ +id' | head -1)
for col in parent "train N" "test N" "PCA MSE" "test MAE" "train time"; do
    case $hdr in *"$col"*) ok ;; *) bad "no '$col' column at 140 columns: $hdr" ;; esac
done
row2=$(cap | grep -E '^ +[* ] +2 +lstm' | head -1)
case $row2 in *" 64 "*" 16 "*"#1"*) ok ;; *) bad "run 2's row lacks its sizes (64, 16) and parent #1: $row2" ;; esac
pca=$("$PY" -c 'import sqlite3,sys; print("%.4g" % sqlite3.connect(sys.argv[1]).execute("select mse from baselines where latent = 4").fetchone()[0])' "$DB" 2>/dev/null)
case $row2 in *"$pca"*) ok ;; *) bad "run 2's row lacks its PCA MSE $pca: $row2" ;; esac
fits 140 "runs at 140x45"
# sort by the PCA column: o goes through the columns shown
for ((i = 0; i < 20; i++)); do
    keys o
    sleep 0.3
    cap | grep -q "sort: PCA MSE" && break
done
expect "sort: PCA MSE" 3 "sort by the PCA baseline"

# ---- the help: line drawing in UTF-8, scrolling when long, ASCII without UTF-8
start 80 24
keys 3 '?'
expect "Keys: Runs screen" 3 "help on Runs"
shows "┌─" "help box in line drawing (UTF-8)"
shows "└─" "help box bottom in line drawing"
lacks "\+--" "ASCII corners in a UTF-8 terminal"
expect "Down/Space: more" 3 "a long help says it scrolls"
keys PgDn PgDn
expect "redraw the screen" 3 "the last keys reached by scrolling"
keys x
expect "sort: id" 3 "another key closes the help"
start 80 24 LC_ALL=C
keys '?'
expect "Keys: Home screen" 3 "help in the C locale"
shows "+-" "help box in ASCII without UTF-8"
lacks "┌" "line drawing without UTF-8"

echo "test_tui_browse: $passes passed, $fails failed"
[ "$fails" = 0 ]
