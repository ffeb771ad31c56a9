#!/usr/bin/env bash
# test_compare.sh: the Compare screen and the run queue through tmux (issue 10 items 8, 9).
# On a store of tiny LSTM runs at latent 8, 16, 32 (two seeds), 64 and a stopped one at 128:
# the elbow chart holds finished runs only, on a log2 axis labelled 8 16 32 64, its y labels
# distinct and reaching the data's top, the spread of the two seeds and PCA beside it; the table
# lists the runs without cutting a number at 80 columns and grows columns at 140; `w` asks
# (what, how long) before queueing a sweep and nothing trains until yes; the queue shows on
# Compare and Train; `x` asks whether to drop the rest (y drops, n trains them next), `C` drops
# it, `q` asks when runs are queued; the elbow's group (g) is remembered across visits.
# Skips (77) without tmux or /usr/bin/python3.
set -u
BIN=${AETUI_BIN:?AETUI_BIN not set}
command -v tmux >/dev/null || { echo "SKIP: tmux is not installed"; exit 77; }
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "SKIP: /usr/bin/python3 is not installed"; exit 77; }
T=${AETUI_TEST_TMP:-/tmp}/compare.$$
rm -rf "$T" && mkdir -p "$T" || exit 1
SOCK=aetui_cmp_$$
cleanup() { tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
unset AETUI_DB NO_COLOR AETUI_TRACE APP_ARGS
export XDG_DATA_HOME=$T/xdg HOME=$T/home LC_ALL=C.UTF-8 AETUI_GRAPHICS=blocks
DB=$T/aetui.db

. "$(dirname "$0")/tui_harness.sh"
train() { "$BIN" train --train 256 --test 64 --epochs 1 --threads 1 --db "$DB" "$@" >/dev/null 2>&1; }
nruns() { "$BIN" runs --db "$DB" | tail -n +2 | grep -c .; }
# the screen's text with a question box's lines joined into one line (the text between the
# box's side bars, or the whole line outside the box)
flat() { cap | sed 's/│/|/g; s/^[^|]*|//; s/|[^|]*$//' | tr '\n' ' ' | tr -s ' '; } # box sides: │ (UTF-8) or |
expect_flat() {
    local i
    for ((i = 0; i < ${2:-5} * 10; i++)); do flat | grep -qE -- "$1" && { ok; return 0; }; sleep 0.1; done
    bad "screen lacks '$1' ($3)"
    cap | sed 's/^/  | /' | head -30
}
# expect_gone PATTERN SECONDS WHAT: until the screen no longer shows PATTERN
expect_gone() {
    local i
    for ((i = 0; i < ${2:-5} * 10; i++)); do cap | grep -qE -- "$1" || { ok; return 0; }; sleep 0.1; done
    bad "screen still shows '$1' ($3)"
    cap | sed 's/^/  | /' | head -30
}
status_of() { "$BIN" runs --db "$DB" --json | "$PY" -c "import json,sys; r=[x for x in json.load(sys.stdin) if x['id']==$1]; print(r[0]['status'] + ' ' + ','.join(r[0]['tags']) if r else 'none')"; }

# ---- the store: a CNN group first (when Fashion-MNIST is there), then LSTM runs
have_cnn=0
train --model cnn --dataset fashion-mnist --latent 8 --train 64 --test 16 && have_cnn=1
for l in 8 16 32 64; do train --model lstm --latent $l || bad "aetui train --latent $l failed"; done
train --model lstm --latent 32 --seed 2 || bad "aetui train --seed 2 failed"
train --model lstm --latent 128 || bad "aetui train --latent 128 failed"
"$PY" - "$DB" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("update runs set status = 'stopped' where id = (select max(id) from runs)")
c.commit()
EOF
base=$(nruns)

# ---- the elbow: finished runs only, log2 axis, distinct y labels up to the data's top
start 80 24
keys 4
expect "lstm/sines" 5 "the elbow shows the newest group"
expect "AE \(mean, range\)" 3 "two seeds at latent 32: mean and range"
expect "━ PCA" 3 "PCA beside the autoencoder"
expect "^ .* 8 +16 +32 +64( |$)" 3 "log2 latent axis labelled 8 16 32 64"
if cap | grep -E " 8 +16 +32 +64" | grep -q 128; then bad "the stopped run's latent 128 is on the axis"; else ok; fi
expect "1 lstm run on sines left out|left out" 3 "the stopped run is said to be left out"
cap > "$T/screen.txt"
"$BIN" runs --db "$DB" --status finished --model lstm --json > "$T/finished.json"
"$PY" - "$T/screen.txt" "$T/finished.json" <<'EOF' && ok || bad "elbow y labels"
import json, re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
labels = []
for ln in lines[1:13]:                       # the charts' rows at 80x24
    right = ln[40:]                          # the elbow is the right half
    m = re.match(r"^ *([0-9][0-9.e-]*) [\u2800-\u28ff]", right)
    if m:
        labels.append(m.group(1))
top = max(r["test_mse"] for r in json.load(open(sys.argv[2])))
ok = len(labels) >= 2 and len(set(labels)) == len(labels) and float(labels[0]) >= top
print("elbow y labels (top first):", labels, "data top:", top)
sys.exit(0 if ok else 1)
EOF
# the table at 80 columns: every number whole (the test MSE as `aetui runs` rounds it)
expect " run +model +dataset +lat +ep +test MSE +PCA MSE +MAE +params +time" 3 "table header at 80 columns"

# ---- w asks before queueing: what and how long; nothing trains before yes
keys 3
expect "of $base runs" 5 "runs table"
keys l 2 j j j Enter 200 Enter
expect "Epochs +200" 3 "epochs set to 200 (each queued run lasts a while)"
keys 4 w
expect_flat "Train 4 runs of lstm on sines, latent 8, 16, 32, 64, 200 epochs of 256 samples each: about [0-9]" 3 "w asks, saying what and how long"
expect_flat "from 5 finished runs" 3 "the estimate says what it rests on"
sleep 1
if [ "$(nruns)" = "$base" ]; then ok; else bad "a run started before the answer: $(nruns) runs"; fi
keys n
expect "nothing queued" 3 "n queues nothing"
sleep 1
if [ "$(nruns)" = "$base" ] && cap | grep -q "IDLE"; then ok; else bad "n still trained: $(nruns) runs"; fi

# ---- y: the queue shows on Compare and Train; x asks; y drops the rest
keys w
expect_flat "Train 4 runs" 3 "asks again"
keys y
expect "3 queued \(latent 16, 32, 64\), about .*C cancels" 10 "the queue on Compare, with its key"
keys 2
expect "3 queued, about .*C cancels" 5 "the queue on Train"
expect "\+3 queued" 3 "the status bar counts the queue"
keys x
expect_flat "Drop the 3 queued runs \(latent 16, 32, 64\) too\?" 5 "x asks whether to drop the queue"
keys y
expect "dropped the 3 queued runs" 3 "y dropped them"
expect "IDLE" 30 "the stopped run ends"
sleep 2
if [ "$(nruns)" = $((base + 1)) ]; then ok; else bad "after x, y: $(nruns) runs, expected $((base + 1))"; fi
s=$(status_of $((base + 1)))
if [ "$s" = "stopped sweep" ]; then ok; else bad "the sweep's first run is '$s', expected 'stopped sweep'"; fi
if cap | grep -qE "queued \(|queued, about"; then bad "the queue is still shown after it was dropped"; else ok; fi

# ---- x, n: the next queued run starts; C drops the rest
keys 4 w
expect_flat "Train 4 runs" 3 "asks for the second sweep"
keys y
expect "3 queued" 10 "second sweep queued"
keys 2 x
expect_flat "Drop the 3 queued runs" 5 "x asks again"
keys n
expect "2 queued, about" 30 "after n the next queued run trains"
keys C
expect_gone "queued, about" 3 "C drops the queue"
keys x
expect "STOPPING|IDLE" 5 "x without a queue stops at once, asking nothing"
if cap | grep -q "Question"; then bad "x asked with nothing queued"; else ok; fi
expect "IDLE" 30 "the run in progress ends"
sleep 2
if [ "$(nruns)" = $((base + 3)) ]; then ok; else bad "after x, n, C: $(nruns) runs, expected $((base + 3))"; fi

# ---- the elbow's group is remembered across visits
if [ $have_cnn = 1 ]; then
    keys 4 g
    expect "cnn/fashion-mnist" 3 "g shows the CNN group"
    keys 1 4
    expect "cnn/fashion-mnist" 3 "the CNN group again after leaving Compare"
    keys g
    expect "lstm/sines" 3 "g goes back to the LSTM group"
else
    skips=1
    echo "SKIP: no Fashion-MNIST, the group test"
fi

# ---- quitting with runs queued asks; n stays; y stops the run, drops the queue and quits
keys 4 w
expect_flat "Train 4 runs" 3 "asks for the third sweep"
keys y
expect "3 queued" 10 "third sweep queued"
keys q
expect_flat "Run #[0-9]+ is training\. Stop it \(epochs kept, status stopped\) and drop the 3 queued runs and quit\?" 5 "q asks, naming the queue"
keys n
expect_gone "Question" 3 "n cancels quitting"
expect "TRAINING .*\+3 queued" 3 "still training, the queue kept"
keys q
expect_flat "drop the 3 queued runs" 5 "q asks again"
keys y
for ((i = 0; i < 100; i++)); do [ -s "$T/exit" ] && break; sleep 0.1; done
if [ "$(cat "$T/exit" 2>/dev/null)" = 0 ]; then ok; else bad "exit status '$(cat "$T/exit" 2>/dev/null)' after q, y"; fi
sleep 2
if [ "$(nruns)" = $((base + 4)) ]; then ok; else bad "after quitting: $(nruns) runs, expected $((base + 4)) (the queue was not dropped?)"; fi
s=$(status_of $((base + 4)))
if [ "$s" = "stopped sweep" ]; then ok; else bad "the run quit from is '$s', expected 'stopped sweep'"; fi

# ---- 140x45: more columns, the charts grow, nothing numeric cut
start 140 45
keys 3 Space j Space 4
expect " run +model +dataset +lat +ep +train +test MSE +PCA MSE +vs PCA +MAE +ratio +params +time +samples/s +status +seed" 5 "all the columns at 140"
rows=$(cap | grep -cE "^ ━ #[0-9]+ ")
if [ "$rows" = 2 ]; then ok; else bad "the table lists $rows runs, expected the 2 marked"; fi
"$BIN" runs --db "$DB" --json > "$T/all.json"
cap > "$T/wide.txt"
"$PY" - "$T/wide.txt" "$T/all.json" <<'EOF' && ok || bad "a table row lost a number"
import json, re, sys
runs = {r["id"]: r for r in json.load(open(sys.argv[2]))}
bad = 0
for ln in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r"^ \u2501 #(\d+) +(\S+) +(\S+) +(\d+) +(\d+) +(\d+) +(\S+) ", ln)
    if not m:
        continue
    r = runs[int(m.group(1))]
    if abs(float(m.group(7)) - r["test_mse"]) > 5e-4 * r["test_mse"]:
        print("run", r["id"], "shows test MSE", m.group(7), "for", r["test_mse"]); bad = 1
sys.exit(bad)
EOF
keys q
echo "test_compare: $passes passed, $fails failed, ${skips:-0} parts skipped"
[ "$fails" = 0 ] || exit 1
[ "${skips:-0}" = 0 ] || exit 77 # ctest: "Skipped", not a silent pass
