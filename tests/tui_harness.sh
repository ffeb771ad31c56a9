# tui_harness.sh: what the tmux-driven TUI tests share (sourced by test_tui*.sh, not a test).
# The caller sets BIN and calls tui_setup NAME, which sets T (its temporary directory), SOCK (a
# private tmux socket name) and DB; it defines nothing else of these names. APP_ARGS (optional)
# holds more options for the program (put before --db, e.g. "--screen 2 --data-dir DIR"). Every
# helper talks to the one session "s".
fails=0 passes=0
# tui_setup NAME: skips (77) without tmux; a private temporary directory $T and tmux server
# $SOCK, both gone on exit; the environment cleared of the user's settings (UTF-8, text
# pictures, a private home) and the store $DB in $T
tui_setup() {
    command -v tmux >/dev/null || { echo "SKIP: tmux is not installed"; exit 77; }
    T=${AETUI_TEST_TMP:-/tmp}/$1.$$
    rm -rf "$T" && mkdir -p "$T" || exit 1
    SOCK=aetui_$1_$$
    trap 'tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$T"' EXIT
    unset AETUI_DB NO_COLOR AETUI_TRACE AETUI_DATA
    export XDG_DATA_HOME=$T/xdg HOME=$T/home LC_ALL=C.UTF-8 AETUI_GRAPHICS=blocks
    DB=$T/aetui.db
}
ok() { passes=$((passes + 1)); }
bad() { fails=$((fails + 1)); echo "FAIL: $*"; }
cap() { tmux -L "$SOCK" capture-pane -p -t s "$@"; }
keys() { tmux -L "$SOCK" send-keys -t s "$@"; }
# wait_for PATTERN SECONDS: until the screen shows PATTERN (grep -E)
wait_for() {
    local i n=$(($2 * 10))
    for ((i = 0; i < n; i++)); do
        cap | grep -qE -- "$1" && return 0
        sleep 0.1
    done
    return 1
}
expect() { if wait_for "$1" "${2:-5}"; then ok; else bad "screen lacks '$1' ($3)"; cap | sed 's/^/  | /' | head -40; fi; }
# start W H [ENV...]: a fresh session running the interface on $DB; when the program ends, its
# exit status goes to $T/exit and the terminal's settings to $T/stty
start() {
    local w=$1 h=$2 i
    shift 2
    tmux -L "$SOCK" kill-server 2>/dev/null
    # kill-server returns before the server is gone; a session made meanwhile dies with it
    for ((i = 0; i < 50; i++)); do tmux -L "$SOCK" list-sessions >/dev/null 2>&1 || break; sleep 0.1; done
    rm -f "$T/exit" "$T/stty" "$T/pid"
    tmux -L "$SOCK" new-session -d -s s -x "$w" -y "$h" \
        "env $* sh -c 'echo \$\$ > $T/pid; exec $BIN ${APP_ARGS:-} --db $DB'; echo \$? > $T/exit; stty -a > $T/stty 2>&1; sleep 600"
    wait_for "1 Home|at least 80x" 20 || { bad "the interface did not start"; cap; }
}
