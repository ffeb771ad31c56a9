#!/usr/bin/env bash
# test_baseline.sh: the PCA linear baseline (aetui baseline, pca_test_mse in aetui train's
# summary) and aetui embed RUN (a recorded run's latent vectors): results, the store cache
# (second call cached and equal), bad input exiting 2 with a message, CSV output.
# Small sizes only: sines always, Fashion-MNIST when /usr/share/datasets/fashion-mnist exists.
set -u
BIN=${AETUI_BIN:?AETUI_BIN not set}
HELPER=$(dirname "$BIN")/tests/test_store
T=${AETUI_TEST_TMP:-/tmp}/baseline.$$
rm -rf "$T" && mkdir -p "$T" || exit 1
trap 'rm -rf "$T"' EXIT
unset AETUI_DB
export XDG_DATA_HOME=$T/xdg HOME=$T/home
DB=$T/aetui.db

. "$(dirname "$0")/cli_harness.sh"
# field FILE KEY: a key of the last JSON object in FILE ("" when missing)
field() {
    python3 -c 'import json,sys
o = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
v = o.get(sys.argv[2], "")
print("null" if v is None else str(v).lower() if isinstance(v, bool) else v)' "$1" "$2" 2>/dev/null
}
command -v python3 >/dev/null || { echo "SKIP: python3 needed to read JSON"; exit 77; }

# ---- aetui baseline -------------------------------------------------------------------
expect 0 "$BIN" baseline --help
has out "usage: aetui baseline"

B=("$BIN" baseline --db "$DB")
expect 0 "${B[@]}" --dataset sines --train 200 --test 50 --latent 8 --json
cp "$T/out" "$T/first.json"
[ "$(field "$T/first.json" cached)" = false ] && ok || bad "first call not computed: $(cat "$T/out")"
mse1=$(field "$T/first.json" test_mse) mae1=$(field "$T/first.json" test_mae)
python3 -c "import sys; m, a = float('$mse1'), float('$mae1'); sys.exit(not (0 < m < 1 and 0 < a < 1))" &&
    ok || bad "implausible sines baseline: mse $mse1 mae $mae1"
[ "$(field "$T/first.json" train)/$(field "$T/first.json" test)/$(field "$T/first.json" latent)" = 200/50/8 ] &&
    ok || bad "sizes in JSON: $(cat "$T/first.json")"
[ -f "$DB" ] && ok || bad "the store was not created"

expect 0 "${B[@]}" --dataset sines --train 200 --test 50 --latent 8 --json
[ "$(field "$T/out" cached)" = true ] && ok || bad "second call not cached: $(cat "$T/out")"
[ "$(field "$T/out" test_mse)" = "$mse1" ] && [ "$(field "$T/out" test_mae)" = "$mae1" ] &&
    ok || bad "cached value differs: $(cat "$T/out") vs $(cat "$T/first.json")"
expect 0 "${B[@]}" --dataset sines --train 200 --test 50 --latent 8
has out "cached"
has out "test MSE"
# another k is another entry; --recompute computes again and gives the same numbers
expect 0 "${B[@]}" --dataset sines --train 200 --test 50 --latent 9 --json
[ "$(field "$T/out" cached)" = false ] && ok || bad "k = 9 taken from the cache of k = 8"
expect 0 "${B[@]}" --dataset sines --train 200 --test 50 --latent 8 --json --recompute
[ "$(field "$T/out" cached)" = false ] && [ "$(field "$T/out" test_mse)" = "$mse1" ] &&
    ok || bad "recompute: $(cat "$T/out")"
# more components never reconstruct worse
expect 0 "${B[@]}" --dataset sines --train 200 --test 50 --latent 40 --json
python3 -c "import sys; sys.exit(not float('$(field "$T/out" test_mse)') < float('$mse1'))" &&
    ok || bad "k = 40 not better than k = 8"
# --no-cache never touches a store
expect 0 "$BIN" baseline --db "$T/none.db" --no-cache --dataset sines --train 100 --test 20 --latent 4
[ ! -e "$T/none.db" ] && ok || bad "--no-cache created a store"

# default N and M are the model defaults (sines 3200/800)
expect 0 "${B[@]}" --dataset sines --latent 4 --json
[ "$(field "$T/out" train)/$(field "$T/out" test)" = 3200/800 ] && ok || bad "defaults: $(cat "$T/out")"

FM=/usr/share/datasets/fashion-mnist
if [ -d "$FM" ]; then
    expect 0 "${B[@]}" --dataset fashion-mnist --data-dir "$FM" --train 300 --test 100 --latent 16 --json
    m=$(field "$T/out" test_mse)
    python3 -c "import sys; sys.exit(not 0 < float('$m') < 0.1)" && ok || bad "fashion-mnist mse $m"
    [ "$(field "$T/out" dim)" = 784 ] && ok || bad "fashion-mnist dim: $(cat "$T/out")"
    expect 0 "${B[@]}" --dataset fashion-mnist --data-dir "$FM" --train 300 --test 100 --latent 16 --json
    [ "$(field "$T/out" cached)" = true ] && [ "$(field "$T/out" test_mse)" = "$m" ] &&
        ok || bad "fashion-mnist not cached"
    expect 2 "${B[@]}" --dataset fashion-mnist --data-dir "$FM" --train 70000 --test 10 --latent 4
    has err "aetui baseline: "
    expect 2 "${B[@]}" --dataset fashion-mnist --data-dir "$FM" --train 100 --test 10 --latent 785
    has err "784"
