/* walk.c: codes for latent walks (see walk.h). */
#include "walk.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void walk_interpolate(const float *a, const float *b, int L, int K, int slerp, float *out)
{
    double na = 0, nb = 0, dot = 0;
    for (int i = 0; i < L; i++)
        na += (double)a[i] * a[i], nb += (double)b[i] * b[i], dot += (double)a[i] * b[i];
    na = sqrt(na), nb = sqrt(nb);
    double cosw = na > 0 && nb > 0 ? dot / (na * nb) : 1;
    if (cosw > 1) cosw = 1;
    if (cosw < -1) cosw = -1;
    double w = acos(cosw), sw = sin(w);
    /* about 0.06 degrees or less from parallel: the great circle is not defined well */
    int sph = slerp && na > 0 && nb > 0 && sw > 1e-3;
    for (int k = 0; k < K; k++) {
        float *o = out + (long)k * L;
        if (k == 0 || k == K - 1) { /* the ends are the codes themselves, bit for bit */
            memcpy(o, k == 0 ? a : b, sizeof(float) * L);
            continue;
        }
        double t = (double)k / (K - 1);
        if (!sph) {
            for (int i = 0; i < L; i++) o[i] = (float)((1 - t) * a[i] + t * b[i]);
            continue;
        }
        /* unit directions along the great circle, scaled by the interpolated norm */
        double ca = sin((1 - t) * w) / sw / na, cb = sin(t * w) / sw / nb;
        double norm = (1 - t) * na + t * nb;
        for (int i = 0; i < L; i++) o[i] = (float)(norm * (ca * a[i] + cb * b[i]));
    }
}

double walk_traverse_t(int s, int steps, double range)
{
    if (steps <= 1) return 0;
    if (2 * s == steps - 1) return 0; /* the middle of an odd count: exactly the mean */
    return -range + 2 * range * s / (steps - 1);
}

void walk_traverse(const pca *p, int rows, int steps, double range, float *out)
{
    const int L = p->d;
    for (int j = 0; j < rows; j++) {
        double sd = sqrt(p->variance[j] > 0 ? p->variance[j] : 0);
        const float *ax = p->components + (long)j * L;
        for (int s = 0; s < steps; s++) {
            double t = walk_traverse_t(s, steps, range);
            float *o = out + ((long)j * steps + s) * L;
            if (t == 0) {
                for (int i = 0; i < L; i++) o[i] = (float)p->mean[i];
                continue;
            }
            for (int i = 0; i < L; i++) o[i] = (float)(p->mean[i] + t * sd * ax[i]);
        }
    }
}

int walk_gauss_fit(walk_gauss *g, const float *z, int n, int d, ae_err *err)
{
    memset(g, 0, sizeof *g);
    if (n < 2 || d < 1)
        return ae_fail(err, "a Gaussian fit needs at least 2 codes of size 1 or more (got %d)", n);
    g->d = d;
    g->mean = calloc((size_t)d, sizeof(double));
    g->chol = calloc((size_t)d * d, sizeof(double));
    g->work = malloc(sizeof(double) * d);
    if (!g->mean || !g->chol || !g->work) {
        walk_gauss_free(g);
        return ae_fail(err, "out of memory for a %dx%d covariance", d, d);
    }
    for (long i = 0; i < n; i++)
        for (int k = 0; k < d; k++) g->mean[k] += z[i * d + k];
    for (int k = 0; k < d; k++) g->mean[k] /= n;
    /* covariance in double, lower triangle; d is a latent size (small), n up to the train set */
    double *c = g->chol, *row = g->work;
    for (long i = 0; i < n; i++) {
        for (int k = 0; k < d; k++) row[k] = z[i * d + k] - g->mean[k];
        for (int a = 0; a < d; a++)
            for (int b = 0; b <= a; b++) c[(long)a * d + b] += row[a] * row[b];
    }
    double tr = 0;
    for (int a = 0; a < d; a++)
        for (int b = 0; b <= a; b++) c[(long)a * d + b] /= n - 1;
    for (int a = 0; a < d; a++) tr += c[(long)a * d + a];
    double ridge = 1e-6 * (tr > 0 ? tr / d : 1);
    for (int a = 0; a < d; a++) c[(long)a * d + a] += ridge;
    lapack_int info = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', d, c, d);
    if (info != 0) {
        walk_gauss_free(g);
        return ae_fail(err, "the codes' covariance is not positive definite (DPOTRF info %d)",
                       (int)info);
    }
    for (int a = 0; a < d; a++) /* DPOTRF leaves the upper triangle as it was */
        for (int b = a + 1; b < d; b++) c[(long)a * d + b] = 0;
    return 0;
}

void walk_gauss_sample(walk_gauss *g, rng *r, int n, float *out)
{
    const int d = g->d;
    double *e = g->work;
    for (int s = 0; s < n; s++) {
        for (int k = 0; k < d; k++) e[k] = rng_normal(r);
        for (int a = 0; a < d; a++) {
            double v = g->mean[a];
            for (int b = 0; b <= a; b++) v += g->chol[(long)a * d + b] * e[b];
            out[(long)s * d + a] = (float)v;
        }
    }
}

void walk_gauss_free(walk_gauss *g)
{
    free(g->mean), free(g->chol), free(g->work);
    g->mean = g->chol = g->work = NULL;
}
