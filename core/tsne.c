/* tsne.c: Barnes-Hut t-SNE with a fixed summation order, for a worker thread (see tsne.h).
 *
 * Each iteration: build the quadtree of the layout (one thread, ~0.3 ms at 10,000 points);
 * a parallel pass over the tree's leaves (each leaf's points share one interaction list, see
 * quadtree.h) and one over the rows of P for the attraction, both in chunks handed out from
 * an atomic counter; every point's repulsion, partial normaliser and attraction land in
 * per-point slots, and the normaliser Z is summed in point order afterwards. Which thread did
 * which chunk therefore never changes a bit of the result. The update (gains, momentum) is a
 * serial O(n) loop. */
#include "tsne.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "knn.h"
#include "pca.h"
#include "quadtree.h"
#include "rng.h"

enum { MAX_THREADS = 64 };

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* ---- a tiny thread pool: parallel for over [0, total) in chunks ----------------------- */

typedef void (*range_fn)(void *ctx, int tid, int lo, int hi);

struct pool;
typedef struct worker_arg {
    struct pool *p;
    int tid;
} worker_arg;

typedef struct pool {
    int nthreads, started;
    pthread_t th[MAX_THREADS];
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    uint64_t gen;
    int busy, quit;
    range_fn fn;
    void *ctx;
    int total, chunk;
    atomic_int next;
    struct worker_arg args[MAX_THREADS];
} pool;

static void pool_work(pool *p, int tid)
{
    for (;;) {
        int lo = atomic_fetch_add(&p->next, p->chunk);
        if (lo >= p->total) break;
        int hi = lo + p->chunk < p->total ? lo + p->chunk : p->total;
        p->fn(p->ctx, tid, lo, hi);
    }
}

static void *pool_main(void *arg)
{
    pool *p = ((worker_arg *)arg)->p;
    int tid = ((worker_arg *)arg)->tid;
    uint64_t seen = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->gen == seen && !p->quit) pthread_cond_wait(&p->go, &p->mu);
        if (p->quit) break;
        seen = p->gen;
        pthread_mutex_unlock(&p->mu);
        pool_work(p, tid);
        pthread_mutex_lock(&p->mu);
        if (--p->busy == 0) pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static int pool_start(pool *p, int nthreads)
{
    memset(p, 0, sizeof *p);
    p->nthreads = nthreads < 1 ? 1 : nthreads > MAX_THREADS ? MAX_THREADS : nthreads;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->go, NULL);
    pthread_cond_init(&p->done, NULL);
    for (int i = 0; i < p->nthreads - 1; i++) {
        p->args[i] = (worker_arg){p, i + 1};
        if (pthread_create(&p->th[i], NULL, pool_main, &p->args[i])) break;
        p->started++;
    }
    return 0;
}

static void pool_for(pool *p, int total, int chunk, range_fn fn, void *ctx)
{
    pthread_mutex_lock(&p->mu);
    p->fn = fn;
    p->ctx = ctx;
    p->total = total;
    p->chunk = chunk < 1 ? 1 : chunk;
    atomic_store(&p->next, 0);
    p->busy = p->started;
    p->gen++;
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    pool_work(p, 0);
    pthread_mutex_lock(&p->mu);
    while (p->busy > 0) pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
}

static void pool_stop(pool *p)
{
    pthread_mutex_lock(&p->mu);
    p->quit = 1;
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->started; i++) pthread_join(p->th[i], NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->go);
    pthread_cond_destroy(&p->done);
}

/* ---- affinities ----------------------------------------------------------------------- */

/* Conditional P_j|i for one row of k squared distances (ascending) at the given entropy
 * log(perplexity): bisection on beta = 1 / (2 sigma^2), as scikit-learn does it, but with the
 * nearest distance subtracted in the exponent (the same P, without underflow on far data). */
static double row_search(const double *d2, int k, double log_perp, double *p)
{
    double beta = 1, lo = -INFINITY, hi = INFINITY, h = 0, d0 = d2[0];
    for (int step = 0; step < 200; step++) {
        double sum = 0, sdp = 0;
        for (int t = 0; t < k; t++) {
            p[t] = exp(-beta * (d2[t] - d0));
            sum += p[t];
        }
        for (int t = 0; t < k; t++) {
            p[t] /= sum;
            sdp += (d2[t] - d0) * p[t];
        }
        h = log(sum) + beta * sdp;
        double diff = h - log_perp;
        if (fabs(diff) <= 1e-5) break;
        if (diff > 0) {
            lo = beta;
            beta = hi == INFINITY ? beta * 2 : 0.5 * (beta + hi);
        } else {
            hi = beta;
            beta = lo == -INFINITY ? beta * 0.5 : 0.5 * (beta + lo);
        }
        if (!(beta > 0) || beta > 1e300) break; /* duplicates only, or one neighbour */
    }
    return exp(h);
}

