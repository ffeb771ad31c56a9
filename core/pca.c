/* pca.c: PCA by covariance eigen-decomposition, exact or randomized (see pca.h).
 *
 * The idea of the randomized path (Halko, Martinsson & Tropp 2011, "subspace iteration"):
 * multiply a block Q of l = k + oversampling orthonormal columns by the covariance C a few
 * times, re-orthonormalising after each product; the block then spans the top eigenvectors
 * to high accuracy, and the small l x l matrix Q' C Q gives them (Rayleigh-Ritz). Each step
 * costs one d x d x l SGEMM instead of the O(d^3), half memory-bound, tridiagonalisation. */
#include "pca.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rng.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

void pca_free(pca *p)
{
    if (!p) return;
    free(p->mean);
    free(p->components);
    free(p->variance);
    free(p->ratio);
    memset(p, 0, sizeof *p);
}

/* Means in double; xc = x - mean (float); returns the total sum of squares of xc. */
static double centre(const float *x, int n, int d, double *mean, float *xc)
{
    for (int j = 0; j < d; j++) mean[j] = 0;
    for (int i = 0; i < n; i++) {
        const float *r = x + (size_t)i * d;
        for (int j = 0; j < d; j++) mean[j] += r[j];
    }
    for (int j = 0; j < d; j++) mean[j] /= n;
    double ss = 0;
    for (int i = 0; i < n; i++) {
        const float *r = x + (size_t)i * d;
        float *o = xc + (size_t)i * d;
        for (int j = 0; j < d; j++) {
            double v = r[j] - mean[j];
            o[j] = (float)v;
            ss += v * v;
        }
    }
    return ss;
}

/* Exact: the top k eigenpairs of the d x d covariance c (upper triangle filled) by DSYEVR.
 * vec is k x d (rows are eigenvectors), val k values, both by decreasing eigenvalue. */
static int eig_exact(const float *c, int d, int k, float *vec, double *val, ae_err *err)
{
    double *a = malloc((size_t)d * d * sizeof *a);
    double *w = malloc((size_t)d * sizeof *w);
    double *z = malloc((size_t)d * k * sizeof *z);
    int *isuppz = malloc((size_t)2 * d * sizeof *isuppz);
    int rc = -1;
    if (!a || !w || !z || !isuppz) {
        ae_fail(err, "pca: out of memory for a %d x %d eigenproblem", d, d);
        goto out;
    }
    for (size_t i = 0; i < (size_t)d * d; i++) a[i] = c[i];
    lapack_int m = 0;
    lapack_int info = LAPACKE_dsyevr(LAPACK_ROW_MAJOR, 'V', 'I', 'U', d, a, d, 0, 0, d - k + 1, d,
                                     0.0, &m, w, z, k, isuppz);
    if (info != 0 || m != k) {
        ae_fail(err, "pca: eigensolver failed (dsyevr info %d, %d of %d values)", (int)info, (int)m,
                k);
        goto out;
    }
    /* Ascending order from LAPACK; z is d x k row-major (column t = eigenvector t). */
    for (int t = 0; t < k; t++) {
        int s = k - 1 - t;
        val[t] = w[s];
        for (int j = 0; j < d; j++) vec[(size_t)t * d + j] = (float)z[(size_t)j * k + s];
    }
    rc = 0;
out:
    free(a);
    free(w);
    free(z);
    free(isuppz);
    return rc;
}

/* Orthonormalises the columns of q (d x l, row-major) in place by Householder QR. */
static int orthonormalise(float *q, int d, int l, float *tau, ae_err *err)
{
    if (LAPACKE_sgeqrf(LAPACK_ROW_MAJOR, d, l, q, l, tau) != 0 ||
        LAPACKE_sorgqr(LAPACK_ROW_MAJOR, d, l, l, q, l, tau) != 0)
        return ae_fail(err, "pca: QR factorisation failed");
    return 0;
}

