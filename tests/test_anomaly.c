/* test_anomaly.c: thresholds, detection metrics, timelines and intervals (core/anomaly.h).
 * Fixed cases carry scikit-learn's numbers (computed with scikit-learn 1.2.1: roc_auc_score,
 * average_precision_score, precision/recall/f1 with zero_division=0, numpy quantile/std);
 * then, when /usr/bin/python3 has scikit-learn, 200 random cases with many ties are compared
 * with it directly. Intervals and timelines are checked on hand-made series. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anomaly.h"
#include "rng.h"
#include "testlib.h"

static int near(double a, double b, double tol)
{
    return (isnan(a) && isnan(b)) || fabs(a - b) <= tol;
}

typedef struct fixed {
    const char *name;
    float s[8];
    uint8_t y[8];
    int n;
    double auc, ap, prec, rec, f1, acc; /* at threshold 0.35 */
} fixed;

static const fixed cases[] = {
    {"ties",
     {0.1f, 0.4f, 0.35f, 0.8f, 0.4f, 0.4f, 0.9f, 0.1f},
     {0, 0, 1, 1, 1, 0, 1, 0},
     8,
     0.8125,
     0.8166666666666667,
     0.6,
     0.75,
     0.6666666666666665,
     0.625},
    {"perfect", {0.1f, 0.2f, 0.3f, 0.9f, 0.8f}, {0, 0, 0, 1, 1}, 5, 1, 1, 1, 1, 1, 1},
    {"all tied",
     {0.5f, 0.5f, 0.5f, 0.5f},
     {0, 1, 0, 1},
     4,
     0.5,
     0.5,
     0.5,
     1,
     0.6666666666666666,
     0.5},
    {"inverted", {0.9f, 0.8f, 0.1f, 0.2f}, {0, 0, 1, 1}, 4, 0, 0.41666666666666663, 0, 0, 0, 0},
};

/* Random cases against scikit-learn; returns the number compared, -1 when it is not there. */
static int against_sklearn(void)
{
    FILE *chk = popen("/usr/bin/python3 -c 'import sklearn' 2>/dev/null", "r");
    if (!chk || pclose(chk) != 0) return -1;
    char dir[512], path[600], cmd[1400];
    test_tmpdir("anomaly", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/cases.txt", dir);
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    rng r;
    rng_seed(&r, 7);
    enum { NC = 200 };
    static float s[NC][64];
    static uint8_t y[NC][64];
    static int n[NC];
    for (int c = 0; c < NC; c++) {
        n[c] = 2 + (int)(rng_next(&r) % 62);
        int levels = 1 + (int)(rng_next(&r) % 12); /* few levels: many ties */
        for (int i = 0; i < n[c]; i++) {
            y[c][i] = (uint8_t)(rng_next(&r) % 3 == 0);
            s[c][i] = (float)(rng_next(&r) % (unsigned)levels) / 4.0f + (y[c][i] ? 0.2f : 0);
        }
        y[c][0] = 1, y[c][1] = 0; /* both classes */
        for (int i = 0; i < n[c]; i++) fprintf(f, "%s%.9g", i ? "," : "", (double)s[c][i]);
        fputc(';', f);
        for (int i = 0; i < n[c]; i++) fprintf(f, "%s%d", i ? "," : "", y[c][i]);
        fputc('\n', f);
    }
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c '\n"
             "import numpy as np\n"
             "from sklearn.metrics import roc_auc_score, average_precision_score\n"
             "for line in open(\"%s\"):\n"
             "    a, b = line.strip().split(\";\")\n"
             "    s = np.array([float(v) for v in a.split(\",\")], dtype=np.float32)\n"
             "    y = np.array([int(v) for v in b.split(\",\")])\n"
             "    print(repr(roc_auc_score(y, s)), repr(average_precision_score(y, s)))\n'",
             path);
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    int compared = 0;
    for (int c = 0; c < NC; c++) {
        double auc, ap;
        if (fscanf(p, "%lf %lf", &auc, &ap) != 2) break;
        anom_metrics m;
        ae_err err;
        CHECK(anom_evaluate(s[c], y[c], n[c], 0.5, &m, &err) == 0, "%s", err.msg);
        CHECK(near(m.roc_auc, auc, 1e-12) && near(m.avg_precision, ap, 1e-12),
              "case %d: ours %.15g %.15g, scikit-learn %.15g %.15g", c, m.roc_auc, m.avg_precision,
              auc, ap);
        compared++;
    }
    pclose(p);
    return compared;
}