typedef struct aff_ctx {
    const double *d2;
    double *cond, *rowperp;
    int k;
    double log_perp;
    const atomic_int *cancel;
} aff_ctx;

static void aff_range(void *arg, int tid, int lo, int hi)
{
    aff_ctx *c = arg;
    if (c->cancel && atomic_load(c->cancel)) return;
    for (int i = lo; i < hi; i++) {
        double pp =
            row_search(c->d2 + (size_t)i * c->k, c->k, c->log_perp, c->cond + (size_t)i * c->k);
        if (c->rowperp) c->rowperp[i] = pp;
    }
}

void tsne_P_free(tsne_P *P)
{
    free(P->row);
    free(P->col);
    free(P->val);
    memset(P, 0, sizeof *P);
}

/* P from the neighbour lists: P_ij = (P_j|i + P_i|j) / sum, rows built in a fixed order. */
static int symmetrise(int n, int k, const int32_t *idx, const double *cond, tsne_P *P, ae_err *err)
{
    int64_t *cnt = calloc((size_t)n + 1, sizeof *cnt);
    int32_t *slot = malloc((size_t)n * sizeof *slot);
    int64_t *fill = malloc((size_t)n * sizeof *fill);
    int32_t *tcol = malloc((size_t)2 * n * k * sizeof *tcol);
    double *tval = malloc((size_t)2 * n * k * sizeof *tval);
    int rc = -1;
    if (!cnt || !slot || !fill || !tcol || !tval) {
        ae_fail(err, "t-SNE: out of memory for the affinities");
        goto out;
    }
    /* Bucket both directions of every neighbour pair by row. */
    for (int i = 0; i < n; i++)
        for (int t = 0; t < k; t++) {
            cnt[i + 1]++;
            cnt[idx[(size_t)i * k + t] + 1]++;
        }
    for (int i = 0; i < n; i++) cnt[i + 1] += cnt[i];
    for (int i = 0; i < n; i++) fill[i] = cnt[i];
    for (int i = 0; i < n; i++)
        for (int t = 0; t < k; t++) {
            int j = idx[(size_t)i * k + t];
            double v = cond[(size_t)i * k + t];
            tcol[fill[i]] = j;
            tval[fill[i]++] = v;
            tcol[fill[j]] = i;
            tval[fill[j]++] = v;
        }
    /* Merge duplicates within each row (at most two per pair; a + b is order-free). */
    P->n = n;
    P->row = malloc(((size_t)n + 1) * sizeof *P->row);
    P->col = malloc((size_t)2 * n * k * sizeof *P->col);
    P->val = malloc((size_t)2 * n * k * sizeof *P->val);
    if (!P->row || !P->col || !P->val) {
        tsne_P_free(P);
        ae_fail(err, "t-SNE: out of memory for the affinities");
        goto out;
    }
    for (int i = 0; i < n; i++) slot[i] = -1;
    int64_t nnz = 0;
    double total = 0;
    for (int i = 0; i < n; i++) {
        P->row[i] = nnz;
        for (int64_t e = cnt[i]; e < cnt[i + 1]; e++) {
            int j = tcol[e];
            if (slot[j] >= 0) {
                P->val[P->row[i] + slot[j]] += tval[e];
            } else {
                slot[j] = (int32_t)(nnz - P->row[i]);
                P->col[nnz] = j;
                P->val[nnz++] = tval[e];
            }
        }
        for (int64_t e = P->row[i]; e < nnz; e++) {
            slot[P->col[e]] = -1;
            total += P->val[e];
        }
    }
    P->row[n] = nnz;
    for (int64_t e = 0; e < nnz; e++) P->val[e] /= total;
    rc = 0;
out:
    free(cnt);
    free(slot);
    free(fill);
    free(tcol);
    free(tval);
    return rc;
}

