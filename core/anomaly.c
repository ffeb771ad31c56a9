/* anomaly.c: thresholds, detection metrics, timelines and intervals (see anomaly.h).
 *
 * The ranking metrics sort the samples by score once, highest first, and walk the groups of
 * equal scores: after each group the counts of true and false positives give one point of
 * the ROC and precision-recall curves, exactly the points scikit-learn's roc_curve and
 * precision_recall_curve produce (before its dropping of collinear points, which does not
 * change the areas). */
#include "anomaly.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int check_finite(const float *v, int n, const char *what, ae_err *err)
{
    if (n < 1) return ae_fail(err, "no %s", what);
    for (int i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return ae_fail(err, "%s %d is %g: scores must be finite", what, i + 1, (double)v[i]);
    return 0;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return x < y ? -1 : x > y;
}

int anom_quantile(const float *v, int n, double q, double *out, ae_err *err)
{
    if (check_finite(v, n, "value", err)) return -1;
    if (!(q >= 0 && q <= 1)) return ae_fail(err, "quantile %g is not between 0 and 1", q);
    float *s = malloc((size_t)n * sizeof *s);
    if (!s) return ae_fail(err, "out of memory");
    memcpy(s, v, (size_t)n * sizeof *s);
    qsort(s, (size_t)n, sizeof *s, cmp_float);
    double pos = q * (n - 1);
    int lo = (int)floor(pos);
    if (lo >= n - 1) lo = n - 1;
    double frac = pos - lo;
    *out = lo + 1 < n ? s[lo] + frac * ((double)s[lo + 1] - s[lo]) : s[lo];
    free(s);
    return 0;
}

int anom_mean_std(const float *v, int n, double *mean, double *std, ae_err *err)
{
    if (check_finite(v, n, "value", err)) return -1;
    double m = 0;
    for (int i = 0; i < n; i++) m += v[i];
    m /= n;
    double ss = 0;
    for (int i = 0; i < n; i++) ss += ((double)v[i] - m) * ((double)v[i] - m);
    *mean = m;
    *std = sqrt(ss / n);
    return 0;
}

/* Sample indices by decreasing score (ties in index order: only the groups matter). */
typedef struct ranked {
    float s;
    int i;
} ranked;

static int cmp_ranked_desc(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->s != y->s) return x->s > y->s ? -1 : 1;
    return x->i - y->i;
}

static ranked *rank_desc(const float *score, int n, ae_err *err)
{
    ranked *r = malloc((size_t)n * sizeof *r);
    if (!r) {
        ae_fail(err, "out of memory");
        return NULL;
    }
    for (int i = 0; i < n; i++) r[i] = (ranked){score[i], i};
    qsort(r, (size_t)n, sizeof *r, cmp_ranked_desc);
    return r;
}

static int count_classes(const uint8_t *label, int n, int *pos, ae_err *err)
{
    *pos = 0;
    for (int i = 0; i < n; i++) {
        if (label[i] > 1)
            return ae_fail(err, "label %d is %d: labels must be 0 or 1", i + 1, label[i]);
        *pos += label[i];
    }
    return 0;
}

int anom_evaluate(const float *score, const uint8_t *label, int n, double threshold,
                  anom_metrics *m, ae_err *err)
{
    memset(m, 0, sizeof *m);
    int P;
    if (check_finite(score, n, "score", err) || count_classes(label, n, &P, err)) return -1;
    int N = n - P;
    m->n = n, m->n_pos = P, m->n_neg = N, m->threshold = threshold;
    for (int i = 0; i < n; i++) {
        int flagged = score[i] > threshold;
        if (flagged && label[i])
            m->tp++;
        else if (flagged)
            m->fp++;
        else if (label[i])
            m->fn++;
        else
            m->tn++;
    }
    m->precision = m->tp + m->fp ? (double)m->tp / (double)(m->tp + m->fp) : 0;
    m->recall = P ? (double)m->tp / P : 0;
    m->f1 = m->precision + m->recall > 0 ? 2 * m->precision * m->recall / (m->precision + m->recall)
                                         : 0;
    m->accuracy = (double)(m->tp + m->tn) / n;
    m->roc_auc = m->avg_precision = NAN;
    if (P == 0 || N == 0) return 0;
    ranked *r = rank_desc(score, n, err);
    if (!r) return -1;
    double auc = 0, ap = 0;
    long tp = 0, fp = 0, tp_prev = 0, fp_prev = 0;
    for (int k = 0; k < n;) {
        int j = k;
        for (; j < n && r[j].s == r[k].s; j++) label[r[j].i] ? tp++ : fp++;
        auc += (double)(fp - fp_prev) * (double)(tp + tp_prev) / 2;
        ap += (double)(tp - tp_prev) / P * ((double)tp / (double)(tp + fp));
        tp_prev = tp, fp_prev = fp, k = j;
    }
    free(r);
    m->roc_auc = auc / ((double)P * N);
    m->avg_precision = ap;
    return 0;
}