int main(void)
{
    ae_err err;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const fixed *k = &cases[c];
        anom_metrics m;
        CHECK(anom_evaluate(k->s, k->y, k->n, 0.35, &m, &err) == 0, "%s", err.msg);
        CHECK(near(m.roc_auc, k->auc, 1e-12), "%s: ROC-AUC %.15g, expected %.15g", k->name,
              m.roc_auc, k->auc);
        CHECK(near(m.avg_precision, k->ap, 1e-12), "%s: AP %.15g, expected %.15g", k->name,
              m.avg_precision, k->ap);
        CHECK(near(m.precision, k->prec, 1e-12) && near(m.recall, k->rec, 1e-12) &&
                  near(m.f1, k->f1, 1e-12) && near(m.accuracy, k->acc, 1e-12),
              "%s: P %g R %g F1 %g acc %g", k->name, m.precision, m.recall, m.f1, m.accuracy);
        CHECK(m.tp + m.fp + m.tn + m.fn == k->n, "%s: confusion sums to n", k->name);
    }
    /* one class only: the ranking metrics are undefined, the rest still counts */
    float one_s[3] = {0.1f, 0.5f, 0.9f};
    uint8_t one_y[3] = {0, 0, 0};
    anom_metrics m;
    CHECK(anom_evaluate(one_s, one_y, 3, 0.4, &m, &err) == 0, "%s", err.msg);
    CHECK(isnan(m.roc_auc) && isnan(m.avg_precision) && m.fp == 2 && m.tn == 1,
          "one class: AUC %g AP %g fp %ld", m.roc_auc, m.avg_precision, m.fp);
    /* a single sample */
    uint8_t pos1[1] = {1};
    CHECK(anom_evaluate(one_s, pos1, 1, 0.0, &m, &err) == 0 && isnan(m.roc_auc) && m.tp == 1,
          "single sample");
    /* bad input: a NaN score, a label 2 */
    float nan_s[2] = {0.1f, NAN};
    uint8_t y2[2] = {0, 1}, ybad[2] = {0, 2};
    CHECK(anom_evaluate(nan_s, y2, 2, 0, &m, &err) < 0 && strstr(err.msg, "score 2"), "NaN: %s",
          err.msg);
    CHECK(anom_evaluate(one_s, ybad, 2, 0, &m, &err) < 0 && strstr(err.msg, "label 2"),
          "label 2: %s", err.msg);

    /* ROC curve of the tied case: points after each distinct score */
    double *fpr, *tpr, *thr;
    int np;
    CHECK(anom_roc_curve(cases[0].s, cases[0].y, 8, &fpr, &tpr, &thr, &np, &err) == 0, "%s",
          err.msg);
    CHECK(np == 6 && fpr[0] == 0 && tpr[0] == 0 && isinf(thr[0]) && fpr[np - 1] == 1 &&
              tpr[np - 1] == 1 && near(tpr[3], 0.75, 1e-12) && near(fpr[3], 0.5, 1e-12),
          "ROC curve: %d points", np);
    free(fpr), free(tpr), free(thr);
    CHECK(anom_roc_curve(one_s, one_y, 3, &fpr, &tpr, &thr, &np, &err) < 0, "one class ROC");

    /* quantiles and spread as numpy computes them */
    float v[8] = {3, 1, 4, 1, 5, 9, 2, 6};
    double q, mean, sd;
    CHECK(anom_quantile(v, 8, 0.99, &q, &err) == 0 && near(q, 8.79, 1e-5), "q99 %g", q);
    CHECK(anom_quantile(v, 8, 0.5, &q, &err) == 0 && near(q, 3.5, 1e-12), "median %g", q);
    CHECK(anom_quantile(v, 8, 1.0, &q, &err) == 0 && q == 9, "max %g", q);
    CHECK(anom_quantile(v, 1, 0.99, &q, &err) == 0 && q == 3, "one value %g", q);
    CHECK(anom_quantile(v, 8, 1.5, &q, &err) < 0, "q out of range");
    CHECK(anom_mean_std(v, 8, &mean, &sd, &err) == 0 && near(mean, 3.875, 1e-12) &&
              near(sd, 2.5708704, 1e-6),
          "mean %g std %g", mean, sd);

    /* timeline: windows of 4 every 2 over 9 steps; step 8 is covered by none */
    float ws[3] = {1, 3, 5};
    double tl[9];
    CHECK(anom_timeline(ws, 3, 4, 2, 9, tl, &err) == 0, "%s", err.msg);
    double want[9] = {1, 1, 2, 2, 4, 4, 5, 5, NAN};
    int same = 1;
    for (int t = 0; t < 9; t++) same &= near(tl[t], want[t], 1e-12);
    CHECK(same, "timeline %g %g %g %g %g %g %g %g %g", tl[0], tl[1], tl[2], tl[3], tl[4], tl[5],
          tl[6], tl[7], tl[8]);

    /* intervals: runs above 1, merged across gaps shorter than 3 steps */
    double sc[16] = {0, 2, 3, 0, 0, 5, 0, 0, 0, 0, 4, 0, NAN, 2, 0, 7};
    anom_interval *iv;
    int ni;
    CHECK(anom_intervals(sc, 16, 1.0, 3, &iv, &ni, &err) == 0, "%s", err.msg);
    /* runs 1-2, 5, 10, 13 (the NaN at 12 is below), 15: gaps of 2, 4, 2 and 1 steps */
    CHECK(ni == 2 && iv[0].start == 1 && iv[0].end == 5 && iv[0].peak == 5 && iv[0].peak_at == 5 &&
              iv[1].start == 10 && iv[1].end == 15 && iv[1].peak == 7 && iv[1].peak_at == 15,
          "intervals: %d", ni);
    free(iv);
    CHECK(anom_intervals(sc, 16, 1.0, 2, &iv, &ni, &err) == 0 && ni == 4 && iv[3].start == 13 &&
              iv[3].end == 15,
          "min_gap 2: %d intervals", ni);
    free(iv);
    CHECK(anom_intervals(sc, 16, 100.0, 3, &iv, &ni, &err) == 0 && ni == 0, "none above");
    free(iv);

    int k = against_sklearn();
    if (k < 0)
        printf("scikit-learn not found (/usr/bin/python3): random cases not compared\n");
    else
        printf("%d random cases with ties agree with scikit-learn\n", k);
    CHECK(k != 0, "no case was compared with scikit-learn");
    return test_done();
}
