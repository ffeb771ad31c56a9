#!/usr/bin/env bash
# test_cli_fuzz.sh: a table of bad values for every option of every command. Each one must be
# refused before any work starts: exit status 2 and exactly one line on stderr that names the
# option. Values are the slips people make: empty (a variable that expanded to nothing), blanks
# around a number, trailing junk, hex, nan/inf, overflow, out of range, unknown names.
# Every option that a command's --help lists must appear in the table, so a new option is
# fuzzed from the day it is added (the check at the end fails otherwise).
set -u
. "$(dirname "$0")/cli_harness.sh"
cli_setup cli_fuzz
HELPER=$(dirname "$BIN")/tests/test_store
[ -x "$HELPER" ] || { echo "SKIP: $HELPER not built"; exit 77; }
DB=$T/s.db
"$HELPER" --fill "$DB" >/dev/null || { echo "FAIL: fill"; exit 1; }
# a 4 x 3 float32 .npy of zeros for embed --input
{
    printf '\x93NUMPY\x01\x00\x76\x00'
    printf "%-117s\n" "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 3), }"
    head -c 48 /dev/zero
} >"$T/x.npy"
for i in 1 2 3 4 5; do echo "1,2,3,4" && echo "5,6,7,8"; done >"$T/d.csv"

# Arguments that make each command valid apart from the option under test, chosen so that a
# bad value that slipped through fails fast and touches nothing (a nonexistent run for rm, a
# dead mirror for get, a tiny sines run that is not recorded for train).
declare -A PRE=(
    [train]="--model lstm --dataset sines --train 8 --test 8 --epochs 1 --no-record --no-baseline"
    [resume]="--epochs 1"
    [data]="--data $T/d.csv --epochs 1 --no-record --no-baseline"
    [doctor]=""
    [runs]="--db $DB"
    [show]="1 --db $DB"
    [export]="1 --db $DB --csv $T/e.csv"
    [rm]="999 --db $DB --yes"
    [tag]="1 t --db $DB"
    [untag]="1 t --db $DB"
    [note]="1 text --db $DB"
    [embed]="--input $T/x.npy --method pca --out $T/y.csv"
    [embedrun]="1 --method pca --out $T/y.csv"
    [baseline]="--dataset sines --latent 2 --train 8 --test 8 --no-cache --db $DB"
    [encode]="1 --input $T/x.npy --out $T/z.npy --db $DB"
    [reconstruct]="1 --input $T/x.npy --out $T/z.npy --db $DB"
    [get]="fashion-mnist --dir $T/g --mirror http://127.0.0.1:9/ --retries 0 --connect-timeout 1"
    [tui]=""
)
INT=("" " 8" "8x" "0x10" "1e3" "99999999999999999999")
REAL=("" " 0.1" "0.1x" "nan" "inf" "0x1p-3" "1e999")
U64=("" " 1" "-1" "1x" "18446744073709551616")
RUNID=("" "0" "-1" " 1" "1x")
EMPTY=("")
declare -A SEEN=()
cases=0 start=$(date +%s.%N)

# bad_values KEY OPTION VALUE...: each VALUE given as "OPTION VALUE" (the first also as
# "OPTION=VALUE"), and the option with no value at the end of the line
bad_values() {
    local key=$1 opt=$2 v cmd=$1
    shift 2
    case $key in resume | data) cmd=train ;; embedrun) cmd=embed ;; esac
    SEEN[$cmd $opt]=1
    for v in "$@"; do
        # shellcheck disable=SC2086 # PRE holds several words
        run 2 "$cmd $opt '$v'" "$BIN" $cmd ${PRE[$key]} "$opt" "$v"
        one_line "$cmd $opt '$v'" "$opt"
        cases=$((cases + 1))
    done
    # shellcheck disable=SC2086
    run 2 "$cmd $opt='$1'" "$BIN" $cmd ${PRE[$key]} "$opt=$1"
    one_line "$cmd $opt='$1'" "$opt"
    # shellcheck disable=SC2086
    run 2 "$cmd $opt (no value)" "$BIN" $cmd ${PRE[$key]} "$opt"
    one_line "$cmd $opt (no value)" "$opt"
    cases=$((cases + 2))
}
# a flag that takes no value, given one
flag() {
    local cmd=$1 opt=$2 key=$1
    [ "$opt" = --header ] || [ "$opt" = --no-header ] && key=data
    SEEN[$cmd $opt]=1
    # shellcheck disable=SC2086
    run 2 "$cmd $opt=x" "$BIN" $cmd ${PRE[$key]} "$opt=x"
    one_line "$cmd $opt=x" "$opt"
    cases=$((cases + 1))
}