/* Returns 0, 1 when cancelled, -1 on error. */
static int affinities(const float *x, int n, int d, double perplexity, pool *pl,
                      const atomic_int *cancel, tsne_P *P, double *rowperp, ae_err *err)
{
    memset(P, 0, sizeof *P);
    int k = (int)(3 * perplexity) + 1;
    if (k > n - 1) k = n - 1;
    int32_t *idx = malloc((size_t)n * k * sizeof *idx);
    double *d2 = malloc((size_t)n * k * sizeof *d2);
    double *cond = malloc((size_t)n * k * sizeof *cond);
    int rc = -1;
    if (!idx || !d2 || !cond) {
        ae_fail(err, "t-SNE: out of memory for %d x %d neighbours", n, k);
        goto out;
    }
    rc = knn_exact(x, n, d, k, pl->nthreads, idx, d2, cancel, err);
    if (rc) goto out;
    aff_ctx c = {d2, cond, rowperp, k, log(perplexity), cancel};
    pool_for(pl, n, 64, aff_range, &c);
    if (cancel && atomic_load(cancel)) {
        rc = 1;
        goto out;
    }
    rc = symmetrise(n, k, idx, cond, P, err);
out:
    free(idx);
    free(d2);
    free(cond);
    return rc;
}

int tsne_affinities(const float *x, int n, int d, double perplexity, tsne_P *P,
                    double *row_perplexity, ae_err *err)
{
    memset(P, 0, sizeof *P);
    if (n < 2) return ae_fail(err, "t-SNE: need at least 2 points, got %d", n);
    if (!(perplexity > 0)) return ae_fail(err, "t-SNE: perplexity must be positive");
    pool pl;
    pool_start(&pl, 1);
    int rc = affinities(x, n, d, perplexity, &pl, NULL, P, row_perplexity, err);
    pool_stop(&pl);
    return rc;
}

/* ---- the gradient ----------------------------------------------------------------------- */

/* P packed for the attraction pass: one 8-byte entry per nonzero, streamed in row order. */
typedef struct pentry {
    int32_t col;
    float val;
} pentry;

static pentry *pack(const tsne_P *P)
{
    int64_t nnz = P->row[P->n];
    pentry *pk = malloc((size_t)(nnz ? nnz : 1) * sizeof *pk);
    if (!pk) return NULL;
    for (int64_t e = 0; e < nnz; e++) {
        pk[e].col = P->col[e];
        pk[e].val = (float)P->val[e];
    }
    return pk;
}

typedef struct grad_ctx {
    const tsne_P *P;
    const pentry *pk;
    const quadtree *qt;
    const double *y;
    const float *yf; /* y in float, for the attraction */
    double theta;
    double *rep, *z, *att, *kl; /* kl NULL: no KL this time */
    qt_scratch *scratch;        /* one per thread */
} grad_ctx;

/* Repulsion for the tree's leaves [lo, hi). */
static void rep_range(void *arg, int tid, int lo, int hi)
{
    grad_ctx *c = arg;
    quadtree_repulsion_leaves(c->qt, c->theta, lo, hi, c->rep, c->z, &c->scratch[tid]);
}

typedef float v8f __attribute__((vector_size(32)));

/* sum_e P_e w_e (y_i - y_j) over one row of P, eight entries at a time in float (the
 * neighbours' coordinates gathered from the float copy yf), the tail and the lane sums in
 * double. Compiled for AVX2 and for the baseline, with the same bits from both. */
__attribute__((target_clones("avx2", "default"))) static void
attract_row(const pentry *pk, int64_t e0, int64_t e1, const float *yf, int i, double *out)
{
    const v8f one = {1, 1, 1, 1, 1, 1, 1, 1};
    const v8f xv = one * yf[2 * i], yv = one * yf[2 * i + 1];
    v8f fxv = one - one, fyv = fxv;
    int64_t e = e0;
    for (; e + 8 <= e1; e += 8) {
        v8f ax, ay, pv;
        for (int l = 0; l < 8; l++) {
            int j = pk[e + l].col;
            ax[l] = yf[2 * j];
            ay[l] = yf[2 * j + 1];
            pv[l] = pk[e + l].val;
        }
        v8f dx = xv - ax, dy = yv - ay;
        v8f m = pv / (one + dx * dx + dy * dy);
        fxv += m * dx;
        fyv += m * dy;
    }
    double fx = 0, fy = 0;
    for (int l = 0; l < 8; l++) {
        fx += fxv[l];
        fy += fyv[l];
    }
    for (; e < e1; e++) {
        int j = pk[e].col;
        float dx = yf[2 * i] - yf[2 * j], dy = yf[2 * i + 1] - yf[2 * j + 1];
        float m = pk[e].val / (1.0f + dx * dx + dy * dy);
        fx += m * dx;
        fy += m * dy;
    }
    out[0] = fx;
    out[1] = fy;
}

