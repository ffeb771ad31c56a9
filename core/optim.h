/* optim.h: Adam as Keras has it, optional global-norm gradient clipping, and the Keras
 * initialisers (Glorot uniform, orthogonal).
 *
 * Keras's Adam: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
 * p -= lr * sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + eps), defaults lr 1e-3, b1 0.9, b2 0.999,
 * eps 1e-7. The caller owns every buffer; any thread. */
#ifndef AE_OPTIM_H
#define AE_OPTIM_H

#include "rng.h"

typedef struct adam {
    double lr, beta1, beta2, eps;
    long t; /* steps taken */
} adam;

void adam_init(adam *a, double lr);
/* One step over n parameters p with gradients g and moments m, v. When clip > 0 and the
 * global L2 norm of g exceeds it, g is scaled to norm clip first. Returns the norm of g
 * before clipping. */
double adam_step(adam *a, float *p, const float *g, float *m, float *v, long n, double clip);

/* w[n] ~ U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)). */
void init_glorot_uniform(float *w, long n, int fan_in, int fan_out, rng *r);
/* w (rows, cols) row-major with orthonormal rows or columns (whichever is fewer), from the QR
 * of a Gaussian matrix with the signs fixed by diag(R), as Keras's Orthogonal(gain=1).
 * Returns -1 when out of memory or LAPACK fails. */
int init_orthogonal(float *w, int rows, int cols, rng *r);

#endif
