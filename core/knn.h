/* knn.h: exact k nearest neighbours of every row of a matrix (for t-SNE's affinities).
 *
 * Squared Euclidean distances come from tiles of one SGEMM each, |a|^2 + |b|^2 - 2 a.b; each
 * row keeps a few more than k candidates (a buffer cut down by quickselect whenever it fills,
 * with a falling threshold that rejects almost everything), and the candidates' distances are
 * then recomputed exactly in double (the Gram trick loses digits on nearby points), sorted by
 * (distance, index), so ties break the same way every time. A point is never its own
 * neighbour; exact duplicates of it are (at distance 0).
 *
 * Threads: blocks of 64 rows are handed to nthreads threads (pthreads) from an atomic counter;
 * for d <= 64 each thread calls SGEMM on tiles small enough that OpenBLAS stays in the calling
 * thread; above that, one thread and BLAS's own. The result does not depend on the threads.
 * Memory: the caller owns idx and dist. Thread-safe. */
#ifndef AE_KNN_H
#define AE_KNN_H

#include <stdatomic.h>
#include <stdint.h>

#include "err.h"

#define KNN_MAX_THREADS 64

/* For each of the n rows of x (n x d, row-major), its k nearest other rows: idx[i*k + t] and
 * their squared distances dist2[i*k + t], nearest first. Needs 1 <= k <= n-1. If cancel is not
 * NULL and becomes non-zero, stops early and returns 1. */
int knn_exact(const float *x, int n, int d, int k, int nthreads, int32_t *idx, double *dist2,
              const atomic_int *cancel, ae_err *err);

#endif
