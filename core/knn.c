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
enum { ROWS = 64 }; /* rows per work item */

/* What the threads share. */
typedef struct job {
    const float *x, *sq;
    int n, d, k, kk, tile;
    int32_t *idx;
    double *dist2;
    const atomic_int *cancel;
    atomic_int next; /* the next row block */
} job;

/* One thread's buffers: a tile of products and each row's candidates. */
typedef struct worker {
    job *j;
    float *g;   /* ROWS x tile */
    fcand *buf; /* ROWS x 2 kk */
    float *thr; /* ROWS */
    int *m;     /* ROWS */
    cand *c;    /* kk */
} worker;

/* Appends row r's values v_j = |x_j|^2 - 2 x_i.x_j below its threshold to its buffer; when
 * the buffer (2 kk) fills, a quickselect keeps the kk smallest and the threshold drops to the
 * largest of them. j grows, so "v < threshold" is exactly "(v, j) < (threshold, its index)". */
static void scan(worker *w, int r, int i, const float *gr, int j0, int cols)
{
    const job *jb = w->j;
    int kk = jb->kk, m = w->m[r];
    float thr = w->thr[r];
    fcand *buf = w->buf + (size_t)r * 2 * kk;
    for (int c = 0; c < cols; c++) {
        int j = j0 + c;
        float v = jb->sq[j] - 2.0f * gr[c];
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
    w->m[r] = m;
    w->thr[r] = thr;
}

/* The kk candidates of row i re-ranked by exact distances in double; the first k kept. */
static void finish(worker *w, int r, int i)
{
    const job *jb = w->j;
    int d = jb->d, k = jb->k, kk = jb->kk;
    fcand *buf = w->buf + (size_t)r * 2 * kk;
    if (w->m[r] > kk) select_smallest(buf, w->m[r], kk);
    const float *xi = jb->x + (size_t)i * d;
    for (int t = 0; t < kk; t++) {
        const float *xj = jb->x + (size_t)buf[t].i * d;
        double sum = 0;
        for (int q = 0; q < d; q++) {
            double e = (double)xi[q] - xj[q];
            sum += e * e;
        }
        w->c[t].d = sum;
        w->c[t].i = buf[t].i;
    }
    qsort(w->c, kk, sizeof *w->c, cand_cmp);
    for (int t = 0; t < k; t++) {
        jb->idx[(size_t)i * k + t] = w->c[t].i;
        jb->dist2[(size_t)i * k + t] = w->c[t].d;
    }
}

static void *work(void *arg)
{
    worker *w = arg;
    job *jb = w->j;
    int n = jb->n, d = jb->d;
    for (;;) {
        if (jb->cancel && atomic_load(jb->cancel)) break;
        int i0 = atomic_fetch_add(&jb->next, ROWS);
        if (i0 >= n) break;
        int rows = n - i0 < ROWS ? n - i0 : ROWS;
        for (int r = 0; r < rows; r++) {
            w->m[r] = 0;
            w->thr[r] = INFINITY;
        }
        for (int j0 = 0; j0 < n; j0 += jb->tile) {
            int cols = n - j0 < jb->tile ? n - j0 : jb->tile;
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, cols, d, 1.0f,
                        jb->x + (size_t)i0 * d, d, jb->x + (size_t)j0 * d, d, 0.0f, w->g, cols);
            for (int r = 0; r < rows; r++) scan(w, r, i0 + r, w->g + (size_t)r * cols, j0, cols);
        }
        for (int r = 0; r < rows; r++) finish(w, r, i0 + r);
    }
    return NULL;
}

int knn_exact(const float *x, int n, int d, int k, int nthreads, int32_t *idx, double *dist2,
              const atomic_int *cancel, ae_err *err)
{
    if (k < 1 || k > n - 1) return ae_fail(err, "knn: %d neighbours of %d points", k, n);
    if (nthreads < 1) nthreads = 1;
    if (nthreads > KNN_MAX_THREADS) nthreads = KNN_MAX_THREADS;
    job jb = {x, NULL, n, d, k, k + 8 < n - 1 ? k + 8 : n - 1, 0, idx, dist2, cancel, 0};
    /* Tiles small enough (rows x cols x d <= 2^18) that OpenBLAS computes them in the calling
     * thread: our threads then run side by side and no BLAS thread spins idle between calls.
     * For d > 64 such tiles would be too thin: whole rows, one of our threads, BLAS's own. */
    if (d <= 64) {
        jb.tile = (1 << 18) / (ROWS * d);
    } else {
        jb.tile = n;
        nthreads = 1;
    }
    if (jb.tile > n) jb.tile = n;
    float *sq = malloc((size_t)n * sizeof *sq);
    worker w[KNN_MAX_THREADS];
    memset(w, 0, sizeof w);
    int ok = sq != NULL;
    for (int t = 0; t < nthreads && ok; t++) {
        w[t].j = &jb;
        w[t].g = malloc((size_t)ROWS * jb.tile * sizeof *w[t].g);
        w[t].buf = malloc((size_t)ROWS * 2 * jb.kk * sizeof *w[t].buf);
        w[t].thr = malloc(ROWS * sizeof *w[t].thr);
        w[t].m = malloc(ROWS * sizeof *w[t].m);
        w[t].c = malloc((size_t)jb.kk * sizeof *w[t].c);
        ok = w[t].g && w[t].buf && w[t].thr && w[t].m && w[t].c;
    }
    int rc = 0;
    if (!ok) {
        rc = ae_fail(err, "knn: out of memory for %d points", n);
        goto out;
    }
    for (int i = 0; i < n; i++) {
        const float *r = x + (size_t)i * d;
        double s = 0;
        for (int j = 0; j < d; j++) s += (double)r[j] * r[j];
        sq[i] = (float)s;
    }
    jb.sq = sq;
    atomic_init(&jb.next, 0);
    /* Each row's result depends on that row only: which thread did it does not matter. */
    pthread_t th[KNN_MAX_THREADS];
    int started[KNN_MAX_THREADS] = {0};
    for (int t = 1; t < nthreads; t++) started[t] = pthread_create(&th[t], NULL, work, &w[t]) == 0;
    work(&w[0]);
    for (int t = 1; t < nthreads; t++)
        if (started[t]) pthread_join(th[t], NULL);
    if (cancel && atomic_load(cancel)) rc = 1;
out:
    for (int t = 0; t < KNN_MAX_THREADS; t++) {
        free(w[t].g);
        free(w[t].buf);
        free(w[t].thr);
        free(w[t].m);
        free(w[t].c);
    }
    free(sq);
    return rc;
}
