# testlib.sh: what the shell tests share (source it): counting checks and running the program.
#   ok / bad MSG          count a pass / a failure (printed)
#   expect STATUS CMD...  runs CMD (stdin /dev/null) into $T/out and $T/err, checks its status
#   has FILE TEXT         $T/FILE contains TEXT (a grep pattern); hasnt: does not
#   skipped WHY           a part that could not run here (no data, no tool): counted, printed
#   finish                prints the counts; exit status 1 when something failed, else 77 (ctest's
#                         SKIP_RETURN_CODE: "Skipped" in its summary) when a part was skipped, else 0
# The test sets T (its private directory) before using expect/has.
fails=0 passes=0 skips=0
skipped() {
    skips=$((skips + 1))
    echo "SKIP: $*"
}
ok() { passes=$((passes + 1)); }
bad() {
    fails=$((fails + 1))
    echo "FAIL: $*"
}
expect() {
    local want=$1
    shift
    "$@" >"$T/out" 2>"$T/err" </dev/null
    local got=$?
    if [ "$got" = "$want" ]; then ok; else bad "'$*' exited $got, expected $want: $(head -c 400 "$T/err")"; fi
}
has() { if grep -q -- "$2" "$T/$1"; then ok; else bad "$1 lacks '$2': $(head -c 400 "$T/$1")"; fi; }
hasnt() { if grep -q -- "$2" "$T/$1"; then bad "$1 has '$2': $(head -c 400 "$T/$1")"; else ok; fi; }
finish() {
    echo "$passes passed, $fails failed, $skips parts skipped"
    [ "$fails" = 0 ] || return 1
    [ "$skips" = 0 ] || return 77
}