else
    skipped "$FM not found: the Fashion-MNIST part"
fi

# bad input: exit 2 and one message naming the problem
expect 2 "${B[@]}" --latent 8
has err "--dataset"
expect 2 "${B[@]}" --dataset nosuch --latent 8
has err "unknown dataset"
expect 2 "${B[@]}" --dataset sines
has err "--latent"
expect 2 "${B[@]}" --dataset sines --latent 0
has err "--latent"
expect 2 "${B[@]}" --dataset sines --latent abc
has err "--latent"
expect 2 "${B[@]}" --dataset sines --latent 501 --train 50 --test 10
has err "501"
expect 2 "${B[@]}" --dataset sines --latent 4 --train 1
has err "--train"
expect 2 "${B[@]}" --dataset sines --latent 4 --test 0
has err "--test"
expect 2 "${B[@]}" --dataset sines --latent 4 --bogus
has err "unknown option"
expect 2 "${B[@]}" --dataset sines --latent 4 extra
has err "unexpected argument"
expect 2 "${B[@]}" --dataset mnist --data-dir "$T/nowhere" --latent 4
has err "aetui baseline: "

# ---- aetui train: pca_test_mse in the summary, from the cache the second time ----------
TR=("$BIN" train --model lstm --train 64 --test 16 --epochs 1 --threads 1 --db "$DB" --json)
expect 0 "${TR[@]}"
tail -n 1 "$T/out" >"$T/sum.json"
pm=$(field "$T/sum.json" pca_test_mse) pa=$(field "$T/sum.json" pca_test_mae)
run=$(field "$T/sum.json" run)
python3 -c "import sys; sys.exit(not (0 < float('$pm') < 1 and 0 < float('$pa') < 1))" &&
    ok || bad "train summary pca_test_mse '$pm' pca_test_mae '$pa': $(cat "$T/sum.json")"
has err "PCA baseline (k = 20) MSE"
# the train step cached it: aetui baseline with the same sizes finds it
expect 0 "${B[@]}" --dataset sines --train 64 --test 16 --latent 20 --json
[ "$(field "$T/out" cached)" = true ] && [ "$(field "$T/out" test_mse)" = "$pm" ] &&
    ok || bad "train did not cache its baseline: $(cat "$T/out") vs $pm"
expect 0 "${TR[@]}" --no-baseline
[ "$(tail -n 1 "$T/out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pca_test_mse"])')" = None ] &&
    ok || bad "--no-baseline still has a number: $(tail -n 1 "$T/out")"
expect 0 "$BIN" train --model lstm --train 64 --test 16 --epochs 1 --threads 1 --no-record --json
[ "$(field "$T/out" pca_test_mse)" = "$pm" ] && ok || bad "--no-record baseline differs: $(tail -n 1 "$T/out")"

# ---- aetui embed RUN ------------------------------------------------------------------
for m in pca tsne; do
    expect 0 "$BIN" embed "$run" --method $m --out "$T/$m.csv" --db "$DB" --quiet
    [ "$(head -n 1 "$T/$m.csv")" = "x,y,label" ] && ok || bad "$m: header $(head -n 1 "$T/$m.csv")"
    [ "$(tail -n +2 "$T/$m.csv" | wc -l)" = 16 ] && ok || bad "$m: $(tail -n +2 "$T/$m.csv" | wc -l) rows, expected 16"
    if tail -n +2 "$T/$m.csv" | awk -F, 'NF != 3 || $3 !~ /^[0-9]+$/ || $1 == "" { exit 1 }'; then ok; else
        bad "$m: rows without a label: $(head -n 3 "$T/$m.csv")"
    fi
done
expect 2 "$BIN" embed 999 --method pca --out "$T/x.csv" --db "$DB"
has err "no such run"
[ ! -e "$T/x.csv" ] && ok || bad "an output file for an unknown run"
expect 2 "$BIN" embed 0 --method pca --out "$T/x.csv" --db "$DB"
has err "not a run id"
expect 2 "$BIN" embed "$run" --input "$T/x.npy" --method pca --out "$T/x.csv" --db "$DB"
has err "not both"
expect 2 "$BIN" embed "$run" --method pca --out "$T/x.csv" --db "$T/missing.db"
has err "missing.db"
if [ -x "$HELPER" ]; then # runs recorded without latent vectors
    "$HELPER" --fill "$T/filled.db" >/dev/null
    expect 2 "$BIN" embed 1 --method pca --out "$T/x.csv" --db "$T/filled.db"
    has err "no stored latent vectors"
fi

finish
