#!/usr/bin/env bash
# test_tui_dumb.sh: the interface on a terminal it cannot draw on. TERM=dumb (no cursor
# addressing: ncurses drew every screen on one line), an unknown TERM and no TERM are refused
# at once with one line naming TERM and saying what to do, exit 2, before the store is made,
# and nothing but that line reaches the terminal. A pty from script(1); skips without it.
set -u
. "$(dirname "$0")/cli_harness.sh"
cli_setup tui_dumb
command -v script >/dev/null || { echo "SKIP: no script(1) for a pty"; exit 77; }
for term in dumb no-such-terminal ""; do
    name="TERM='$term'"
    # script copies the pty's output (the message included) to standard output
    run 2 "$name" script -qec "env TERM='$term' '$BIN' tui --db '$T/a.db' 2>&1" /dev/null
    tr -d '\r' <"$T/out" >"$T/err"
    one_line "$name" "TERM" "subcommands work without one"
    [ -z "$term" ] || has err "TERM=$term"
    if LC_ALL=C grep -q $'\x1b' "$T/out"; then bad "$name: escape sequences reached the terminal"; else ok; fi
    [ -e "$T/a.db" ] && bad "$name: the store was made" || ok
done
finish
