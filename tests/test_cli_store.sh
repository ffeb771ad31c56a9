#!/usr/bin/env bash
# test_cli_store.sh: the run store's subcommands (runs, show, export, rm, tag, untag, note),
# good and bad input, against a store that tests/test_store --fill makes (no sqlite3 CLI is
# needed): exit statuses, messages, aligned tables, JSON, control characters made visible,
# rm's confirmation rules, default path resolution, newer / foreign / corrupt / locked files.
set -u
BIN=${AETUI_BIN:?AETUI_BIN not set}
HELPER=$(dirname "$BIN")/tests/test_store
[ -x "$HELPER" ] || { echo "SKIP: $HELPER not built"; exit 77; }
T=${AETUI_TEST_TMP:-/tmp}/cli_store.$$
rm -rf "$T" && mkdir -p "$T" || exit 1
trap 'rm -rf "$T"' EXIT
unset AETUI_DB
export XDG_DATA_HOME=$T/xdg HOME=$T/home
DB=$T/s/aetui.db
mkdir -p "$T/s"
"$HELPER" --fill "$DB" >/dev/null || { echo "FAIL: fill"; exit 1; }

. "$(dirname "$0")/cli_harness.sh"
no_escapes() { if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$T/out" "$T/err"; then bad "raw control characters in output of $1"; else ok; fi; }
json_ok() {
    if command -v python3 >/dev/null; then
        if python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/out" 2>/dev/null; then ok; else bad "invalid JSON from $1"; fi
    fi
}

# --help everywhere
for c in runs show export rm tag untag note; do
    expect 0 "$BIN" $c --help
    has out "usage: aetui $c"
done

# runs
expect 0 "$BIN" runs --db "$DB"
has out "^ID  *MODEL  *DATASET  *STATUS"
has out "interrupted"       # run 4's pid is gone: marked on open
has out 'evil^\[\]0;pwned^Gname^J'
has out 'baseline,t^\[\[1mbold'
no_escapes runs
if grep -q ' $' "$T/out"; then bad "trailing blanks in the table"; else ok; fi
# columns aligned: STATUS starts at the same column on every line
[ "$(awk 'NR==1{print index($0,"STATUS")}' "$T/out")" -gt 0 ] && ok || bad "no STATUS column"
expect 0 "$BIN" runs --db "$DB" --json
json_ok "runs --json"
has out '"name": "evil\\u001b\]0;pwned\\u0007name\\u000a"'
no_escapes "runs --json"
expect 0 "$BIN" runs --db "$DB" --model cnn --json
has out '"model": "cnn"'
hasnt out '"model": "lstm"'
expect 0 "$BIN" runs --db "$DB" --status diverged
has out "diverged"
hasnt out "finished"
expect 0 "$BIN" runs --db "$DB" --tag baseline --json
[ "$(grep -c '"id"' "$T/out")" = 2 ] && ok || bad "--tag baseline: $(cat "$T/out")"
expect 0 "$BIN" runs --db "$DB" --sort lr
[ "$(awk 'NR>1{print $1}' "$T/out" | tr '\n' ' ')" = "3 1 2 4 " ] && ok || bad "--sort lr order: $(cat "$T/out")"
expect 0 "$BIN" runs --db "$DB" --sort -latent --limit 2 --json
[ "$(grep -o '"id": [0-9]*' "$T/out" | tr '\n' ' ')" = '"id": 2 "id": 1 ' ] && ok || bad "--sort -latent: $(cat "$T/out")"
expect 0 "$BIN" runs --db "$DB" --sort best --json
json_ok "runs --sort best"
expect 2 "$BIN" runs --db "$DB" --sort bogus
has err "unknown sort column 'bogus'"
expect 2 "$BIN" runs --db "$DB" --status bogus
has err "not a status"
expect 2 "$BIN" runs --db "$DB" --limit 0
expect 2 "$BIN" runs --db "$DB" --limit abc
expect 2 "$BIN" runs --db "$DB" --frobnicate
has err "unknown option '--frobnicate'"
expect 2 "$BIN" runs --db "$DB" extra
expect 2 "$BIN" runs --db
has err "needs a value"
AETUI_DB=$DB expect 0 "$BIN" runs --json
has out '"id": 1'
# default path: $XDG_DATA_HOME/aetui/aetui.db, not created by a listing
expect 0 "$BIN" runs --json
has out '^\[\]$'
[ ! -e "$XDG_DATA_HOME/aetui/aetui.db" ] && ok || bad "runs created the default store"
expect 0 "$BIN" runs
has err "no runs yet (no run store at $XDG_DATA_HOME/aetui/aetui.db)"
expect 2 "$BIN" runs --db "$T"
has err "not a regular file"

# show
expect 0 "$BIN" show 3 --db "$DB"
has out "run 3: lstm on sines, finished"
has out "hyperparameters"
has out "EPOCH  *TRAIN LOSS"
has out 'line1^Jline2 ^\[\[31mred'
has out "files  *$T/s/aetui.runs/3"
no_escapes show
expect 0 "$BIN" show --json 3 --db "$DB"
json_ok "show --json"
has out '"epochs": \['
expect 0 "$BIN" show 4 --db "$DB"
has out "interrupted"
has out "ended without closing the run"
expect 2 "$BIN" show 999 --db "$DB"
has err "run 999: no such run"
expect 2 "$BIN" show abc --db "$DB"
has err "'abc' is not a run id"
expect 2 "$BIN" show -- -3 --db "$DB"
expect 2 "$BIN" show --db "$DB"
expect 2 "$BIN" show 1 2 --db "$DB"
expect 2 "$BIN" show 1 --db "$T/nothing.db"
has err "no run store there"

# export
expect 0 "$BIN" export 1 --csv "$T/e.csv" --db "$DB"
[ "$(head -1 "$T/e.csv")" = "epoch,train_loss,train_mae,test_loss,test_mae,seconds,samples_per_sec,lr,batches" ] && ok || bad "csv header: $(head -1 "$T/e.csv")"
[ "$(wc -l <"$T/e.csv")" = 6 ] && ok || bad "csv rows: $(wc -l <"$T/e.csv")"
has_csv=$(sed -n 3p "$T/e.csv")
[ "${has_csv%%,*}" = 2 ] && ok || bad "csv second epoch: $has_csv"
expect 0 "$BIN" export 1 --csv - --db "$DB"
has out "^5,"
expect 2 "$BIN" export 999 --csv "$T/x.csv" --db "$DB"
has err "no such run"
[ ! -e "$T/x.csv" ] && ok || bad "export of an unknown run left a file"
expect 2 "$BIN" export 1 --db "$DB"
has err "what to export"
expect 2 "$BIN" export --csv "$T/x.csv" --db "$DB"
expect 2 "$BIN" export 1 --csv /proc/aetui-no-such-dir/x.csv --db "$DB"
has err "cannot create"
expect 2 "$BIN" export 1 --json --db "$DB"

# tag / untag
expect 0 "$BIN" tag 1 new other --db "$DB"
expect 0 "$BIN" runs --tag new --json --db "$DB"
has out '"id": 1'
has out '"tags": \["baseline", "new", "other"\]'
expect 0 "$BIN" untag 1 new --db "$DB"
expect 0 "$BIN" runs --tag new --json --db "$DB"
has out '^\[\]$'
expect 0 "$BIN" untag 1 never-had --db "$DB"
expect 2 "$BIN" tag 999 x --db "$DB"
has err "no such run"
expect 2 "$BIN" tag 1 "a,b" --db "$DB"
expect 2 "$BIN" tag 1 "" --db "$DB"
expect 2 "$BIN" tag 1 $'x\x1by' --db "$DB"
has err 'x^\[y'
expect 2 "$BIN" tag 1 "$(printf 'x%.0s' {1..64})" --db "$DB"
has err "too long"
expect 2 "$BIN" tag 1 --db "$DB"
expect 2 "$BIN" untag abc t --db "$DB"

# note
expect 0 "$BIN" note 1 hello   world --db "$DB"
expect 0 "$BIN" show 1 --db "$DB"
has out "hello world"
expect 0 "$BIN" note 1 --db "$DB" -- "-starts with a dash"
expect 0 "$BIN" show 1 --json --db "$DB"
has out '"notes": "-starts with a dash"'
expect 0 "$BIN" note 1 "" --db "$DB"
expect 2 "$BIN" note 999 x --db "$DB"
has err "no such run"
expect 2 "$BIN" note 1 --db "$DB"
expect 2 "$BIN" note 1 "$(head -c 5000 /dev/zero | tr '\0' x)" --db "$DB"
has err "too long"
# the issue's note (a title change and a screen clear): kept, and never raw on any output
expect 0 "$BIN" note 1 $'\e]0;pwned\a\e[2J' --db "$DB"
for view in "show 1" "show 1 --json" "runs" "runs --json"; do
    # shellcheck disable=SC2086
    expect 0 "$BIN" $view --db "$DB"
    no_escapes "$view after the escape note"
done
expect 0 "$BIN" show 1 --db "$DB"
has out '\^\[\]0;pwned\^G\^\[\[2J'

# rm
mkdir -p "$T/s/aetui.runs/2/sub" && echo x >"$T/s/aetui.runs/2/sub/ckpt"
expect 2 "$BIN" rm 2 --db "$DB"
has err "not a terminal"
expect 0 "$BIN" show 2 --db "$DB"
expect 2 "$BIN" rm 2 999 --yes --db "$DB"
has err "run 999: no such run"
expect 0 "$BIN" show 2 --db "$DB"
expect 0 "$BIN" rm 2 2 --yes --db "$DB"
has out "deleted run 2"
[ ! -e "$T/s/aetui.runs/2" ] && ok || bad "rm left the run's directory"
expect 2 "$BIN" show 2 --db "$DB"
expect 2 "$BIN" rm --yes --db "$DB"
expect 2 "$BIN" rm abc --yes --db "$DB"
if command -v script >/dev/null; then # a terminal that answers no, then yes
    echo n | script -qec "$BIN rm 1 --db $DB" /dev/null >"$T/out" 2>&1
    has out "delete run 1 and its files? \[y/N\]"
    expect 0 "$BIN" show 1 --db "$DB"
    echo y | script -qec "$BIN rm 1 --db $DB" /dev/null >"$T/out" 2>&1
    expect 2 "$BIN" show 1 --db "$DB"
fi

# a store from a newer aetui: readable, not writable, said so
cp "$DB" "$T/newer.db"
"$HELPER" --bump-version "$T/newer.db"
expect 0 "$BIN" runs --db "$T/newer.db"
has err "newer than this aetui knows"
has err "read-only"
expect 2 "$BIN" tag 3 x --db "$T/newer.db"
has err "read-only"

# not SQLite, not ours, corrupt: refused, untouched
printf 'hello, not a database\n' >"$T/text.db"
cp "$T/text.db" "$T/text.orig"
expect 2 "$BIN" runs --db "$T/text.db"
has err "not a SQLite database"
cmp -s "$T/text.db" "$T/text.orig" && ok || bad "text file changed"
{ printf 'SQLite format 3\0'; head -c 4000 /dev/urandom; } >"$T/corrupt.db"
cp "$T/corrupt.db" "$T/corrupt.orig"
expect 2 "$BIN" show 1 --db "$T/corrupt.db"
cmp -s "$T/corrupt.db" "$T/corrupt.orig" && ok || bad "corrupt file changed"

# locked: another process holds the write lock longer than the busy timeout
"$HELPER" --lock "$DB" 7 >"$T/lock.out" &
lockpid=$!
for _ in $(seq 50); do grep -q locked "$T/lock.out" 2>/dev/null && break; sleep 0.1; done
expect 2 "$BIN" tag 3 z --db "$DB"
has err "locked"
expect 0 "$BIN" runs --db "$DB" # readers are not blocked by a writer (WAL)
wait $lockpid

echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
