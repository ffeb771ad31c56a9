/* scoring.h: a run's reconstruction error as an anomaly score (issue 13), shared by `aetui
 * score` and the interface's Anomaly screen.
 *
 * The idea: an autoencoder trained on normal data rebuilds normal samples well and anomalies
 * badly. scoring_compute builds the run's model from its checkpoint, loads the data it was
 * trained on (the same classes: ds_load_classes) and its test split (with sines' injected
 * anomalies when the run had them; your own data as ui/run_data.h loads it, with the run's
 * scaling), and scores every sample of both splits: the mean squared
 * error of its reconstruction ("mse"), the mean absolute error ("mae") or the largest absolute
 * error of one value ("max"). The training split's scores are what the threshold comes from.
 * With pca set, the PCA baseline (k = the run's latent size, fitted on the same training
 * samples) is scored the same way.
 *
 * Labels (1 = anomaly) come from the data: sines' injected anomalies, or for a run trained on
 * some classes, every other class. A run trained on all the data has none (the caller may
 * bring its own).
 *
 * Inference runs on `threads` worker threads (each its own workspace, BLAS single-threaded
 * inside), in batches of 64.
 *
 * No ncurses here (src/ uses it). Library-style: nothing prints; -1 with err on failure.
 * Memory: scoring_compute allocates *out, scoring_free releases it. */
#ifndef AE_SCORING_H
#define AE_SCORING_H

#include <stdint.h>

#include "dataset.h"
#include "err.h"
#include "store.h"

enum score_metric { SCORE_MSE = 0, SCORE_MAE = 1, SCORE_MAX = 2 };
extern const char *const score_metric_names[3];
/* SCORE_* for "mse", "mae", "max"; -1 otherwise. */
int score_metric_parse(const char *name);

/* Which run and data. The store handle is borrowed: use it in the thread that opened it. */
typedef struct scoring_src {
    store *st;
    int64_t run;
    char model[24], dataset[32], data_dir[1024];
    int train_n, test_n, latent;
    char train_classes[256]; /* "" all */
    double anomalies;        /* sines' injected anomalies in the test split */
    char ckpt[4200];         /* the weights */
    char store_uuid[37], run_uuid[37];
} scoring_src;

/* Fills src for run (weights: "last" or "best"). Fails with a message when the run has no
 * such checkpoint or its parameters do not say which data it saw. */
int scoring_src_get(store *st, int64_t run, const char *weights, scoring_src *src, ae_err *err);

typedef struct scoring {
    int kind, h, w, c, t, f, dim, latent;
    int split;              /* DS_TEST or DS_TRAIN: the split in score[] */
    int metric;             /* SCORE_* */
    int n_train, n;         /* training scores, scored samples */
    float *train_score;     /* n_train */
    float *score;           /* n */
    float *pca_train_score; /* n_train, NULL unless asked for */
    float *pca_score;       /* n */
    uint8_t *label;         /* n: 1 anomaly, 0 normal; NULL when the data has no labels */
    uint8_t *cls;           /* n: class of each scored sample */
    uint8_t *kind_of;       /* n: injected anomaly kind (DS_ANOM_*), NULL when none */
    int nclasses;
    char class_names[DS_MAX_CLASSES][24];
    char dataset[32], model[24];
    double load_s, infer_s, pca_s; /* seconds: loading, the model's inference, PCA */
    long infer_samples;            /* samples through the model */
} scoring;

void scoring_free(scoring *s); /* NULL-safe; frees s itself */

/* Scores the run's training split and `split` (DS_TEST or DS_TRAIN). */
int scoring_compute(const scoring_src *src, int split, int metric, int pca, int threads,
                    scoring **out, ae_err *err);

/* The score of one sample from its values and reconstruction (dim values each). */
float score_of(const float *x, const float *y, int dim, int metric);

/* Originals and reconstructions (k samples of dim values each, into x and y; y may be NULL)
 * of samples idx[] of a split of the run's data, for pictures and error maps. pca: the PCA
 * baseline's reconstruction instead of the model's. */
int scoring_samples(const scoring_src *src, int split, const int *idx, int k, float *x, float *y,
                    ae_err *err);

/* The error map of one sample: images the mean over channels of |y - x| at each pixel (h*w
 * values), sequences the mean over features of (y - x)^2 at each step (t values). */
void score_map(const scoring *s, const float *x, const float *y, float *map);

#endif
