/* baseline.h: the PCA linear baseline of a dataset (issue 6), computed or taken from the
 * run store's cache; shared by `aetui baseline` and `aetui train`.
 *
 * The idea: the best linear code of size k is PCA with k components fitted on the first N
 * training samples; its reconstruction MSE and MAE on the first M test samples is what an
 * autoencoder with latent size k has to beat. Samples are the model's inputs as float32:
 * images scaled to [0,1] (NHWC, h*w*c values), sequences flattened [t][f] (t*f values).
 *
 * Memory: built to stay lean beside a training run: the float matrix of the training samples
 * is filled straight from the loaded (uint8) images and the images freed before the fit, and
 * the test samples are converted and reconstructed in blocks of rows, never as a whole float
 * matrix. For 8000 CIFAR images the peak is the matrix (98 MB), pca_fit's centred copy of it
 * (98 MB) and the 3072 x 3072 covariance (38 MB).
 *
 * Library-style: nothing prints, nothing exits; -1 with err on failure. Main thread only (it
 * may change OpenBLAS's thread count, see baseline_req.threads). */
#ifndef AE_BASELINE_H
#define AE_BASELINE_H

#include "err.h"
#include "store.h"

typedef struct baseline_req {
    const char *dataset;  /* a known dataset name (ds_names) */
    const char *data_dir; /* NULL or "": search the usual places (ds_locate) */
    int train, test;      /* samples: the first N training and first M test ones */
    int latent;           /* k, 1 <= k <= values per sample */
    int threads;          /* OpenBLAS threads for the fit; 0 leaves the current setting */
    int no_cache_write;   /* 1: read the cache but never write it */
    int recompute;        /* 1: compute even when cached (and replace the cached row) */
    /* Your own data: the spec's text (core/dspec.h; dataset is then its name), and a run's
     * checkpoint whose scaling to apply ("" or NULL: fitted on the training split, as the
     * run did). train and test 0 mean every sample of the split. */
    const char *data_spec;
    const char *scaling_from;
    const char *classes; /* train on these classes only (ds_load_classes); NULL or "": all */
    double anomalies;    /* sines: injected anomalies in the test split (dataset.h) */
} baseline_req;

typedef struct baseline_res {
    store_baseline b; /* the key (dataset, data_sha256, train, test, latent) and the numbers */
    int cached;       /* 1: taken from the store, not computed */
    int dim;          /* values per sample */
    double fit_s, eval_s, seconds; /* this call: PCA fit, evaluation, everything (wall) */
    char warning[512];             /* non-fatal: the result could not be cached (why), else "" */
} baseline_res;

/* The default training and test sample counts for a dataset (the model defaults: images
 * 8000/2000, sequences 3200/800); 0 for an unknown name. */
int baseline_default_n(const char *dataset, int *train, int *test);

/* Loads the data, looks the baseline up in st (may be NULL: no cache) and computes it when it
 * is not there (then stores it, unless st is read-only or no_cache_write; a failure to store
 * goes to res->warning). A cached row whose test-data SHA-256 differs from the data now
 * loaded is recomputed and replaced.
 * Returns 0; -1 for bad input (unknown dataset, files missing or bad, N or M more than the
 * files hold, k out of range); -2 when the computation failed (out of memory, ...). */
int baseline_get(const baseline_req *rq, store *st, baseline_res *res, ae_err *err);

#endif
