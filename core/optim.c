/* optim.c: Adam, clipping and initialisers (see optim.h). */
#include "optim.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>

void adam_init(adam *a, double lr)
{
    a->lr = lr, a->beta1 = 0.9, a->beta2 = 0.999, a->eps = 1e-7, a->t = 0;
}

double adam_step(adam *a, float *p, const float *g, float *m, float *v, long n, double clip)
{
    double ss = 0;
    for (long i = 0; i < n; i++) ss += (double)g[i] * g[i];
    double norm = sqrt(ss);
    float gs = (clip > 0 && norm > clip) ? (float)(clip / norm) : 1.0f;
    a->t++;
    const float b1 = (float)a->beta1, b2 = (float)a->beta2, eps = (float)a->eps;
    const float omb1 = (float)(1 - a->beta1), omb2 = (float)(1 - a->beta2);
    const float lr_t =
        (float)(a->lr * sqrt(1 - pow(a->beta2, (double)a->t)) / (1 - pow(a->beta1, (double)a->t)));
    for (long i = 0; i < n; i++) {
        float gi = g[i] * gs;
        float mi = b1 * m[i] + omb1 * gi;
        float vi = b2 * v[i] + omb2 * gi * gi;
        m[i] = mi, v[i] = vi;
        p[i] -= lr_t * mi / (sqrtf(vi) + eps);
    }
    return norm;
}

void init_glorot_uniform(float *w, long n, int fan_in, int fan_out, rng *r)
{
    double limit = sqrt(6.0 / (fan_in + fan_out));
    for (long i = 0; i < n; i++) w[i] = (float)rng_range(r, -limit, limit);
}

int init_orthogonal(float *w, int rows, int cols, rng *r)
{
    /* QR of a tall Gaussian matrix a (m x k, m >= k); its Q has orthonormal columns. */
    int tall = rows >= cols;
    int m = tall ? rows : cols, k = tall ? cols : rows;
    double *a = malloc(sizeof(double) * m * k), *tau = malloc(sizeof(double) * k);
    double *d = malloc(sizeof(double) * k);
    int rc = -1;
    if (!a || !tau || !d) goto out;
    for (long i = 0; i < (long)m * k; i++) a[i] = rng_normal(r);
    if (LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, m, k, a, k, tau) != 0) goto out;
    for (int j = 0; j < k; j++) d[j] = a[(long)j * k + j] < 0 ? -1.0 : 1.0;
    if (LAPACKE_dorgqr(LAPACK_ROW_MAJOR, m, k, k, a, k, tau) != 0) goto out;
    /* q (m,k) * sign(diag r); stored as w = q (tall) or q^T (wide) */
    for (int i = 0; i < m; i++)
        for (int j = 0; j < k; j++) {
            float q = (float)(a[(long)i * k + j] * d[j]);
            if (tall)
                w[(long)i * cols + j] = q;
            else
                w[(long)j * cols + i] = q;
        }
    rc = 0;
out:
    free(a), free(tau), free(d);
    return rc;
}