/* Randomized subspace iteration on the full symmetric covariance c (d x d). */
static int eig_randomized(const float *c, int d, int k, float *vec, double *val, ae_err *err)
{
    int over = k / 4 > 16 ? k / 4 : 16;
    int l = k + over < d ? k + over : d;
    const int iters = 8;
    float *q = malloc((size_t)d * l * sizeof *q);
    float *y = malloc((size_t)d * l * sizeof *y);
    float *tau = malloc((size_t)l * sizeof *tau);
    double *t = malloc((size_t)l * l * sizeof *t);
    double *w = malloc((size_t)l * sizeof *w);
    float *tf = malloc((size_t)l * l * sizeof *tf);
    int rc = -1;
    if (!q || !y || !tau || !t || !w || !tf) {
        ae_fail(err, "pca: out of memory");
        goto out;
    }
    rng r;
    rng_seed_stream(&r, 0x5eedca, 1);
    for (size_t i = 0; i < (size_t)d * l; i++) q[i] = (float)rng_normal(&r);
    if (orthonormalise(q, d, l, tau, err)) goto out;
    for (int it = 0; it < iters; it++) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, d, l, d, 1.0f, c, d, q, l, 0.0f, y,
                    l);
        float *s = q;
        q = y;
        y = s;
        if (orthonormalise(q, d, l, tau, err)) goto out;
    }
    /* Rayleigh-Ritz: T = Q' C Q (l x l), eigenvectors U; components are Q U. */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, d, l, d, 1.0f, c, d, q, l, 0.0f, y, l);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, l, l, d, 1.0f, q, l, y, l, 0.0f, tf, l);
    for (int i = 0; i < l; i++)
        for (int j = 0; j < l; j++)
            t[(size_t)i * l + j] = 0.5 * ((double)tf[i * l + j] + tf[j * l + i]);
    if (LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', l, t, l, w) != 0) {
        ae_fail(err, "pca: small eigenproblem failed");
        goto out;
    }
    /* Top k: columns l-1 .. l-k of t; vec row s = sum_j U[j][col] * Q[:, j]. */
    for (int s = 0; s < k; s++) {
        int col = l - 1 - s;
        val[s] = w[col];
        for (int j = 0; j < l; j++) tf[s * l + j] = (float)t[(size_t)j * l + col];
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, k, d, l, 1.0f, tf, l, q, l, 0.0f, vec, d);
    rc = 0;
out:
    free(q);
    free(y);
    free(tau);
    free(t);
    free(w);
    free(tf);
    return rc;
}

int pca_fit_method(pca *p, const float *x, int n, int d, int k, int method, ae_err *err)
{
    memset(p, 0, sizeof *p);
    if (n < 2) return ae_fail(err, "pca: need at least 2 rows, got %d", n);
    if (d < 1 || k < 1 || k > d) return ae_fail(err, "pca: %d components of %d dimensions", k, d);
    for (size_t i = 0; i < (size_t)n * d; i++)
        if (!isfinite(x[i]))
            return ae_fail(err, "pca: the value at row %zu, column %zu is %s", i / d, i % d,
                           isnan(x[i]) ? "NaN"
                           : x[i] > 0  ? "+infinity"
                                       : "-infinity");
    p->d = d;
    p->k = k;
    p->mean = malloc((size_t)d * sizeof *p->mean);
    p->components = malloc((size_t)k * d * sizeof *p->components);
    p->variance = malloc((size_t)k * sizeof *p->variance);
    p->ratio = malloc((size_t)k * sizeof *p->ratio);
    float *xc = malloc((size_t)n * d * sizeof *xc);
    float *c = malloc((size_t)d * d * sizeof *c);
    if (!p->mean || !p->components || !p->variance || !p->ratio || !xc || !c) {
        free(xc);
        free(c);
        pca_free(p);
        return ae_fail(err, "pca: out of memory for %d x %d", n, d);
    }
    xc[0] = 0; /* centre() fills it all; GCC cannot see that through the loops */
    double ss = centre(x, n, d, p->mean, xc);
    p->total_variance = ss / (n - 1);
    cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, d, n, 1.0f / (float)(n - 1), xc, d, 0.0f, c,
                d);
    free(xc);
    for (int i = 0; i < d; i++)
        for (int j = 0; j < i; j++) c[(size_t)i * d + j] = c[(size_t)j * d + i];
    if (method == PCA_AUTO) method = (d <= 1024 || 3 * k > d) ? PCA_EXACT : PCA_RANDOMIZED;
    int rc = method == PCA_EXACT ? eig_exact(c, d, k, p->components, p->variance, err)
                                 : eig_randomized(c, d, k, p->components, p->variance, err);
    free(c);
    if (rc) {
        pca_free(p);
        return -1;
    }
    for (int t = 0; t < k; t++) {
        float *v = p->components + (size_t)t * d;
        int big = 0;
        for (int j = 1; j < d; j++)
            if (fabsf(v[j]) > fabsf(v[big])) big = j;
        if (v[big] < 0)
            for (int j = 0; j < d; j++) v[j] = -v[j];
        if (p->variance[t] < 0) p->variance[t] = 0; /* rounding on a rank-deficient matrix */
        p->ratio[t] = p->total_variance > 0 ? p->variance[t] / p->total_variance : 0;
    }
    return 0;
}

