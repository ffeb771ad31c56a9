#!/usr/bin/env bash
# test_tui.sh: the interface driven through tmux (send-keys, capture-pane), on a private tmux
# server and a temporary store: every screen and the help open; a tiny LSTM run typed into the
# Train form starts and its curves, progress and status update; a changed latent size starts a
# child run (parent checked with `aetui show --json`); sorting, tagging and filtering runs; a
# second process's run appears; quit leaves a sane terminal. Skips (77) without tmux.
set -u
BIN=${AETUI_BIN:?AETUI_BIN not set}

. "$(dirname "$0")/tui_harness.sh"
tui_setup tui
quit_ok() { # q, then the process exits 0 and the terminal is sane
    keys q
    local i
    for ((i = 0; i < 50; i++)); do [ -s "$T/exit" ] && [ -s "$T/stty" ] && break; sleep 0.1; done
    if [ "$(cat "$T/exit" 2>/dev/null)" = 0 ]; then ok; else bad "exit status '$(cat "$T/exit" 2>/dev/null)' after q"; fi
    if grep -qE '(^| )icanon( |$)' "$T/stty" && grep -qE '(^| )echo( |$)' "$T/stty"; then ok; else bad "terminal left in raw mode: $(cat "$T/stty")"; fi
    if cap | grep -q "1 Home"; then bad "the screen was not restored after quitting"; else ok; fi
}

# ---- every screen and the help
start 120 36
expect "Runs: 0 in the store" 3 "home"
expect "sines +synthetic" 3 "datasets found"
expect "text \(Unicode blocks and braille\)" 3 "graphics mode in plain words"
keys 2; expect "Form \(Enter edits" 3 "train screen"
keys 3; expect "sort: id" 3 "runs screen"
keys 4; expect "Best CNN and best LSTM" 3 "compare screen"
keys 5; expect "Latent space" 3 "latent slot"
keys 6; expect "Reconstructions" 3 "reconstructions slot"
keys 7; expect "Total params|params" 3 "model summary"
keys '?'; expect "Keys: Model screen" 3 "help overlay"
keys x; expect "Total params|params" 3 "help closes"
keys Tab; expect "Runs: 0 in the store" 3 "Tab wraps to Home"

# ---- a tiny training run typed into the form: lstm, epochs 3, train 128, test 32
keys 2 Enter lstm Enter j j j Enter 3 Enter j j j Enter 128 Enter j Enter 32 Enter
expect "Epochs +3" 3 "epochs typed"
expect "Train +128" 3 "train samples typed"
expect "Test +32" 3 "test samples typed"
keys s
expect "TRAINING|LOADING|Run #1 (training|finished)" 10 "training starts"
expect "Run #1 finished" 30 "run 1 finishes"
expect "epoch +3/3" 3 "progress reaches 3/3"
expect "━ train" 3 "curve legend"
if cap | grep -qF -e '⡇' -e '⠒' -e '⣀' -e '⠉'; then ok; else bad "no braille curve on the Train screen"; fi
expect "best epoch [0-9]" 3 "best epoch shown"
expect "last run #1 finished" 3 "status bar"

# ---- change the latent size: a child run of run 1
keys k k k k k Enter 8 Enter
expect "Latent +8" 3 "latent changed"
expect "parent: #1" 3 "next run's parent shown"
keys s
expect "Run #2 finished" 40 "child run finishes"
expect "parent #1" 3 "child shows its parent"
if "$BIN" show --json 2 --db "$DB" | grep -q '"parent": 1'; then ok; else bad "run 2's parent is not 1: $("$BIN" show --json 2 --db "$DB" | head -2)"; fi

# ---- a second process's run appears within 2 s
"$BIN" train --model lstm --latent 4 --train 64 --test 16 --epochs 1 --db "$DB" >/dev/null 2>&1 ||
    bad "aetui train failed"
keys 3
expect "3 of 3 runs" 4 "the other process's run appears" || "$BIN" runs --db "$DB"

# ---- sorting: by latent (o three times from id), ascending with r
keys o o o
expect "lat[v▼]" 3 "sort by latent, descending"
first=$(cap | grep -E '^ +[* ] +[0-9]+ +lstm' | head -1 | awk '{print $(NF>0?4:0)}')
keys r
expect "lat[\^▲]" 3 "sort ascending"
rows=$(cap | grep -E '^ +[0-9]+ +lstm +sines' | awk '{print $4}' | tr '\n' ' ')
if [ "$rows" = "4 8 20 " ]; then ok; else bad "latent ascending order is '$rows', expected '4 8 20 '"; fi

# ---- tag the selected run, filter by that tag, by text, clear
keys g t
expect "Tag \(-tag removes\)" 3 "tag prompt"
keys keepme Enter
expect "keepme" 3 "tag shown"
keys T keepme Enter
expect "1 of 3 runs" 3 "tag filter"
keys c '/' sines Enter
expect "3 of 3 runs" 3 "text filter sines"
keys '/' C-u zzz Enter
expect "0 of 3 runs" 3 "text filter with no match"
keys c
expect "3 of 3 runs" 3 "filters cleared"
# mark two runs, Compare overlays them
keys g Space Space 4
expect "Test loss" 3 "compare overlay"
expect "━ #[0-9]+ +lstm +sines" 3 "the marked runs' table, a swatch of their curve's colour first"
# Enter opens a run's page, Esc returns
keys 3 g Enter
expect "Hyperparameters" 3 "run page"
keys Escape
expect "of 3 runs" 3 "back to the table"

quit_ok
echo "test_tui: $passes passed, $fails failed"
[ "$fails" = 0 ]