int anom_roc_curve(const float *score, const uint8_t *label, int n, double **fpr, double **tpr,
                   double **thr, int *npts, ae_err *err)
{
    *fpr = *tpr = *thr = NULL;
    *npts = 0;
    int P;
    if (check_finite(score, n, "score", err) || count_classes(label, n, &P, err)) return -1;
    int N = n - P;
    if (P == 0 || N == 0)
        return ae_fail(err, "the ROC curve needs both normal and anomalous samples");
    ranked *r = rank_desc(score, n, err);
    double *f = malloc((size_t)(n + 1) * sizeof *f), *t = malloc((size_t)(n + 1) * sizeof *t),
           *h = malloc((size_t)(n + 1) * sizeof *h);
    if (!r || !f || !t || !h) {
        free(r), free(f), free(t), free(h);
        return ae_fail(err, "out of memory");
    }
    int m = 0;
    f[m] = 0, t[m] = 0, h[m] = INFINITY, m++;
    long tp = 0, fp = 0;
    for (int k = 0; k < n;) {
        int j = k;
        for (; j < n && r[j].s == r[k].s; j++) label[r[j].i] ? tp++ : fp++;
        f[m] = (double)fp / N, t[m] = (double)tp / P, h[m] = r[k].s, m++;
        k = j;
    }
    free(r);
    *fpr = f, *tpr = t, *thr = h, *npts = m;
    return 0;
}

int anom_timeline(const float *win_score, int nwin, int window, int stride, int nsteps, double *out,
                  ae_err *err)
{
    if (window < 1 || stride < 1)
        return ae_fail(err, "window %d, stride %d: both must be >= 1", window, stride);
    if (check_finite(win_score, nwin, "window score", err)) return -1;
    int *cover = calloc((size_t)(nsteps > 0 ? nsteps : 1), sizeof *cover);
    if (!cover) return ae_fail(err, "out of memory");
    for (int t = 0; t < nsteps; t++) out[t] = 0;
    for (int k = 0; k < nwin; k++) {
        long a = (long)k * stride;
        for (long t = a; t < a + window && t < nsteps; t++) out[t] += win_score[k], cover[t]++;
    }
    for (int t = 0; t < nsteps; t++) out[t] = cover[t] ? out[t] / cover[t] : NAN;
    free(cover);
    return 0;
}

int anom_intervals(const double *score, long n, double thr, long min_gap, anom_interval **out,
                   int *nout, ae_err *err)
{
    *out = NULL;
    *nout = 0;
    anom_interval *v = NULL;
    int nv = 0, cap = 0;
    for (long t = 0; t < n;) {
        if (!(score[t] > thr)) { /* NaN (no window) counts as below */
            t++;
            continue;
        }
        long a = t;
        while (t < n && score[t] > thr) t++;
        long b = t - 1;
        if (nv > 0 && a - v[nv - 1].end - 1 < min_gap) {
            v[nv - 1].end = b; /* a short gap: one interval */
        } else {
            if (nv == cap) {
                cap = cap ? 2 * cap : 16;
                anom_interval *g = realloc(v, (size_t)cap * sizeof *g);
                if (!g) {
                    free(v);
                    return ae_fail(err, "out of memory");
                }
                v = g;
            }
            v[nv++] = (anom_interval){a, b, a, score[a]};
        }
        anom_interval *cur = &v[nv - 1];
        for (long s = a; s <= b; s++)
            if (score[s] > cur->peak) cur->peak = score[s], cur->peak_at = s;
    }
    *out = v;
    *nout = nv;
    return 0;
}
