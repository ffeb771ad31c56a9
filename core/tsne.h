/* tsne.h: t-SNE in two dimensions, Barnes-Hut, built to run in a worker thread.
 *
 * The pipeline: exact k nearest neighbours (k = 3 x perplexity + 1, knn.h); per point, a
 * binary search in double for the Gaussian width that gives the wanted perplexity; the
 * symmetric sparse P = (P_j|i + P_i|j) / 2N. Then gradient descent as the reference
 * implementations do it (scikit-learn, bhtsne, FIt-SNE): PCA initialisation scaled to a
 * standard deviation of 1e-4, early exaggeration 12 with momentum 0.5 for 250 iterations, then
 * momentum 0.8; learning rate max(N/12, 200) on the gradient without its factor 4 (the same step
 * as scikit-learn's 'auto'); per-coordinate gains (+0.2 / x0.8, floor 0.01), reset with the
 * velocities when the exaggeration ends. The gradient's repulsion comes from a quadtree
 * (quadtree.h), its attraction from the sparse P.
 *
 * Threads: tsne_run uses params.threads threads (its own pthreads), each point's forces are
 * computed by one thread and the global sums are added in point order afterwards, so the
 * layout is the same bit for bit for the same input and parameters, whatever the number of
 * threads (the random initialisation is the only use of the seed).
 *
 * Worker-thread use: tsne_create (validates and copies the data) and tsne_run in the worker;
 * from any other thread, tsne_snapshot copies the latest published layout (the run loop
 * publishes at least every params.publish_s seconds, default 0.033, under a mutex) and
 * tsne_cancel stops the run at the next iteration (or the next block of neighbour search).
 * An optional callback gets every publication from the run thread (keep it quick).
 *
 * Memory: a tsne owns everything it allocates; tsne_free releases it, once tsne_run has
 * returned (or was never called). */
#ifndef AE_TSNE_H
#define AE_TSNE_H

#include <stdint.h>

#include "err.h"

enum tsne_phase {
    TSNE_NEW = 0,    /* created, not run */
    TSNE_NEIGHBOURS, /* searching nearest neighbours */
    TSNE_AFFINITIES, /* computing P */
    TSNE_OPTIMISING, /* gradient descent; the layout is valid */
    TSNE_DONE,       /* finished; the layout is final */
    TSNE_CANCELLED,  /* stopped by tsne_cancel; the layout is the last one reached */
    TSNE_FAILED      /* tsne_run returned -1 */
};
enum tsne_init { TSNE_INIT_PCA = 0, TSNE_INIT_RANDOM = 1 };

typedef struct tsne_status {
    int phase;        /* enum tsne_phase */
    int iteration;    /* iterations done */
    int iterations;   /* iterations planned */
    double kl;        /* KL divergence estimate (Barnes-Hut normalisation), NAN before any */
    int kl_iteration; /* the iteration kl was computed at */
    double elapsed_s; /* since tsne_run started */
    uint64_t version; /* increases with every publication */
} tsne_status;

typedef struct tsne_params {
    double perplexity;      /* 0: 30, lowered to (n-1)/3 for small n; else must be <= (n-1)/3 */
    int iterations;         /* 0: 1000 */
    double theta;           /* 0: 0.5 (Barnes-Hut opening angle; must be < 1) */
    double learning_rate;   /* 0: max(n/12, 200) */
    double exaggeration;    /* 0: 12 */
    int exaggeration_iters; /* 0: 250 (a negative value means none) */
    int threads;            /* 0: 2 */
    int init;               /* enum tsne_init */
    uint64_t seed;          /* random initialisation only */
    int kl_every;           /* 0: 50; iterations between KL estimates */
    double publish_s;       /* 0: 0.033; at most this long between publications */
    /* Called from the run thread at each publication; xy is n x 2 (NULL before the layout
     * exists) and valid during the call only. */
    void (*on_publish)(void *user, const tsne_status *st, const float *xy);
    void *user;
} tsne_params;

typedef struct tsne tsne;

/* Checks the input (n >= 2, all values finite, perplexity possible for n) and copies x
 * (n x d, row-major). NULL on error. */
tsne *tsne_create(const float *x, int n, int d, const tsne_params *params, ae_err *err);

/* Runs the whole pipeline. Returns 0 when done, 1 when cancelled, -1 on error. */
int tsne_run(tsne *t, ae_err *err);

/* Any thread: asks the run to stop. */
void tsne_cancel(tsne *t);

/* Any thread: the latest publication. xy (n x 2, may be NULL) receives the layout if one
 * exists. Returns the status's version. */
uint64_t tsne_snapshot(tsne *t, float *xy, tsne_status *st);

int tsne_size(const tsne *t);
double tsne_perplexity(const tsne *t); /* the perplexity in use (after the default cap) */

void tsne_free(tsne *t);

/* ---- The pieces, public for tests and benchmarks ------------------------------------- */

/* Symmetric sparse P in CSR form: row i's entries are col[row[i] .. row[i+1]-1]. */
typedef struct tsne_P {
    int n;
    int64_t *row; /* n + 1 */
    int32_t *col;
    double *val;
} tsne_P;

/* P of x (n x d) at the given perplexity, k = min(n-1, 3*perplexity + 1) neighbours.
 * row_perplexity (n, may be NULL) receives the perplexity each conditional row reached. */
int tsne_affinities(const float *x, int n, int d, double perplexity, tsne_P *P,
                    double *row_perplexity, ae_err *err);
void tsne_P_free(tsne_P *P);

/* The gradient (without the factor 4) of KL(P || Q) at layout y (n x 2), with the attraction
 * multiplied by exaggeration: Barnes-Hut with angle theta, single-threaded. */
int tsne_gradient_bh(const tsne_P *P, const double *y, double theta, double exaggeration,
                     double *grad, ae_err *err);
/* The same, exact, O(n^2). */
void tsne_gradient_exact(const tsne_P *P, const double *y, double exaggeration, double *grad);

/* KL(P || Q) with Q normalised exactly over all pairs, O(n^2). */
double tsne_kl_exact(const tsne_P *P, const double *y);

/* The P a finished (or cancelled during optimisation) run used; NULL before it exists.
 * Owned by t. */
const tsne_P *tsne_affinity_matrix(const tsne *t);

#endif