int pca_fit(pca *p, const float *x, int n, int d, int k, ae_err *err)
{
    return pca_fit_method(p, x, n, d, k, PCA_AUTO, err);
}

enum { BLOCK_ROWS = 1024 };

int pca_project(const pca *p, const float *x, int n, float *out, ae_err *err)
{
    int d = p->d, k = p->k, rows = n < BLOCK_ROWS ? n : BLOCK_ROWS;
    if (n <= 0) return 0;
    float *xc = malloc((size_t)rows * d * sizeof *xc);
    if (!xc) return ae_fail(err, "pca: out of memory");
    for (int i0 = 0; i0 < n; i0 += rows) {
        int m = n - i0 < rows ? n - i0 : rows;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < d; j++)
                xc[(size_t)i * d + j] = (float)(x[(size_t)(i0 + i) * d + j] - p->mean[j]);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, k, d, 1.0f, xc, d, p->components, d,
                    0.0f, out + (size_t)i0 * k, k);
    }
    free(xc);
    return 0;
}

int pca_reconstruct(const pca *p, const float *z, int n, float *out, ae_err *err)
{
    int d = p->d, k = p->k;
    if (n <= 0) return 0;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, d, k, 1.0f, z, k, p->components, d,
                0.0f, out, d);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < d; j++) out[(size_t)i * d + j] += (float)p->mean[j];
    return 0;
}

int pca_baseline(const float *train, int ntrain, const float *test, int ntest, int d, int k,
                 pca_baseline_result *r, ae_err *err)
{
    memset(r, 0, sizeof *r);
    if (ntest < 1) return ae_fail(err, "pca baseline: no test rows");
    double t0 = now_s();
    pca p;
    if (pca_fit(&p, train, ntrain, d, k, err)) return -1;
    double t1 = now_s();
    for (int t = 0; t < k; t++) r->explained += p.ratio[t];
    int rows = ntest < BLOCK_ROWS ? ntest : BLOCK_ROWS;
    float *z = malloc((size_t)rows * k * sizeof *z);
    float *rec = malloc((size_t)rows * d * sizeof *rec);
    if (!z || !rec) {
        free(z);
        free(rec);
        pca_free(&p);
        return ae_fail(err, "pca baseline: out of memory");
    }
    double se = 0, ae = 0;
    for (int i0 = 0; i0 < ntest; i0 += rows) {
        int m = ntest - i0 < rows ? ntest - i0 : rows;
        const float *x = test + (size_t)i0 * d;
        pca_project(&p, x, m, z, NULL);
        pca_reconstruct(&p, z, m, rec, NULL);
        for (size_t i = 0; i < (size_t)m * d; i++) {
            double e = (double)rec[i] - x[i];
            se += e * e;
            ae += fabs(e);
        }
    }
    r->mse = se / ((double)ntest * d);
    r->mae = ae / ((double)ntest * d);
    r->fit_s = t1 - t0;
    r->eval_s = now_s() - t1;
    free(z);
    free(rec);
    pca_free(&p);
    return 0;
}