/* Attraction from P for points [lo, hi), P read in row order; and, when asked, each row's
 * part of the KL divergence, sum_j P_ij log(P_ij (1 + d_ij^2)), in double. */
static void att_range(void *arg, int tid, int lo, int hi)
{
    grad_ctx *c = arg;
    const int64_t *row = c->P->row;
    const pentry *pk = c->pk;
    for (int i = lo; i < hi; i++) {
        double f[2];
        attract_row(pk, row[i], row[i + 1], c->yf, i, f);
        c->att[2 * i] = f[0];
        c->att[2 * i + 1] = f[1];
        if (!c->kl) continue;
        const double *y = c->y;
        double kl = 0;
        for (int64_t e = row[i]; e < row[i + 1]; e++) {
            int j = pk[e].col;
            double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
            kl += pk[e].val * log(pk[e].val * (1.0 + dx * dx + dy * dy));
        }
        c->kl[i] = kl;
    }
}

int tsne_gradient_bh(const tsne_P *P, const double *y, double theta, double exaggeration,
                     double *grad, ae_err *err)
{
    int n = P->n;
    quadtree qt;
    memset(&qt, 0, sizeof qt);
    double *buf = malloc((size_t)5 * n * sizeof *buf);
    pentry *pk = pack(P);
    if (!buf || !pk) {
        free(buf);
        free(pk);
        return ae_fail(err, "t-SNE: out of memory");
    }
    if (quadtree_build(&qt, y, n, err)) {
        free(buf);
        free(pk);
        return -1;
    }
    qt_scratch sc;
    memset(&sc, 0, sizeof sc);
    float *yf = malloc((size_t)2 * n * sizeof *yf);
    if (!yf) {
        quadtree_free(&qt);
        free(buf);
        free(pk);
        return ae_fail(err, "t-SNE: out of memory");
    }
    for (int i = 0; i < 2 * n; i++) yf[i] = (float)y[i];
    grad_ctx c = {P, pk, &qt, y, yf, theta, buf, buf + 2 * n, buf + 3 * n, NULL, &sc};
    rep_range(&c, 0, 0, qt.nleaves);
    att_range(&c, 0, 0, n);
    int failed = sc.failed;
    qt_scratch_free(&sc);
    free(yf);
    if (failed) {
        quadtree_free(&qt);
        free(buf);
        free(pk);
        return ae_fail(err, "t-SNE: out of memory");
    }
    double z = 0;
    for (int i = 0; i < n; i++) z += c.z[i];
    for (int i = 0; i < 2 * n; i++) grad[i] = exaggeration * c.att[i] - c.rep[i] / z;
    quadtree_free(&qt);
    free(buf);
    free(pk);
    return 0;
}

void tsne_gradient_exact(const tsne_P *P, const double *y, double exaggeration, double *grad)
{
    int n = P->n;
    double z = 0;
    for (int i = 0; i < n; i++) {
        double rx = 0, ry = 0;
        for (int j = 0; j < n; j++) {
            if (j == i) continue;
            double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
            double w = 1.0 / (1.0 + dx * dx + dy * dy);
            z += w;
            rx += w * w * dx;
            ry += w * w * dy;
        }
        grad[2 * i] = rx;
        grad[2 * i + 1] = ry;
    }
    for (int i = 0; i < n; i++) {
        double ax = 0, ay = 0;
        for (int64_t e = P->row[i]; e < P->row[i + 1]; e++) {
            int j = P->col[e];
            double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
            double m = P->val[e] / (1.0 + dx * dx + dy * dy);
            ax += m * dx;
            ay += m * dy;
        }
        grad[2 * i] = exaggeration * ax - grad[2 * i] / z;
        grad[2 * i + 1] = exaggeration * ay - grad[2 * i + 1] / z;
    }
}

