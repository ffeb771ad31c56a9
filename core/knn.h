/* knn.h: exact k nearest neighbours of every row of a matrix (for t-SNE's affinities).
 *
 * Squared Euclidean distances come from blocks of one SGEMM each, |a|^2 + |b|^2 - 2 a.b, a
 * max-heap per row keeps a few more than k candidates, and the candidates' distances are then
 * recomputed exactly in double (the Gram trick loses digits on nearby points) and sorted by
 * (distance, index), so ties break the same way every time. A point is never its own
 * neighbour; exact duplicates of it are (at distance 0).
 *
 * Threads: the selection runs in nthreads threads (pthreads, one stripe of rows each); the
 * result does not depend on their number. BLAS may use its own threads for the products.
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
