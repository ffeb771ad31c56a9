/* knn.c: exact nearest neighbours by blocked SGEMM and per-row heaps (see knn.h). */
#include "knn.h"

#include <cblas.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* A candidate by its Gram-trick distance, ordered by (v, i). */
typedef struct fcand {
    float v;
    int32_t i;
} fcand;

static int fless(fcand a, fcand b)
{
    return a.v < b.v || (a.v == b.v && a.i < b.i);
}

/* Rearranges a[0..m-1] so that a[0..k-1] are its k smallest (in no order); quickselect with a
 * median-of-three pivot, deterministic. */
static void select_smallest(fcand *a, int m, int k)
{
    int lo = 0, hi = m - 1;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        fcand x = a[lo], y = a[mid], z = a[hi], p;
        if (fless(x, y))
            p = fless(y, z) ? y : fless(x, z) ? z : x;
        else
            p = fless(x, z) ? x : fless(y, z) ? z : y;
        int i = lo, j = hi;
        while (i <= j) {
            while (fless(a[i], p)) i++;
            while (fless(p, a[j])) j--;
            if (i <= j) {
                fcand t = a[i];
                a[i++] = a[j];
                a[j--] = t;
            }
        }
        if (k - 1 <= j)
            hi = j;
        else if (k - 1 >= i)
            lo = i;
        else
            break;
    }
}

typedef struct cand {
    double d;
    int32_t i;
} cand;

static int cand_cmp(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->d != y->d) return x->d < y->d ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

/* Selection work for a stripe of rows of one Gram block. */
typedef struct stripe {
    const float *x, *g, *sq;
    int n, d, k, kk, i0, r0, r1;
    int32_t *idx;
    double *dist2;
    fcand *buf;
    cand *c;
} stripe;

static void *select_rows(void *arg)
{
    stripe *s = arg;
    int n = s->n, d = s->d, k = s->k, kk = s->kk;
    fcand *buf = s->buf;
    cand *c = s->c;
    for (int r = s->r0; r < s->r1; r++) {
        int i = s->i0 + r;
        const float *gr = s->g + (size_t)r * n;
        /* |x_i|^2 is the same for the whole row: rank by |x_j|^2 - 2 x_i.x_j. Candidates
         * below the threshold are appended to a buffer of 2 kk; when it fills, a quickselect
         * keeps the kk smallest and the threshold drops to the largest of them. j grows, so
         * "v < threshold" is exactly "(v, j) < (threshold, its index)". */
        float thr = INFINITY;
        int m = 0;
        for (int j = 0; j < n; j++) {
            float v = s->sq[j] - 2.0f * gr[j];
            if (v < thr && j != i) {
                buf[m].v = v;
                buf[m++].i = j;
                if (m == 2 * kk) {
                    select_smallest(buf, m, kk);
                    m = kk;
                    thr = buf[0].v;
                    for (int t = 1; t < kk; t++)
                        if (buf[t].v > thr) thr = buf[t].v;
                }
            }
        }
        if (m > kk) select_smallest(buf, m, kk);
        const float *xi = s->x + (size_t)i * d;
        for (int t = 0; t < kk; t++) {
            const float *xj = s->x + (size_t)buf[t].i * d;
            double sum = 0;
            for (int q = 0; q < d; q++) {
                double e = (double)xi[q] - xj[q];
                sum += e * e;
            }
            c[t].d = sum;
            c[t].i = buf[t].i;
        }
        qsort(c, kk, sizeof *c, cand_cmp);
        for (int t = 0; t < k; t++) {
            s->idx[(size_t)i * k + t] = c[t].i;
            s->dist2[(size_t)i * k + t] = c[t].d;
        }
    }
    return NULL;
}

int knn_exact(const float *x, int n, int d, int k, int nthreads, int32_t *idx, double *dist2,
              const atomic_int *cancel, ae_err *err)
{
    if (k < 1 || k > n - 1) return ae_fail(err, "knn: %d neighbours of %d points", k, n);
    if (nthreads < 1) nthreads = 1;
    if (nthreads > KNN_MAX_THREADS) nthreads = KNN_MAX_THREADS;
    int kk = k + 8 < n - 1 ? k + 8 : n - 1; /* candidates kept before the exact re-ranking */
    /* Blocks of about 2 MB of products: written by SGEMM and read back while still in cache. */
    long bl = (512L << 10) / n;
    int block = bl < 16 * nthreads ? 16 * nthreads : bl > 1024 ? 1024 : (int)bl;
    if (block > n) block = n;
    float *g = malloc((size_t)block * n * sizeof *g);
    float *sq = malloc((size_t)n * sizeof *sq);
    fcand *buf = malloc((size_t)nthreads * 2 * kk * sizeof *buf);
    cand *c = malloc((size_t)nthreads * kk * sizeof *c);
    if (!g || !sq || !buf || !c) {
        free(g);
        free(sq);
        free(buf);
        free(c);
        return ae_fail(err, "knn: out of memory for %d points", n);
    }
    for (int i = 0; i < n; i++) {
        const float *r = x + (size_t)i * d;
        double s = 0;
        for (int j = 0; j < d; j++) s += (double)r[j] * r[j];
        sq[i] = (float)s;
    }
    int rc = 0;
    for (int i0 = 0; i0 < n; i0 += block) {
        if (cancel && atomic_load(cancel)) {
            rc = 1;
            break;
        }
        int m = n - i0 < block ? n - i0 : block;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, d, 1.0f, x + (size_t)i0 * d, d,
                    x, d, 0.0f, g, n);
        /* Rows split into one stripe per thread; each row's result depends on that row only. */
        stripe st[KNN_MAX_THREADS];
        pthread_t th[KNN_MAX_THREADS];
        int started[KNN_MAX_THREADS] = {0};
        for (int t = 0; t < nthreads; t++) {
            st[t] = (stripe){x,
                             g,
                             sq,
                             n,
                             d,
                             k,
                             kk,
                             i0,
                             (int)((long)m * t / nthreads),
                             (int)((long)m * (t + 1) / nthreads),
                             idx,
                             dist2,
                             buf + (size_t)t * 2 * kk,
                             c + (size_t)t * kk};
            if (t > 0) started[t] = pthread_create(&th[t], NULL, select_rows, &st[t]) == 0;
        }
        select_rows(&st[0]);
        for (int t = 1; t < nthreads; t++) {
            if (started[t])
                pthread_join(th[t], NULL);
            else
                select_rows(&st[t]); /* no thread: do it here */
        }
    }
    free(g);
    free(sq);
    free(buf);
    free(c);
    return rc;
}