double tsne_kl_exact(const tsne_P *P, const double *y)
{
    int n = P->n;
    double z = 0;
    for (int i = 0; i < n; i++) {
        double zi = 0, yx = y[2 * i], yy = y[2 * i + 1];
        for (int j = i + 1; j < n; j++) {
            double dx = yx - y[2 * j], dy = yy - y[2 * j + 1];
            zi += 1.0 / (1.0 + dx * dx + dy * dy);
        }
        z += 2 * zi;
    }
    double kl = 0;
    for (int i = 0; i < n; i++)
        for (int64_t e = P->row[i]; e < P->row[i + 1]; e++) {
            int j = P->col[e];
            double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
            double p = P->val[e];
            if (p > 0) kl += p * log(p * z * (1.0 + dx * dx + dy * dy));
        }
    return kl;
}

/* ---- the worker object ------------------------------------------------------------------ */

struct tsne {
    int n, d;
    float *x;
    tsne_params p;
    double perplexity;
    atomic_int cancel;
    pthread_mutex_t mu; /* guards pub_xy and pub */
    float *pub_xy;
    tsne_status pub;
    int have_layout;
    float *tmp_xy; /* run thread only */
    double t0, last_pub;
    tsne_P P;
};

tsne *tsne_create(const float *x, int n, int d, const tsne_params *params, ae_err *err)
{
    tsne_params p;
    memset(&p, 0, sizeof p);
    if (params) p = *params;
    if (n < 2) {
        ae_fail(err, "t-SNE: need at least 2 points, got %d", n);
        return NULL;
    }
    if (d < 1) {
        ae_fail(err, "t-SNE: points have no dimensions");
        return NULL;
    }
    for (size_t i = 0; i < (size_t)n * d; i++)
        if (!isfinite(x[i])) {
            ae_fail(err, "t-SNE: value of point %zu, dimension %zu is %s", i / d, i % d,
                    isnan(x[i]) ? "NaN" : "infinite");
            return NULL;
        }
    double maxp = (n - 1) / 3.0, perp = p.perplexity;
    if (perp == 0) {
        perp = 30 < maxp ? 30 : maxp;
    } else if (!(perp > 0) || perp > maxp) {
        ae_fail(err,
                "t-SNE: perplexity %g is impossible for %d points (it needs 3 x perplexity "
                "<= n - 1 neighbours: at most %.4g)",
                perp, n, maxp);
        return NULL;
    }
    if (p.iterations == 0) p.iterations = 1000;
    if (p.iterations < 0) {
        ae_fail(err, "t-SNE: %d iterations", p.iterations);
        return NULL;
    }
    if (p.theta == 0) p.theta = 0.5;
    if (!(p.theta > 0 && p.theta < 1)) {
        ae_fail(err, "t-SNE: theta %g is outside (0, 1)", p.theta);
        return NULL;
    }
    if (p.learning_rate == 0) p.learning_rate = n / 12.0 > 200 ? n / 12.0 : 200;
    if (p.exaggeration == 0) p.exaggeration = 12;
    if (p.exaggeration_iters == 0) p.exaggeration_iters = 250;
    if (p.exaggeration_iters < 0) p.exaggeration_iters = 0;
    if (p.threads <= 0) p.threads = 2;
    if (p.kl_every <= 0) p.kl_every = 50;
    if (p.publish_s <= 0) p.publish_s = 0.033;
    if (!(p.learning_rate > 0) || !(p.exaggeration > 0)) {
        ae_fail(err, "t-SNE: learning rate and exaggeration must be positive");
        return NULL;
    }
    tsne *t = calloc(1, sizeof *t);
    if (!t) {
        ae_fail(err, "t-SNE: out of memory");
        return NULL;
    }
    t->n = n;
    t->d = d;
    t->p = p;
    t->perplexity = perp;
    t->x = malloc((size_t)n * d * sizeof *t->x);
    t->pub_xy = calloc((size_t)2 * n, sizeof *t->pub_xy);
    t->tmp_xy = malloc((size_t)2 * n * sizeof *t->tmp_xy);
    if (!t->x || !t->pub_xy || !t->tmp_xy) {
        tsne_free(t);
        ae_fail(err, "t-SNE: out of memory for %d x %d", n, d);
        return NULL;
    }
    memcpy(t->x, x, (size_t)n * d * sizeof *x);
    atomic_init(&t->cancel, 0);
    pthread_mutex_init(&t->mu, NULL);
    t->pub.phase = TSNE_NEW;
    t->pub.iterations = p.iterations;
    t->pub.kl = NAN;
    t->pub.kl_iteration = -1;
    return t;
}

