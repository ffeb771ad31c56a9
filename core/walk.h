/* walk.h: walks in an autoencoder's latent space (issue 14): the codes to decode for an
 * interpolation between two codes, a traversal of the codes' principal axes, and samples from a
 * Gaussian fitted to codes. Only the codes are made here; the decoder (models/model.h:
 * model_decode) turns them into images or sequences.
 *
 * Interpolation: K codes from a to b, a and b themselves at the ends (exactly: they decode to
 * the two samples' reconstructions). Linear, or spherical (slerp about the origin, as in White
 * 2016, "Sampling generative networks"): along the great circle between the two directions with
 * the norm interpolated linearly; it falls back to linear when the directions are (nearly) the
 * same or opposite, or a code is zero.
 *
 * Traversal: a PCA of the codes (core/pca.h); row j of a rows x steps grid is the mean code
 * moved along principal axis j from -range to +range standard deviations of the codes along
 * that axis, in `steps` even steps (an odd count has the mean itself, exactly, in the middle).
 *
 * Sampling: the mean and full covariance of n codes (divisor n-1) in double, a ridge of 1e-6 of
 * the mean variance on the diagonal (a latent with dead units has a singular covariance), its
 * Cholesky factor (LAPACK DPOTRF); a sample is mean + chol * e with e standard normal from the
 * caller's generator, so a seed gives the same samples every time.
 *
 * Memory: walk_gauss owns its arrays (walk_gauss_free); outputs are the caller's.
 * Thread-safe on distinct objects (sampling uses the object's scratch); BLAS/LAPACK may use their
 * own threads. */
#ifndef AE_WALK_H
#define AE_WALK_H

#include "err.h"
#include "pca.h"
#include "rng.h"

/* K >= 2 codes of size L into out (K x L): out[0] = a, out[K-1] = b. */
void walk_interpolate(const float *a, const float *b, int L, int K, int slerp, float *out);

/* The traversal grid's codes (rows x steps x L) from a PCA of the codes fitted with at least
 * `rows` components; steps >= 1 (one step: the mean). */
void walk_traverse(const pca *p, int rows, int steps, double range, float *out);
/* The offset of column s of `steps` in standard deviations (-range ... +range). */
double walk_traverse_t(int s, int steps, double range);

typedef struct walk_gauss {
    int d;
    double *mean; /* d */
    double *chol; /* d x d, lower triangle (row-major), the upper part zero */
    double *work; /* d: scratch for sampling */
} walk_gauss;

/* Fits the Gaussian to n >= 2 codes z (n x d). */
int walk_gauss_fit(walk_gauss *g, const float *z, int n, int d, ae_err *err);
/* Draws n samples into out (n x d) from r. */
void walk_gauss_sample(walk_gauss *g, rng *r, int n, float *out);
void walk_gauss_free(walk_gauss *g);

#endif
