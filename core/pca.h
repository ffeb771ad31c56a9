/* pca.h: principal component analysis, and the linear baseline autoencoders are judged by.
 *
 * pca_fit centres the data in double precision, forms the covariance with one SSYRK and keeps
 * its top k eigenvectors. Small dimensions (d <= 1024, or k close to d) get an exact LAPACK
 * eigensolver (DSYEVR, only the top k asked for); large ones (images: d = 3072) a randomized
 * subspace iteration on the covariance (SGEMM blocks, QR between steps, a Rayleigh-Ritz step in
 * double at the end), which is ~10x faster than tridiagonalising a 3072 x 3072 matrix and
 * accurate to float precision in the captured variance. The start block of the randomized
 * method comes from a fixed seed, so a fit is deterministic. Signs are deterministic too: the
 * largest-magnitude loading of each component is made positive.
 *
 * pca_baseline is "the best linear code of size k": fit on the training rows, project the test
 * rows onto k components, reconstruct them and report the mean squared and absolute errors.
 *
 * Memory: a pca owns its arrays; pca_free releases them. Functions are thread-safe on distinct
 * objects; a fitted pca may be used by several threads for projection at once. BLAS may use
 * its own threads inside. */
#ifndef AE_PCA_H
#define AE_PCA_H

#include "err.h"

enum pca_method { PCA_AUTO = 0, PCA_EXACT = 1, PCA_RANDOMIZED = 2 };

typedef struct pca {
    int d, k;
    double *mean;          /* d: column means */
    float *components;     /* k x d, row-major, orthonormal rows, by decreasing variance */
    double *variance;      /* k: variance along each component (divisor n-1) */
    double *ratio;         /* k: explained-variance ratio, variance / total_variance */
    double total_variance; /* trace of the covariance (sum of all d variances) */
} pca;

/* Fits k components to x (n x d, row-major); needs n >= 2, 1 <= k <= d. */
int pca_fit(pca *p, const float *x, int n, int d, int k, ae_err *err);
/* The same with the eigensolver chosen (PCA_AUTO picks as described above). */
int pca_fit_method(pca *p, const float *x, int n, int d, int k, int method, ae_err *err);

/* Projects n rows of x (n x d) onto the components: out is n x k (the latent view uses k = 2). */
int pca_project(const pca *p, const float *x, int n, float *out, ae_err *err);

/* Reconstructs n rows of codes z (n x k) back into data space: out is n x d. */
int pca_reconstruct(const pca *p, const float *z, int n, float *out, ae_err *err);

typedef struct pca_baseline_result {
    double mse, mae;      /* over all test values */
    double explained;     /* sum of the k explained-variance ratios on the training set */
    double fit_s, eval_s; /* seconds spent fitting and evaluating */
} pca_baseline_result;

/* Fits k components on train (ntrain x d) and reconstructs test (ntest x d) with them. */
int pca_baseline(const float *train, int ntrain, const float *test, int ntest, int d, int k,
                 pca_baseline_result *r, ae_err *err);

void pca_free(pca *p);

#endif
