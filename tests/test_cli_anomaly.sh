#!/bin/bash
# test_cli_anomaly.sh: anomaly detection from the command line (issue 13): training on some
# classes only and sines' injected anomalies are recorded with the run and survive a resume;
# `aetui score` (a process of its own, on the checkpoint another process wrote) gives the
# metrics scikit-learn computes from its own CSV output, the threshold numpy's quantile of the
# training scores, stores them (runs shows ROC-AUC), and refuses bad input with exit 2.
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

# --- scoring --------------------------------------------------------------------------------
run 0 "score" "$BIN" score 1 --db "$DB" --baseline pca --out "$T/test.csv" --json --errors "$T/err.npy"
cp "$T/out" "$T/score.json"
run 0 "score train" "$BIN" score 1 --db "$DB" --split train --out "$T/train.csv" --no-store
run 0 "score sigma" "$BIN" score 1 --db "$DB" --sigma 2 --metric mae --json --no-store
cp "$T/out" "$T/sigma.json"
run 0 "score mae train" "$BIN" score 1 --db "$DB" --split train --metric mae --out "$T/train_mae.csv" --no-store
if /usr/bin/python3 -c 'import sklearn, numpy' 2>/dev/null; then
    /usr/bin/python3 - "$T" <<'PY' && ok || bad "score disagrees with scikit-learn"
import csv, json, sys
import numpy as np
from sklearn.metrics import (roc_auc_score, average_precision_score, precision_score,
                             recall_score, f1_score, accuracy_score, confusion_matrix)
t = sys.argv[1]
rows = list(csv.DictReader(open(t + "/test.csv")))
tr = np.array([float(r["score"]) for r in csv.DictReader(open(t + "/train.csv"))])
j = json.load(open(t + "/score.json"))
assert j["n"] == len(rows) == 80 and j["n_train"] == len(tr) == 64, (j["n"], len(rows), len(tr))
y = np.array([int(r["label"]) for r in rows])
kinds = {r["kind"] for r in rows}
assert y.sum() == j["n_anomalies"] and 0 < y.sum() < len(y), y.sum()
assert all((r["kind"] != "normal") == (r["label"] == "1") for r in rows)
for res, col in ((j["results"][0], "score"), (j["results"][1], "pca_score")):
    s = np.array([float(r[col]) for r in rows])
    if res["method"] == "ae":
        q = np.quantile(tr, 0.99)
        assert abs(res["threshold"] - q) <= 1e-6 * abs(q), (res["threshold"], q)
    pred = (s > res["threshold"]).astype(int)
    flags = np.array([int(r["flagged" if col == "score" else "pca_flagged"]) for r in rows])
    assert (pred == flags).all()
    assert abs(res["roc_auc"] - roc_auc_score(y, s)) < 1e-6, (res["roc_auc"], roc_auc_score(y, s))
    assert abs(res["avg_precision"] - average_precision_score(y, s)) < 1e-6
    assert abs(res["precision"] - precision_score(y, pred, zero_division=0)) < 1e-9
    assert abs(res["recall"] - recall_score(y, pred, zero_division=0)) < 1e-9
    assert abs(res["f1"] - f1_score(y, pred, zero_division=0)) < 1e-9
    assert abs(res["accuracy"] - accuracy_score(y, pred)) < 1e-9
    tn, fp, fn, tp = confusion_matrix(y, pred, labels=[0, 1]).ravel()
    c = res["confusion"]
    assert (c["tp"], c["fp"], c["tn"], c["fn"]) == (tp, fp, tn, fn), (c, tp, fp, tn, fn)
# --sigma K: mean + K std (divisor n) of the training scores, here of MAE
trm = np.array([float(r["score"]) for r in csv.DictReader(open(t + "/train_mae.csv"))])
sg = json.load(open(t + "/sigma.json"))["results"][0]["threshold"]
assert abs(sg - (trm.mean() + 2 * trm.std())) < 1e-6 * sg, (sg, trm.mean() + 2 * trm.std())
# the error maps: N x T, and their mean over steps is the MSE score
e = np.load(t + "/err.npy")
s = np.array([float(r["score"]) for r in rows])
assert e.shape == (80, 50), e.shape
assert np.allclose(e.mean(axis=1), s, rtol=1e-4, atol=1e-7), np.abs(e.mean(axis=1) - s).max()
PY
else
    echo "SKIP part: no scikit-learn in /usr/bin/python3"
fi
# stored with the run: runs shows the ROC-AUC
run 0 "runs" "$BIN" runs --db "$DB" --json
auc=$(/usr/bin/python3 -c 'import json,sys; print("%.6f" % json.load(open(sys.argv[1]))["results"][0]["roc_auc"])' "$T/score.json")
/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))[0]; assert "%.6f" % r["roc_auc"] == sys.argv[2], r' "$T/out" "$auc" && ok || bad "runs --json lacks roc_auc $auc"
run 0 "runs table" "$BIN" runs --db "$DB"
has out "ROC-AUC"
# labels from a file: all normal but the first
{ echo 1; for i in $(seq 2 80); do echo 0; done; } >"$T/y.txt"
run 0 "score --labels" "$BIN" score 1 --db "$DB" --labels "$T/y.txt" --json --no-store
has out '"n_anomalies":1'

run 2 "two thresholds" "$BIN" score 1 --db "$DB" --quantile 0.9 --sigma 3
one_line "two thresholds" "one of them"
run 2 "bad metric" "$BIN" score 1 --db "$DB" --metric rmse
one_line "bad metric" "--metric"
run 2 "no such run" "$BIN" score 99 --db "$DB"
one_line "no such run" "no such run"
run 2 "quantile above 1" "$BIN" score 1 --db "$DB" --quantile 1.5
one_line "quantile above 1" "--quantile"
head -n 5 "$T/y.txt" >"$T/y5.txt"
run 2 "labels short" "$BIN" score 1 --db "$DB" --labels "$T/y5.txt"
one_line "labels short" "5 labels for 80"
echo 2 >"$T/y2.txt"
run 2 "labels not 0/1" "$BIN" score 1 --db "$DB" --labels "$T/y2.txt"
one_line "labels not 0/1" "expected 0 or 1"
run 2 "no run" "$BIN" score --db "$DB"
one_line "no run" "which run"
finish
