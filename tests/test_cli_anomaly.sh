#!/bin/bash
# test_cli_anomaly.sh: anomaly detection from the command line (issue 13): training on some
# classes only and sines' injected anomalies are recorded with the run and survive a resume.
. "$(dirname "$0")/cli_harness.sh"
cli_setup cli_anomaly
DB=$T/a.db

# --- training on normal classes ------------------------------------------------------------
run 0 "train on sine and square" "$BIN" train --model lstm --dataset sines --train-classes square,sine \
    --anomalies 0.1 --train 64 --test 80 --epochs 1 --latent 8 --db "$DB" --no-baseline
"$BIN" show 1 --db "$DB" --json >"$T/show.json" 2>"$T/err"
/usr/bin/python3 - "$T/show.json" <<'PY' && ok || bad "show: classes and anomalies not recorded"
import json, sys
j = json.load(open(sys.argv[1]))
p = j.get("params") or j.get("hyperparameters")
p = {k: v for k, v in (p.items() if isinstance(p, dict) else ((x["name"], x["value"]) for x in p))}
assert p["train_classes"] == "0,3", p
assert abs(float(p["anomalies"]) - 0.1) < 1e-12, p
assert int(p["train"]) == 64, p
PY
"$BIN" show 1 --db "$DB" >"$T/out" 2>&1
grep -q "data now *the same" "$T/out" && ok || bad "show does not find the same data: $(grep 'data' "$T/out")"
# resume continues on the same classes (the data hash would refuse other samples)
run 0 "resume" "$BIN" train --resume 1 --epochs 2 --db "$DB"

run 2 "unknown class" "$BIN" train --model lstm --normal-class cosine --db "$DB"
one_line "unknown class" "cosine" "damped"
run 2 "every class" "$BIN" train --model lstm --train-classes 0,1,2,3 --db "$DB"
one_line "every class" "every class"
run 2 "two for --normal-class" "$BIN" train --model lstm --normal-class 0,1 --db "$DB"
one_line "two for --normal-class" "--normal-class"
run 2 "anomalies out of range" "$BIN" train --model lstm --anomalies 0.9 --db "$DB"
one_line "anomalies out of range" "--anomalies"
finish
