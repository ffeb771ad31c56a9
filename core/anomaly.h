/* anomaly.h: what an autoencoder cannot rebuild, as an anomaly score: thresholds, detection
 * metrics, and for a long series cut into windows, a score per time step and the intervals it
 * flags.
 *
 * Conventions (scikit-learn's, so that numbers agree with it; test_anomaly compares):
 *  - a sample is flagged when its score is strictly above the threshold;
 *  - labels: 1 = anomaly (the positive class), 0 = normal;
 *  - ROC-AUC is the area under the ROC curve by the trapezoid rule over distinct scores (tied
 *    scores form one point, so a tie between a positive and a negative counts one half);
 *  - average precision is sum over distinct scores, from the highest down, of
 *    (recall_k - recall_{k-1}) * precision_k, without interpolation;
 *  - both are NaN when the labels hold only one class (scikit-learn refuses them);
 *  - precision, recall and F1 are 0 when their denominator is 0 (zero_division=0);
 *  - quantiles interpolate linearly between order statistics (numpy's default); the standard
 *    deviation divides by n (numpy's default).
 *
 * Pure functions, any thread; outputs the caller frees are said so. */
#ifndef AE_ANOMALY_H
#define AE_ANOMALY_H

#include <stdint.h>

#include "err.h"

/* The q-quantile (0 <= q <= 1) of n >= 1 finite values. */
int anom_quantile(const float *v, int n, double q, double *out, ae_err *err);
/* Mean and standard deviation (divisor n) of n >= 1 finite values. */
int anom_mean_std(const float *v, int n, double *mean, double *std, ae_err *err);

typedef struct anom_metrics {
    int n, n_pos, n_neg;
    double roc_auc, avg_precision; /* NaN with one class only */
    double threshold;
    long tp, fp, tn, fn; /* at the threshold: flagged = score > threshold */
    double precision, recall, f1, accuracy;
} anom_metrics;

/* Everything above for n scores (finite) and their labels (0 or 1). */
int anom_evaluate(const float *score, const uint8_t *label, int n, double threshold,
                  anom_metrics *m, ae_err *err);

/* The ROC curve: one point per distinct score from the highest down, after (0, 0); *fpr and
 * *tpr (npts each, malloc'd, the caller frees) and the score at each point in *thr (the
 * first is +inf). Both classes must be present. */
int anom_roc_curve(const float *score, const uint8_t *label, int n, double **fpr, double **tpr,
                   double **thr, int *npts, ae_err *err);

/* A long series cut into windows of `window` steps every `stride` steps (window k covers
 * steps k*stride .. k*stride + window - 1): the score of step t is the mean score of the
 * windows that cover it; NaN for a step no window covers. out has nsteps values. */
int anom_timeline(const float *win_score, int nwin, int window, int stride, int nsteps, double *out,
                  ae_err *err);

typedef struct anom_interval {
    long start, end; /* steps, inclusive */
    long peak_at;    /* the step with the highest score */
    double peak;
} anom_interval;

/* Runs of steps scored above thr, merged when fewer than min_gap steps lie between two runs
 * (steps without a score count as below). *out is malloc'd (the caller frees), *nout long. */
int anom_intervals(const double *score, long n, double thr, long min_gap, anom_interval **out,
                   int *nout, ae_err *err);

#endif