# train
bad_values train --latent "${INT[@]}" 0 -1 65537
bad_values train --epochs "${INT[@]}" 0 -5 1000001
bad_values train --batch "${INT[@]}" 0 65537
bad_values train --train "${INT[@]}" 0 100000001
bad_values train --test "${INT[@]}" 0 -1
bad_values train --threads "${INT[@]}" 0 257
bad_values train --lr "${REAL[@]}" 0 -1 1e10
bad_values train --clip "${REAL[@]}" -1
bad_values train --seed "${U64[@]}"
bad_values train --model "" bogus " cnn"
bad_values train --dataset "" bogus " sines"
bad_values train --data-dir "${EMPTY[@]}" $'a\tb'
bad_values train --augment "" bogus "flip,shift"
bad_values train --schedule "" bogus
bad_values train --db "${EMPTY[@]}"
bad_values train --anomalies "" x 2 " 0.1"
bad_values train --normal-class "${EMPTY[@]}"
bad_values train --train-classes "${EMPTY[@]}"
bad_values train --noise bogus "gaussian:" "gaussian:x" "gaussian:-1" "mask:2" "saltpepper:1.5" " gaussian:0.3"
bad_values resume --resume "${RUNID[@]}"
bad_values train --from "${RUNID[@]}"
# train --data PATH and its data options
bad_values data --data "${EMPTY[@]}"
bad_values data --format "" bogus
bad_values data --test-data "${EMPTY[@]}"
bad_values data --test-frac "${REAL[@]}" -0.1 1
bad_values data --split-seed "${U64[@]}"
bad_values data --scale "" bogus
bad_values data --size "" 0x0 " 8x8" 8x 8x8x8 5000x5000
bad_values data --crop "" bogus
bad_values data --channels "" 2 " 1"
bad_values data --labels "${EMPTY[@]}"
bad_values data --test-labels "${EMPTY[@]}"
bad_values data --label-col "" x 0
bad_values data --features "${INT[@]}" 0
bad_values data --window "${INT[@]}" 0
bad_values data --stride "${INT[@]}" 0 -1
bad_values data --columns "${EMPTY[@]}"
bad_values data --time-col "${EMPTY[@]}"
bad_values data --missing "" bogus
bad_values data --delimiter "" ab
# baseline --data reads the same options with the same code (src/data_args.c)
for o in --data --format --test-data --test-frac --split-seed --scale --size --crop --channels \
    --labels --test-labels --label-col --features --window --stride --columns --time-col \
    --missing --delimiter --header --no-header; do SEEN[baseline $o]=1; done
flag train --header
flag train --no-header
flag train --json
flag train --no-record
flag train --no-baseline
flag train --force
# doctor
bad_values doctor --data-dir "${EMPTY[@]}"
# runs
bad_values runs --limit "${INT[@]}" 0 -1
bad_values runs --status "" bogus " finished"
bad_values runs --model "" bogus " cnn"
bad_values runs --tag "${EMPTY[@]}" $'a\x1bb'
bad_values runs --sort "" bogus -bogus "id "
bad_values runs --db "${EMPTY[@]}"
bad_values runs --sweep "" bogus
flag runs --json
# show, export, rm, tag, untag, note
bad_values show --db "${EMPTY[@]}"
flag show --json
bad_values export --db "${EMPTY[@]}"
bad_values export --csv "${EMPTY[@]}"
bad_values export --out "${EMPTY[@]}"
bad_values export --recon "${EMPTY[@]}"
bad_values export --latent-plot "${EMPTY[@]}"
bad_values export --loss-plot "${EMPTY[@]}"
bad_values export --method "" bogus PCA
bad_values export --data "" bogus " test"
flag export --sixel
flag export --force
bad_values rm --db "${EMPTY[@]}"
flag rm --yes
for c in tag untag note; do bad_values $c --db "${EMPTY[@]}"; done
# embed
bad_values embed --input "${EMPTY[@]}"
bad_values embed --labels "${EMPTY[@]}"
bad_values embed --out "${EMPTY[@]}"
bad_values embed --method "" bogus " pca"
bad_values embed --perplexity "${REAL[@]}" 0 -1 1e7
bad_values embed --iterations "${INT[@]}" 0 1000001
bad_values embed --seed "${U64[@]}"
bad_values embed --threads "${INT[@]}" 0 65
bad_values embedrun --db "${EMPTY[@]}"
flag embed --quiet
# baseline
bad_values baseline --dataset "" bogus
bad_values baseline --data-dir "${EMPTY[@]}"
bad_values baseline --train "${INT[@]}" 0 1
bad_values baseline --test "${INT[@]}" 0
bad_values baseline --latent "${INT[@]}" 0 65537
bad_values baseline --threads "${INT[@]}" 0 257
bad_values baseline --db "${EMPTY[@]}"
flag baseline --json
flag baseline --no-cache
flag baseline --recompute
# encode, reconstruct
for c in encode reconstruct; do
    bad_values $c --input "${EMPTY[@]}"
    bad_values $c --out "${EMPTY[@]}"
    bad_values $c --weights "" bogus " last"
    bad_values $c --db "${EMPTY[@]}"
done
# get
bad_values get --dir "${EMPTY[@]}"
bad_values get --mirror "" "ftp://x" "not a url"
bad_values get --retries "${INT[@]}" -1 101
bad_values get --connect-timeout "${INT[@]}" 0 3601
bad_values get --stall-timeout "${INT[@]}" 0 3601
SEEN[get --data-dir]=1 # named in get's help as train's option
# the interface: options are checked before it asks for a terminal
bad_values tui --db "${EMPTY[@]}"
bad_values tui --data-dir "${EMPTY[@]}"
bad_values tui --screen "" 0 8 " 1" "1x" x

# every option in every command's --help is in the table above
for c in train doctor runs show export rm tag untag note embed baseline encode reconstruct get tui; do
    for o in $("$BIN" $c --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
        case $o in --help) continue ;; esac
        [ -n "${SEEN[$c $o]:-}" ] && ok || bad "$c $o: listed in --help, not fuzzed here"
    done
done
echo "$cases cases in $(echo "$(date +%s.%N) - $start" | bc) s"
finish
