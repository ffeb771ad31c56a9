# cli_harness.sh: what the command-line tests share (sourced by test_cli_*.sh, not a test).
# Sets BIN (the program), T (a private temporary directory, removed at exit; the caller names
# it with cli_setup NAME) and a private store-free environment; counts passes and failures.
#   run STATUS NAME CMD...   runs CMD (60 s timeout: a hang is a failure), stdout and stderr in
#                            $O/out and $O/err ($O is $T unless the caller changes it)
#   one_line NAME NEEDLE...  stderr is exactly one line, holding every NEEDLE
#   expect STATUS CMD...     run, named by the command line, with a 600 s timeout
#                            ($EXPECT_TIMEOUT), for the tests that only need the status
#   has out|err PATTERN      the last command's stdout or stderr matches (grep)
#   hasnt out|err PATTERN    it does not
#   skipped WHY              a part that could not run here (no data, no tool): counted, printed
#   finish                   prints the counts; the script's exit status: 1 when something
#                            failed, else 77 (ctest's SKIP_RETURN_CODE, "Skipped" in its summary
#                            rather than a silent pass) when a part was skipped, else 0
# Tests that do not call cli_setup set T themselves; $O defaults to it.
BIN=${AETUI_BIN:?AETUI_BIN not set}
cli_setup() {
    T=${AETUI_TEST_TMP:-/tmp}/$1.$$
    O=$T
    rm -rf "$T" && mkdir -p "$T" || exit 1
    trap 'rm -rf "$T"' EXIT
    unset AETUI_DB AETUI_DATA
    export XDG_DATA_HOME=$T/xdg HOME=$T/home
}
fails=0 passes=0 skips=0
skipped() { skips=$((skips + 1)); echo "SKIP: $*"; }
ok() { passes=$((passes + 1)); }
bad() { fails=$((fails + 1)); echo "FAIL: $*"; }
run() {
    local want=$1 name=$2
    shift 2
    timeout "${RUN_TIMEOUT:-60}" "$@" >"$O/out" 2>"$O/err" </dev/null
    local got=$?
    if [ "$got" = 124 ]; then
        bad "$name: hung (killed after ${RUN_TIMEOUT:-60} s)"
    elif [ "$got" = "$want" ]; then
        ok
    else
        bad "$name: exit $got, expected $want: $(head -c 400 "$O/err")"
    fi
    return 0
}
one_line() {
    local name=$1 n s
    shift
    n=$(wc -l <"$O/err")
    [ "$n" = 1 ] || { bad "$name: $n lines on stderr, expected 1: $(head -c 400 "$O/err")"; return 0; }
    for s in "$@"; do
        grep -q -- "$s" "$O/err" && ok || bad "$name: stderr lacks '$s': $(cat "$O/err")"
    done
    return 0
}
expect() {
    local want=$1
    shift
    : "${O:=$T}"
    RUN_TIMEOUT=${EXPECT_TIMEOUT:-600} run "$want" "'$*'" "$@"
}
has() { if grep -q -- "$2" "${O:-$T}/$1"; then ok; else bad "$1 lacks '$2': $(head -c 300 "${O:-$T}/$1")"; fi; }
hasnt() { if grep -q -- "$2" "${O:-$T}/$1"; then bad "$1 has '$2'"; else ok; fi; }
finish() {
    echo "$passes passed, $fails failed, $skips parts skipped"
    [ "$fails" = 0 ] || return 1
    [ "$skips" = 0 ] || return 77
}
