#!/usr/bin/env bash
# test_tui_term.sh: the interface and its terminal, through tmux: a resize mid-training redraws
# (and below 80x24 a message replaces the screens until the window grows); quitting during
# training asks, then the run is recorded as stopped with its epochs; SIGHUP mid-training
# stops and records the run and restores nothing it cannot; NO_COLOR in an 80x24 window draws
# every screen without colour. Skips (77) without tmux.
set -u
BIN=${AETUI_BIN:?AETUI_BIN not set}

. "$(dirname "$0")/tui_harness.sh"
tui_setup tui_term
wait_exit() {
    local i
    for ((i = 0; i < 100; i++)); do [ -s "$T/exit" ] && [ -s "$T/stty" ] && return 0; sleep 0.1; done
    return 1
}
status_of() { "$BIN" show --json "$1" --db "$DB" 2>/dev/null | grep -o '"status": "[a-z]*"' | head -1; }
epochs_of() { "$BIN" show --json "$1" --db "$DB" 2>/dev/null | grep '"summary"' | grep -o '"epochs": [0-9]*' | grep -o '[0-9]*$'; }
# a long tiny run: lstm (typed: the form opens on the CNN), 128 train, 32 test, 200 epochs (about 0.25 s each)
long_run() {
    keys 2 Enter lstm Enter j j j Enter 200 Enter j j j Enter 128 Enter j Enter 32 Enter s
    expect "Run #$1 training" 15 "run $1 trains"
    expect "ep [1-9][0-9]*: train" 15 "run $1 has an epoch"
}

# ---- resize mid-training, too small a window, back
start 120 36
long_run 1
# a message beside a long training status: the message is read whole, the status gives way
tmux -L "$SOCK" resize-window -t s -x 80 -y 24
sleep 0.4
keys N
expect "the next run has no parent *$" 3 "a message whole beside the training status at 80 columns"
tmux -L "$SOCK" resize-window -t s -x 90 -y 30
sleep 0.6
lines=$(cap | wc -l)
last=$(cap | tail -1)
if [ "$lines" = 30 ] && echo "$last" | grep -qE "TRAINING|PAUSED"; then ok; else bad "after resizing to 90x30: $lines lines, status '$last'"; fi
if cap | head -1 | grep -q "1 Home.*7 Model"; then ok; else bad "tab bar missing after resize"; fi
wide=0
while IFS= read -r l; do [ "${#l}" -gt 90 ] && wide=1; done < <(cap)
[ "$wide" = 0 ] && ok || bad "lines wider than 90 after resize"
expect "epoch +[0-9]+/200" 3 "progress after resize"
tmux -L "$SOCK" resize-window -t s -x 70 -y 20
expect "at least 80x23; this one is 70x20" 3 "too-small message"
tmux -L "$SOCK" resize-window -t s -x 120 -y 36
expect "Form \(Enter edits" 3 "screens back after growing"
expect "TRAINING" 3 "still training after the resizes"
keys 3
expect "running" 4 "the running run in the table"

# ---- quit during training asks, n cancels, q + y stops and records the run
keys q
expect "is training\. Stop it" 3 "quit asks while training"
keys n
expect "cancelled" 3 "n cancels"
keys q
expect "Stop it" 3 "asks again"
keys y
if wait_exit; then ok; else bad "no exit after q, y"; fi
[ "$(cat "$T/exit" 2>/dev/null)" = 0 ] && ok || bad "exit status $(cat "$T/exit" 2>/dev/null) after quitting"
grep -qE '(^| )icanon( |$)' "$T/stty" && grep -qE '(^| )echo( |$)' "$T/stty" && ok || bad "terminal not restored: $(head -c 300 "$T/stty")"
[ "$(status_of 1)" = '"status": "stopped"' ] && ok || bad "run 1 status $(status_of 1), expected stopped"
e=$(epochs_of 1)
[ "${e:-0}" -ge 1 ] && ok || bad "run 1 kept no epochs"

# ---- SIGHUP mid-training: stopped and recorded, not lost
start 120 36
long_run 2
kill -HUP "$(cat "$T/pid")"
if wait_exit; then ok; else bad "no exit after SIGHUP"; fi
[ "$(cat "$T/exit" 2>/dev/null)" = 129 ] && ok || bad "exit status $(cat "$T/exit" 2>/dev/null) after SIGHUP, expected 129"
[ "$(status_of 2)" = '"status": "stopped"' ] && ok || bad "run 2 status $(status_of 2) after SIGHUP, expected stopped"
e=$(epochs_of 2)
[ "${e:-0}" -ge 1 ] && ok || bad "run 2 kept no epochs after SIGHUP"

# ---- SIGTERM when idle restores the terminal
start 120 36
kill -TERM "$(cat "$T/pid")"
wait_exit && ok || bad "no exit after SIGTERM"
grep -qE '(^| )icanon( |$)' "$T/stty" && ok || bad "terminal not restored after SIGTERM"

# ---- NO_COLOR in 80x24: every screen, no colour escapes
start 80 24 NO_COLOR=1
expect "no colours" 3 "NO_COLOR seen"
for k in 1 2 3 4 5 6 7; do
    keys "$k"
    sleep 0.3
    n=$(cap | wc -l)
    [ "$n" = 24 ] && ok || bad "screen $k: $n lines in 80x24"
    if cap -e | grep -qE $'\e\\[[0-9;]*(3[0-7]|4[0-7]|38;5|48;5|38;2)[;m]'; then bad "screen $k has colour escapes under NO_COLOR"; else ok; fi
    cap | tail -1 | grep -qE "IDLE" && ok || bad "screen $k: no status bar on the last line"
done
keys 3
expect "of 2 runs" 3 "runs table in 80x24"
keys q
wait_exit && ok || bad "no exit after q"
[ "$(cat "$T/exit" 2>/dev/null)" = 0 ] && ok || bad "exit status after q"

echo "test_tui_term: $passes passed, $fails failed"
[ "$fails" = 0 ]