void tsne_free(tsne *t)
{
    if (!t) return;
    if (t->x && t->pub_xy && t->tmp_xy) pthread_mutex_destroy(&t->mu);
    free(t->x);
    free(t->pub_xy);
    free(t->tmp_xy);
    tsne_P_free(&t->P);
    free(t);
}

int tsne_size(const tsne *t)
{
    return t->n;
}
const tsne_P *tsne_affinity_matrix(const tsne *t)
{
    return t->P.row ? &t->P : NULL;
}
double tsne_perplexity(const tsne *t)
{
    return t->perplexity;
}
void tsne_cancel(tsne *t)
{
    atomic_store(&t->cancel, 1);
}

uint64_t tsne_snapshot(tsne *t, float *xy, tsne_status *st)
{
    pthread_mutex_lock(&t->mu);
    if (xy) {
        if (t->have_layout)
            memcpy(xy, t->pub_xy, (size_t)2 * t->n * sizeof *xy);
        else
            memset(xy, 0, (size_t)2 * t->n * sizeof *xy);
    }
    if (st) *st = t->pub;
    uint64_t v = t->pub.version;
    pthread_mutex_unlock(&t->mu);
    return v;
}

/* Publishes the state (and the layout y, if not NULL) for other threads and the callback. */
static void publish(tsne *t, int phase, int iteration, const double *y, double kl, int kl_it)
{
    if (y)
        for (int i = 0; i < 2 * t->n; i++) t->tmp_xy[i] = (float)y[i];
    double now = now_s();
    pthread_mutex_lock(&t->mu);
    if (y) {
        memcpy(t->pub_xy, t->tmp_xy, (size_t)2 * t->n * sizeof *t->tmp_xy);
        t->have_layout = 1;
    }
    t->pub.phase = phase;
    t->pub.iteration = iteration;
    t->pub.kl = kl;
    t->pub.kl_iteration = kl_it;
    t->pub.elapsed_s = now - t->t0;
    t->pub.version++;
    tsne_status st = t->pub;
    int have = t->have_layout;
    pthread_mutex_unlock(&t->mu);
    t->last_pub = now;
    if (t->p.on_publish) {
        if (!y && have) tsne_snapshot(t, t->tmp_xy, NULL);
        t->p.on_publish(t->p.user, &st, have ? t->tmp_xy : NULL);
    }
}

/* The starting layout: the data's first two principal components scaled so that the first
 * has standard deviation 1e-4 (as scikit-learn), or Gaussian noise of that size. */
static int initial_layout(tsne *t, double *y, ae_err *err)
{
    int n = t->n, d = t->d, random = t->p.init == TSNE_INIT_RANDOM;
    rng r;
    rng_seed_stream(&r, t->p.seed, 0x75e);
    if (!random) {
        int k = d < 2 ? d : 2;
        pca pc;
        float *z = malloc((size_t)n * k * sizeof *z);
        if (!z) return ae_fail(err, "t-SNE: out of memory");
        if (pca_fit(&pc, t->x, n, d, k, err) || pca_project(&pc, t->x, n, z, err)) {
            free(z);
            return ae_wrap(err, "t-SNE initialisation");
        }
        pca_free(&pc);
        double m = 0, v = 0;
        for (int i = 0; i < n; i++) m += z[(size_t)i * k];
        m /= n;
        for (int i = 0; i < n; i++) v += (z[(size_t)i * k] - m) * (z[(size_t)i * k] - m);
        double sd = sqrt(v / n);
        if (sd > 0 && isfinite(sd)) {
            for (int i = 0; i < n; i++) {
                y[2 * i] = z[(size_t)i * k] / sd * 1e-4;
                y[2 * i + 1] = k > 1 ? z[(size_t)i * k + 1] / sd * 1e-4 : rng_normal(&r) * 1e-4;
            }
        } else {
            random = 1; /* every point the same: nothing to project */
        }
        free(z);
    }
    if (random)
        for (int i = 0; i < 2 * n; i++) y[i] = rng_normal(&r) * 1e-4;
    return 0;
}

int tsne_run(tsne *t, ae_err *err)
{
    int n = t->n, rc = -1;
    const tsne_params *p = &t->p;
    t->t0 = now_s();
    pool pl;
    pool_start(&pl, p->threads);
    quadtree qt;
    memset(&qt, 0, sizeof qt);
    double *buf = malloc((size_t)12 * n * sizeof *buf);
    float *yf = malloc((size_t)2 * n * sizeof *yf);
    pentry *pk = NULL;
    qt_scratch scratch[MAX_THREADS];
    memset(scratch, 0, sizeof scratch);
    double kl = NAN;
    int kl_it = -1, it = 0;
    if (!buf || !yf) {
        ae_fail(err, "t-SNE: out of memory");
        goto out;
    }
    double *y = buf, *upd = buf + 2 * n, *gains = buf + 4 * n, *rep = buf + 6 * n;
    double *att = buf + 8 * n, *z = buf + 10 * n, *klr = buf + 11 * n;
    publish(t, TSNE_NEIGHBOURS, 0, NULL, kl, kl_it);
    tsne_P_free(&t->P);
    int a = affinities(t->x, n, t->d, t->perplexity, &pl, &t->cancel, &t->P, NULL, err);
    if (a < 0) goto out;
    if (a > 0) {
        rc = 1;
        publish(t, TSNE_CANCELLED, 0, NULL, kl, kl_it);
        goto out;
    }
    publish(t, TSNE_AFFINITIES, 0, NULL, kl, kl_it);
    pk = pack(&t->P);
    if (!pk) {
        ae_fail(err, "t-SNE: out of memory");
        goto out;
    }
    if (initial_layout(t, y, err)) goto out;
    for (int i = 0; i < 2 * n; i++) {
        upd[i] = 0;
        gains[i] = 1;
    }
    publish(t, TSNE_OPTIMISING, 0, y, kl, kl_it);
    int chunk = n / (16 * p->threads);
    chunk = chunk < 32 ? 32 : chunk > 512 ? 512 : chunk;
    for (it = 0; it < p->iterations; it++) {
        if (atomic_load(&t->cancel)) {
            rc = 1;
            publish(t, TSNE_CANCELLED, it, y, kl, kl_it);
            goto out;
        }
        int early = it < p->exaggeration_iters;
        double exag = early ? p->exaggeration : 1.0, momentum = early ? 0.5 : 0.8;
        if (it == p->exaggeration_iters && it > 0)
            for (int i = 0; i < 2 * n; i++) {
                upd[i] = 0;
                gains[i] = 1;
            }
        int want_kl = (it + 1) % p->kl_every == 0 || it + 1 == p->iterations;
        if (quadtree_build(&qt, y, n, err)) goto out;
        for (int i = 0; i < 2 * n; i++) yf[i] = (float)y[i];
        grad_ctx c = {&t->P, pk, &qt, y, yf, p->theta, rep, z, att, want_kl ? klr : NULL, scratch};
        pool_for(&pl, qt.nleaves, 8, rep_range, &c);
        pool_for(&pl, n, chunk, att_range, &c);
        for (int i = 0; i < pl.nthreads; i++)
            if (scratch[i].failed) {
                ae_fail(err, "t-SNE: out of memory for the interaction lists");
                goto out;
            }
        double zsum = 0;
        for (int i = 0; i < n; i++) zsum += z[i];
        if (want_kl) {
            double s = 0;
            for (int i = 0; i < n; i++) s += klr[i];
            kl = s + log(zsum);
            kl_it = it;
        }
        for (int i = 0; i < 2 * n; i++) {
            double g = exag * att[i] - rep[i] / zsum;
            /* Gains grow where the step keeps its direction, shrink where it flips. */
            if (upd[i] * g < 0)
                gains[i] += 0.2;
            else
                gains[i] *= 0.8;
            if (gains[i] < 0.01) gains[i] = 0.01;
            upd[i] = momentum * upd[i] - p->learning_rate * gains[i] * g;
            y[i] += upd[i];
        }
        if (now_s() - t->last_pub >= p->publish_s && it + 1 < p->iterations)
            publish(t, TSNE_OPTIMISING, it + 1, y, kl, kl_it);
    }
    publish(t, TSNE_DONE, it, y, kl, kl_it);
    rc = 0;
out:
    if (rc < 0) publish(t, TSNE_FAILED, it, NULL, kl, kl_it);
    pool_stop(&pl);
    quadtree_free(&qt);
    for (int i = 0; i < MAX_THREADS; i++) qt_scratch_free(&scratch[i]);
    free(buf);
    free(yf);
    free(pk);
    return rc;
}
